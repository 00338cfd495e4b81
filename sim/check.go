package sim

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/traces"
)

// TB is the part of testing.TB that Check uses.
type TB interface {
	Helper()
	Name() string
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

var replayFlag = flag.String("simrun.trace", "", "replay this simrun trace in sim.Check instead of exploring")

// Check explores s inside a test and fails the test on the first finding:
// it prints the finding with its explanation, saves the trace under
// testdata/simrun/<test name>/ and prints the command that replays it. With
// -simrun.trace=FILE it replays that trace instead and prints its timeline.
//
// It is a Hunt of s that stops at the first finding: by default 500
// executions of each strategy of DefaultPortfolio (Mix of POS and PCT,
// PCT of depth 3, SURW) with spurious wakeups on; opts change that
// (Strategy and Runs apply to one exploration; Runs is per strategy of the
// default portfolio when Strategy is nil).
func Check(t TB, s Scenario, opts ...func(*Options)) {
	t.Helper()
	var o Options
	for _, f := range opts {
		f(&o)
	}
	if o.Meta.Protocol == "" {
		o.Meta = Meta{Protocol: "test", Variant: t.Name()}
	}
	if *replayFlag != "" {
		checkReplay(t, s, *replayFlag)
		return
	}
	h := Hunt{Runs: o.Runs, Options: o}
	h.Options.Runs, h.Options.StopOnFinding = 0, true
	if o.Strategy == nil {
		h.Runs = len(DefaultPortfolio) * 500
		if o.Runs != 0 {
			h.Runs = len(DefaultPortfolio) * o.Runs
		}
	}
	v, err := h.Run(s, Variant{Name: t.Name(), Expected: Clean})
	if err != nil {
		t.Fatalf("sim.Check: %v", err)
		return
	}
	if len(v.Findings) == 0 {
		return
	}
	hf := v.Findings[0]
	f := hf.Finding
	msg := fmt.Sprintf("sim.Check: %s after %d executions (%s, seed %d, %d steps)\n%s", f.Kind, v.Runs, hf.Strategy.Name, f.Seed, f.Steps, f)
	if f.Trace != nil {
		path := filepath.Join("testdata", "simrun", safeName(t.Name()), fmt.Sprintf("%s-%s-seed%d.json", f.Kind, hf.Strategy.Name, f.Seed))
		if err := traces.Save(path, f.Trace); err != nil {
			msg += fmt.Sprintf("\n(could not save the trace: %v)", err)
		} else {
			msg += fmt.Sprintf("\ntrace: %s\nreplay: go test -run '^%s$' -simrun.trace=%s", path, regexp.QuoteMeta(t.Name()), path)
		}
	}
	t.Fatalf("%s", msg)
}

func checkReplay(t TB, s Scenario, path string) {
	t.Helper()
	tr, err := traces.Load(path)
	if err != nil {
		t.Fatalf("sim.Check: %v", err)
		return
	}
	f, got, err := Replay(s, tr)
	if err != nil {
		t.Fatalf("sim.Check: %v", err)
		return
	}
	var b strings.Builder
	if err := traces.Timeline(&b, got, traces.TimelineOptions{Width: 40}); err != nil {
		t.Fatalf("sim.Check: %v", err)
		return
	}
	if f != nil {
		t.Fatalf("sim.Check: replay of %s:\n%s\n%s", path, b.String(), f)
		return
	}
	t.Logf("sim.Check: replay of %s: no finding\n%s", path, b.String())
}

func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == os.PathSeparator || r == ' ' || r == ':' {
			return '_'
		}
		return r
	}, name)
}

// Runs sets the number of executions per strategy.
func Runs(n int) func(*Options) { return func(o *Options) { o.Runs = n } }

// WithStrategy explores with one strategy instead of the default portfolio.
func WithStrategy(s scheduler.Strategy) func(*Options) { return func(o *Options) { o.Strategy = s } }

// NoSpurious turns spurious wakeups off.
func NoSpurious() func(*Options) { return func(o *Options) { o.NoSpurious = true } }
