package sim_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// recTB records what Check says instead of failing the test.
type recTB struct {
	name  string
	fatal string
	logs  []string
}

func (r *recTB) Helper()      {}
func (r *recTB) Name() string { return r.name }
func (r *recTB) Fatalf(format string, args ...any) {
	if r.fatal == "" {
		r.fatal = fmt.Sprintf(format, args...)
	}
}
func (r *recTB) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func setFlag(t *testing.T, name, value string) {
	t.Helper()
	old := flag.Lookup(name).Value.String()
	if err := flag.Set(name, value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { flag.Set(name, old) })
}

func TestCheckGoKernels(t *testing.T) {
	leak := func(x *sim.Execution) {
		ch := sim.NewChan[int](x, "results", 0)
		x.Go("worker", func() { ch.Send(1) })
		sim.Select(x, ch.RecvCase(nil), sim.Default(nil))
	}
	tests := []struct {
		name   string
		s      sim.Scenario
		opts   []func(*sim.Options)
		fatal  string // a regexp; "" for clean
		logged string
	}{
		{"spinlock", spinlock(false), nil, "", `clean after 1500 executions \(posc: 500; pct: 500; surw: 500\)`},
		{"spinlock exhaustive", spinlock(true), []func(*sim.Options){sim.Strategy("dpor")}, "", `dpor: \d+, exhaustive`},
		{"leak", leak, nil, `(?s)leak in execution \d+ \(\d+ executions run.*replay: go test ./sim -run '\^TestCheckGoKernels\$/\^leak\$' -simrun.trace=sim/testdata/simrun/`, ""},
		{"leak bounded dfs", leak, []func(*sim.Options){sim.Strategy("dfs:bound=1")}, `leak in execution 1 `, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &recTB{name: t.Name()}
			sim.Check(tb, tt.s, tt.opts...)
			if tt.fatal == "" {
				if tb.fatal != "" {
					t.Fatalf("correct scenario failed: %s", tb.fatal)
				}
				if !regexp.MustCompile(tt.logged).MatchString(strings.Join(tb.logs, "\n")) {
					t.Fatalf("summary %q does not match %q", tb.logs, tt.logged)
				}
				return
			}
			if !regexp.MustCompile(tt.fatal).MatchString(tb.fatal) {
				t.Fatalf("failure %q does not match %q", tb.fatal, tt.fatal)
			}
			// The printed trace path is relative to the module root; the
			// replay flag takes it from there and replays this test only.
			m := regexp.MustCompile(`-simrun.trace=(\S+)`).FindStringSubmatch(tb.fatal)
			if m == nil {
				return
			}
			rel := strings.TrimPrefix(m[1], "sim/")
			if _, err := os.Stat(rel); err != nil {
				t.Fatalf("trace not saved: %v", err)
			}
			t.Cleanup(func() { os.RemoveAll(filepath.Dir(rel)) })
			setFlag(t, "simrun.trace", m[1])
			again := &recTB{name: t.Name()}
			sim.Check(again, tt.s)
			if !strings.Contains(again.fatal, "replay of") || !strings.Contains(again.fatal, "goroutine leak") {
				t.Fatalf("replay: %q", again.fatal)
			}
			other := &recTB{name: "TestOther"}
			sim.Check(other, spinlock(false))
			if other.fatal != "" {
				t.Fatalf("another test replayed the trace: %s", other.fatal)
			}
		})
	}
}

func TestCheckFlags(t *testing.T) {
	setFlag(t, "simrun.runs", "7")
	setFlag(t, "simrun.strategy", "random,pct:depth=2")
	tb := &recTB{name: "TestFlags"}
	sim.Check(tb, spinlock(false))
	if got := strings.Join(tb.logs, ""); !strings.Contains(got, "clean after 14 executions (random: 7; pct: 7)") {
		t.Fatalf("summary %q", got)
	}
	setFlag(t, "simrun.strategy", "nonsense")
	bad := &recTB{name: "TestFlags"}
	sim.Check(bad, spinlock(false))
	if !strings.Contains(bad.fatal, "-simrun.strategy") {
		t.Fatalf("bad strategy: %q", bad.fatal)
	}
}

// TestCheckStrategySpecs: Strategy takes comma-separated specs whose
// parameters also use commas; "explore" is DPOR; a bad spec fails.
func TestCheckStrategySpecs(t *testing.T) {
	tests := []struct {
		spec, logged, fatal string
	}{
		{"explore", "dpor: ", ""},
		{"random,pct:depth=2,steps=40", "(random: 5; pct: 5)", ""},
		{"dfs:bound=1", "dfs: ", ""},
		{"nope", "", "sim.Check:"},
	}
	for _, tt := range tests {
		r := &recTB{name: "TestSpecs"}
		opts := []func(*sim.Options){sim.Strategy(tt.spec)}
		if tt.spec == "random,pct:depth=2,steps=40" {
			opts = append(opts, sim.Runs(5))
		}
		sim.Check(r, spinlock(true), opts...)
		if tt.fatal != "" {
			if !strings.HasPrefix(r.fatal, tt.fatal) {
				t.Errorf("%s: failure %q", tt.spec, r.fatal)
			}
			continue
		}
		if r.fatal != "" || !strings.Contains(strings.Join(r.logs, ""), tt.logged) {
			t.Errorf("%s: logs %q, failure %q", tt.spec, r.logs, r.fatal)
		}
	}
}

// TestSplitStrategies: a comma starts a new spec unless the word after it
// is a parameter of the spec before (key=value, no colon).
func TestSplitStrategies(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"dpor", []string{"dpor"}},
		{"random,pct:depth=2,steps=40", []string{"random", "pct:depth=2,steps=40"}},
		{"pct:depth=2, steps=9 ,dfs:bound=1,dpor", []string{"pct:depth=2,steps=9", "dfs:bound=1", "dpor"}},
		{"pct,,dfs", []string{"pct", "", "dfs"}}, // ParseStrategies rejects the empty one
	} {
		if got := sim.SplitStrategies(c.in); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
			t.Errorf("SplitStrategies(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if _, err := sim.ParseStrategies("pct,,dfs"); err == nil {
		t.Errorf("ParseStrategies accepts an empty spec")
	}
}

// TestCheckHunt: Check's budget is per strategy, larger for an exhaustive
// search; the race detector and the watchdog are on unless turned off.
func TestCheckHunt(t *testing.T) {
	for _, c := range []struct {
		name    string
		opts    []func(*sim.Options)
		runs    int
		races   bool
		watched bool
		err     string
	}{
		{"defaults", nil, 3 * sim.CheckDefaultRuns, true, true, ""},
		{"two strategies", []func(*sim.Options){sim.Strategy("random,pct"), sim.Runs(7)}, 14, true, true, ""},
		{"exhaustive", []func(*sim.Options){sim.Strategy("dpor")}, sim.CheckExhaustiveRuns, true, true, ""},
		{"one strategy", []func(*sim.Options){sim.WithStrategy(scheduler.NewRandom(1))}, sim.CheckDefaultRuns, true, true, ""},
		{"off", []func(*sim.Options){sim.NoRaces(), sim.Watchdog(0)}, 3 * sim.CheckDefaultRuns, false, false, ""},
		{"negative runs", []func(*sim.Options){sim.Runs(-1)}, 0, false, false, "runs must be positive, got -1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, err := sim.CheckHunt(c.opts...)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.Runs != c.runs || h.Options.Races != c.races || (h.Options.Watchdog != 0) != c.watched || !h.Options.StopOnFinding || h.Options.Runs != 0 {
				t.Errorf("hunt of %d runs, options %+v", h.Runs, h.Options)
			}
		})
	}
}

// The hunt of Check, outside a test: two strategies of 50 executions.
func ExampleCheckHunt() {
	h, err := sim.CheckHunt(sim.Strategy("random,pct"), sim.Runs(50))
	if err != nil {
		panic(err)
	}
	v, err := h.Run(signalFirst, sim.Variant{Name: "signalFirst", Expected: sim.Clean})
	if err != nil {
		panic(err)
	}
	text, file := sim.CheckFinding(v)
	fmt.Println(h.Runs, strings.SplitN(text, "\n", 2)[0])
	fmt.Println(file)
	// Output:
	// 100 lost-wakeup in execution 2 (2 executions run; random, seed 9506087726907147786, 13 steps)
	// lost-wakeup-random-seed9506087726907147786.json
}
