package sim_test

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// strategies are the strategies every option must work under, as makers
// of a fresh strategy. PCT is given its step count so that its clones on
// several workers agree.
var strategies = []struct {
	name string
	make func() scheduler.Strategy
}{
	{"random", func() scheduler.Strategy { return scheduler.NewRandom(1) }},
	{"pct", func() scheduler.Strategy { return scheduler.NewPCT(1, 3, 20) }},
	{"dfs", func() scheduler.Strategy { return scheduler.NewDFS(2) }},
	{"dpor", func() scheduler.Strategy { return scheduler.NewDPOR() }},
	{"bounded-dpor", func() scheduler.Strategy { return scheduler.NewBoundedDPOR(1) }},
}

// lostUpdate is the kind of the lost update in twoKinds.
const lostUpdate sim.Kind = "lost-update"

// aLast is the kind of twoKinds's other finding.
const aLast sim.Kind = "a-last"

// twoKinds has two findings, found in different executions: two
// incrementers lose an update (lostUpdate), or else actor a finishes last
// (aLast). The first execution of every exhaustive strategy is clean.
func twoKinds(x *sim.Execution) {
	c := sim.NewVar(x, "count", 0)
	last := sim.NewVar(x, "last", "")
	inc := func(name string) func() {
		return func() {
			c.Write(c.Read() + 1)
			last.Write(name)
		}
	}
	a, b := x.Go("a", inc("a")), x.Go("b", inc("b"))
	a.Join()
	b.Join()
	switch {
	case c.Read() != 2:
		x.Failf(lostUpdate, "count = %d after two increments", c.Read())
	case last.Read() == "a":
		x.Failf(aLast, "a finished last")
	}
}

// escapes is a scenario that escapes the simulator: it reads a counter
// that lives outside the execution, so an execution and its re-run from the
// same decisions take different steps.
func escapes() sim.Scenario {
	var n atomic.Int64
	return func(x *sim.Execution) {
		v := sim.NewVar(x, "v", 0)
		writes := 1 + int(n.Add(1)%2)
		x.Go("a", func() {
			for i := range writes {
				v.Write(i)
			}
		})
		x.Go("b", func() { v.Write(9) })
	}
}

// explore runs Explore on 1 and 2 workers, fails unless the reports agree,
// and returns the report of 1 worker. opts is made afresh for each run.
func exploreWorkers(t *testing.T, s sim.Scenario, opts func(w int) sim.Options) *sim.Report {
	t.Helper()
	var first *sim.Report
	for _, w := range []int{1, 2} {
		o := opts(w)
		o.Workers = w
		rep, err := sim.Explore(s, o)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = rep
		} else if a, b := reportKey(first), reportKey(rep); a != b {
			t.Errorf("reports differ by worker count:\n1: %s\n2: %s", a, b)
		}
	}
	return first
}

// TestOptionsUnderEveryStrategy: every option takes effect under every
// strategy, on 1 and 2 workers alike. Each case fails if its option is
// dropped under any strategy.
func TestOptionsUnderEveryStrategy(t *testing.T) {
	const runs = 200
	tests := []struct {
		option string
		test   func(t *testing.T, strat func() scheduler.Strategy)
	}{
		{"SelfCheck", func(t *testing.T, strat func() scheduler.Strategy) {
			for _, on := range []bool{false, true} {
				var got int
				for _, w := range []int{1, 2} {
					rep, err := sim.Explore(escapes(), sim.Options{Strategy: strat(), Runs: 50, Workers: w, SelfCheck: on})
					if err != nil {
						t.Fatal(err)
					}
					got = rep.Counts[sim.Nondeterminism]
					if on != (got > 0) {
						t.Errorf("SelfCheck %v, workers %d: %d nondeterminism findings", on, w, got)
					}
				}
			}
		}},
		{"Watchdog", func(t *testing.T, strat func() scheduler.Strategy) {
			for _, w := range []int{1, 2} {
				ch := make(chan struct{})
				var once sync.Once
				unblock := func() { once.Do(func() { close(ch) }) }
				var blocked, hung atomic.Bool
				s := func(x *sim.Execution) {
					x.Go("blocker", func() {
						if blocked.CompareAndSwap(false, true) {
							<-ch // real blocking, once: forbidden in actor code
						}
					})
					x.Go("other", func() {})
				}
				guard := time.AfterFunc(10*time.Second, unblock)
				_, err := sim.Explore(s, sim.Options{Strategy: strat(), Runs: 20, Workers: w,
					Watchdog: 50 * time.Millisecond, OnHang: func(string) { hung.Store(true); unblock() }})
				guard.Stop()
				if err != nil {
					t.Fatal(err)
				}
				if !hung.Load() {
					t.Errorf("workers %d: the watchdog did not fire", w)
				}
			}
		}},
		{"StopOnKind", func(t *testing.T, strat func() scheduler.Strategy) {
			all := exploreWorkers(t, twoKinds, func(int) sim.Options { return sim.Options{Strategy: strat(), Runs: runs} })
			// Stop on a kind whose first finding is not the last run, so
			// that stopping there shows.
			var stopOn sim.Kind
			for _, f := range all.Findings {
				if f.Run+1 < all.Runs && all.Counts[f.Kind] > 1 {
					stopOn = f.Kind
					break
				}
			}
			if stopOn == "" {
				t.Fatalf("no finding to stop on: %s", reportKey(all))
			}
			rep := exploreWorkers(t, twoKinds, func(int) sim.Options {
				return sim.Options{Strategy: strat(), Runs: runs, StopOnKind: stopOn}
			})
			f := rep.Findings[len(rep.Findings)-1]
			if f.Kind != stopOn || rep.Counts[stopOn] != 1 || rep.Runs != f.Run+1 || rep.Exhausted {
				t.Errorf("StopOnKind did not stop at the first %s (run %d of %d): %s", stopOn, f.Run, rep.Runs, reportKey(rep))
			}
		}},
		{"OnExecution", func(t *testing.T, strat func() scheduler.Strategy) {
			for _, budget := range []int{runs, 5} {
				var calls []string
				exploreWorkers(t, twoKinds, func(w int) sim.Options {
					var mu sync.Mutex
					var got []string
					return sim.Options{Strategy: strat(), Runs: budget, OnExecution: func(run int, h *sim.History, f *sim.Finding) {
						mu.Lock()
						defer mu.Unlock()
						if run != len(got) {
							t.Errorf("workers %d: OnExecution got run %d after %d calls", w, run, len(got))
						}
						kind := sim.Kind("clean")
						if f != nil {
							kind = f.Kind
						}
						got = append(got, string(kind))
						if w == 1 {
							calls = got
						} else if len(got) == len(calls) && !slices.Equal(got, calls) {
							t.Errorf("OnExecution saw other executions on 2 workers:\n1: %v\n2: %v", calls, got)
						}
					}}
				})
				rep, err := sim.Explore(twoKinds, sim.Options{Strategy: strat(), Runs: budget})
				if err != nil {
					t.Fatal(err)
				}
				if len(calls) != rep.Runs || rep.Runs == 0 {
					t.Errorf("budget %d: OnExecution called %d times for %d runs", budget, len(calls), rep.Runs)
				}
				for _, f := range rep.Findings {
					if f.Run >= len(calls) || calls[f.Run] != string(f.Kind) {
						t.Errorf("budget %d: finding %s of run %d not seen by OnExecution at that run", budget, f.Kind, f.Run)
					}
				}
			}
		}},
		{"Progress", func(t *testing.T, strat func() scheduler.Strategy) {
			var last atomic.Int64
			rep := exploreWorkers(t, twoKinds, func(int) sim.Options {
				return sim.Options{Strategy: strat(), Runs: 600, Progress: func(p sim.Progress) { last.Store(int64(p.Runs)) }}
			})
			if rep.Runs >= 256 && last.Load() == 0 {
				t.Errorf("Progress never called in %d runs", rep.Runs)
			}
		}},
	}
	for _, tt := range tests {
		for _, st := range strategies {
			t.Run(tt.option+"/"+st.name, func(t *testing.T) { tt.test(t, st.make) })
		}
	}
}

// TestExploreWorkersAgree: every strategy gives the same report, findings
// and traces on 1 and 2 workers, run to the end, cut by a budget, and
// stopped at a finding.
func TestExploreWorkersAgree(t *testing.T) {
	for _, st := range strategies {
		for _, o := range []sim.Options{{Runs: 300}, {Runs: 7}, {Runs: 300, StopOnFinding: true}, {Runs: 300, SelfCheck: true}} {
			t.Run(fmt.Sprintf("%s/runs=%d/stop=%v/selfcheck=%v", st.name, o.Runs, o.StopOnFinding, o.SelfCheck), func(t *testing.T) {
				exploreWorkers(t, twoKinds, func(int) sim.Options {
					o := o
					o.Strategy = st.make()
					return o
				})
			})
		}
	}
}
