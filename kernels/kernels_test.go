package kernels_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/simrun/simrun/kernels"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// tb records what sim.Check says instead of failing the test.
type tb struct {
	name  string
	fatal string
	logs  []string
}

func (r *tb) Helper()      {}
func (r *tb) Name() string { return r.name }
func (r *tb) Fatalf(format string, args ...any) {
	if r.fatal == "" {
		r.fatal = fmt.Sprintf(format, args...)
	}
}
func (r *tb) Logf(format string, args ...any) { r.logs = append(r.logs, fmt.Sprintf(format, args...)) }

// TestMain removes the traces sim.Check saves for the buggy kernels.
func TestMain(m *testing.M) {
	code := m.Run()
	dirs, _ := filepath.Glob(filepath.Join("testdata", "simrun", "kernel_*"))
	for _, d := range dirs {
		os.RemoveAll(d)
	}
	os.Remove(filepath.Join("testdata", "simrun"))
	os.Remove("testdata")
	os.Exit(code)
}

func TestSuiteSize(t *testing.T) {
	if len(kernels.All) < 30 {
		t.Fatalf("%d kernels, want at least 30", len(kernels.All))
	}
	seen := map[string]bool{}
	for _, k := range kernels.All {
		if seen[k.Name] || k.Want == "" || k.Buggy == nil || k.Fixed == nil || k.Pattern == "" {
			t.Errorf("kernel %q: duplicate or incomplete", k.Name)
		}
		seen[k.Name] = true
	}
}

// TestBuggyFoundUnderCheckDefaults: sim.Check with its defaults finds
// every buggy kernel, with the kernel's kind.
func TestBuggyFoundUnderCheckDefaults(t *testing.T) {
	for _, k := range kernels.All {
		t.Run(k.Name, func(t *testing.T) {
			r := &tb{name: "kernel_" + k.Name}
			sim.Check(r, k.Buggy, sim.Watchdog(0))
			if !strings.HasPrefix(r.fatal, "sim.Check: "+string(k.Want)+" ") {
				t.Fatalf("want %s, got %q", k.Want, firstLine(r.fatal))
			}
		})
	}
}

// TestFixedCleanUnderCheckDefaults: every fixed kernel passes sim.Check
// and an exhaustive DPOR search.
func TestFixedClean(t *testing.T) {
	for _, k := range kernels.All {
		t.Run(k.Name, func(t *testing.T) {
			r := &tb{name: "kernel_" + k.Name}
			sim.Check(r, k.Fixed, sim.Watchdog(0))
			if r.fatal != "" {
				t.Fatalf("fixed kernel: %s", r.fatal)
			}
			rep, err := sim.Explore(k.Fixed, sim.Options{Strategy: scheduler.NewDPOR(), Runs: 20000, Races: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) > 0 {
				t.Fatalf("fixed kernel under DPOR: %v", rep.Findings[0])
			}
			if !rep.Exhausted && !testing.Short() {
				t.Logf("DPOR did not exhaust in %d runs", rep.Runs)
			}
		})
	}
}

// TestTracesReplay: the trace of every buggy kernel's finding replays to
// the same finding and the same bytes.
func TestTracesReplay(t *testing.T) {
	for _, k := range kernels.All {
		t.Run(k.Name, func(t *testing.T) {
			rep, err := sim.Explore(k.Buggy, sim.Options{Runs: 1000, Races: true, StopOnFinding: true,
				Meta: sim.Meta{Protocol: "kernels", Variant: k.Name}})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) == 0 || rep.Findings[0].Trace == nil {
				t.Fatalf("no finding with a trace in %d runs", rep.Runs)
			}
			f := rep.Findings[0]
			g, got, err := sim.Replay(k.Buggy, f.Trace)
			if err != nil {
				t.Fatal(err)
			}
			if g == nil || g.Kind != f.Kind {
				t.Fatalf("replay gave %v, want %s", g, f.Kind)
			}
			a, _ := f.Trace.Encode()
			b, _ := got.Encode()
			if string(a) != string(b) {
				t.Fatal("replayed trace differs")
			}
		})
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// TestDPORMatchesDFS: on every kernel, buggy and fixed, DPOR reaches the
// same terminal states and finding kinds as brute-force DFS.
func TestDPORMatchesDFS(t *testing.T) {
	for _, k := range kernels.All {
		for _, v := range []struct {
			name string
			s    sim.Scenario
		}{{"buggy", k.Buggy}, {"fixed", k.Fixed}} {
			t.Run(k.Name+"/"+v.name, func(t *testing.T) {
				o := func(s scheduler.Strategy) sim.Options {
					return sim.Options{Strategy: s, Runs: 20000, Races: true, MaxSteps: 500}
				}
				dfs, err := sim.Explore(v.s, o(scheduler.NewDFS(-1)))
				if err != nil {
					t.Fatal(err)
				}
				if !dfs.Exhausted {
					t.Skipf("DFS did not finish in %d runs", dfs.Runs)
				}
				dpor, err := sim.Explore(v.s, o(scheduler.NewDPOR()))
				if err != nil {
					t.Fatal(err)
				}
				if !dpor.Exhausted || dpor.TerminalStates != dfs.TerminalStates || kinds(dpor) != kinds(dfs) {
					t.Fatalf("DFS: %d runs, %d terminal states, %s; DPOR: %d runs, %d terminal states, %s",
						dfs.Runs, dfs.TerminalStates, kinds(dfs), dpor.Runs, dpor.TerminalStates, kinds(dpor))
				}
			})
		}
	}
}

func kinds(r *sim.Report) string {
	var ks []string
	for k := range r.Counts {
		ks = append(ks, string(k))
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}
