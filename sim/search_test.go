package sim_test

import (
	"fmt"
	"testing"

	"github.com/simrun/simrun/kernels"
	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// reportKey is everything of a report that must not depend on the number
// of workers.
func reportKey(r *sim.Report) string {
	s := fmt.Sprintf("runs=%d steps=%d max=%d states=%d exhausted=%v counts=%v",
		r.Runs, r.Steps, r.MaxSteps, r.TerminalStates, r.Exhausted, r.Counts)
	if r.Exhausted {
		// Cut short, a search may have pruned more alternatives in work
		// beyond the budget, which is thrown away; the count means
		// something only for an exhaustive search.
		s += fmt.Sprintf(" pruned=%d", r.Pruned)
	}
	for _, f := range r.Findings {
		s += fmt.Sprintf("\n  %s run %d steps %d", f.Kind, f.Run, f.Steps)
		if f.Trace != nil {
			s += fmt.Sprintf(" decisions %v", f.Trace.Decisions)
		}
	}
	return s
}

// TestSearchWorkersAgree: exhaustive DFS of real protocols at 3 threads
// gives the same counts, terminal states, findings, run numbers and traces
// on 1 and 2 workers, with idle workers taking work from running tasks
// (Sharer), and also under an execution budget that cuts the search short.
func TestSearchWorkersAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("explores protocols at 3 threads")
	}
	for _, c := range []struct {
		protocol, variant string
		bound, runs       int
	}{
		{"lockfree", "clear-after-enqueue", 1, 1 << 30},
		{"lockfree", "no-reverse", 1, 1 << 30},
		{"mutexqueue", "early-release", 1, 1 << 30},
		{"lockfree", "clear-before-enqueue", 2, 1 << 30},
		{"lockfree", "clear-before-enqueue", 2, 5000},
	} {
		t.Run(fmt.Sprintf("%s/%s/bound=%d/runs=%d", c.protocol, c.variant, c.bound, c.runs), func(t *testing.T) {
			p, s, _, err := protocols.Scenario(c.protocol, c.variant, protocols.Params{Threads: 3, Txns: 1})
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, w := range []int{1, 2, 2} {
				rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewDFS(c.bound), Runs: c.runs,
					Workers: w, MaxSpurious: 1, Races: true, Cost: p.Cost})
				if err != nil {
					t.Fatal(err)
				}
				keys = append(keys, reportKey(rep))
			}
			if keys[0] != keys[1] || keys[0] != keys[2] {
				t.Errorf("reports differ by worker count:\n1: %s\n2: %s\n2: %s", keys[0], keys[1], keys[2])
			}
		})
	}
}

func benchWorkers(b *testing.B, strat func() scheduler.Strategy, runs int) {
	_, s, _, err := protocols.Scenario("lockfree", "clear-before-enqueue", protocols.Params{Threads: 3, Txns: 1})
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			execs := 0
			for b.Loop() {
				rep, err := sim.Explore(s, sim.Options{Strategy: strat(), Runs: runs, Workers: w, MaxSpurious: 1, Races: true})
				if err != nil {
					b.Fatal(err)
				}
				execs += rep.Runs
			}
			b.ReportMetric(float64(execs)/b.Elapsed().Seconds(), "execs/s")
		})
	}
}

// BenchmarkWorkers: 1 against 2 workers on lockfree/clear-before-enqueue at
// 3 threads: exhaustive DFS with bound 2 (32196 executions; subtrees split
// on demand), bounded DPOR with bound 3 (32554 executions; split at its
// first decisions), and 20000 random and PCT executions (seeds split).
func BenchmarkWorkers(b *testing.B) {
	b.Run("dfs2", func(b *testing.B) {
		benchWorkers(b, func() scheduler.Strategy { return scheduler.NewDFS(2) }, 1<<30)
	})
	b.Run("dpor3", func(b *testing.B) {
		benchWorkers(b, func() scheduler.Strategy { return scheduler.NewBoundedDPOR(3) }, 1<<30)
	})
	b.Run("random", func(b *testing.B) {
		benchWorkers(b, func() scheduler.Strategy { return scheduler.NewRandom(1) }, 20000)
	})
	b.Run("pct", func(b *testing.B) {
		benchWorkers(b, func() scheduler.Strategy { return scheduler.NewPCT(1, 3, 0) }, 20000)
	})
}

// TestSearchWorkersAgreeDPOR: DPOR, unbounded and bounded, splits into
// tasks (scheduler.DefaultDPORSplit), and gives the same counts (redundant
// and pruned included), terminal states, findings, run numbers and traces
// on 1, 2 and 4 workers: on every kernel, buggy and fixed, and on
// protocols at 2 and 3 threads, exhaustively and cut by a budget.
func TestSearchWorkersAgreeDPOR(t *testing.T) {
	type tc struct {
		name  string
		s     sim.Scenario
		bound int
		opts  sim.Options
	}
	var cases []tc
	for _, k := range kernels.All {
		for _, v := range []struct {
			name string
			s    sim.Scenario
		}{{"buggy", k.Buggy}, {"fixed", k.Fixed}} {
			cases = append(cases, tc{"kernels/" + k.Name + "/" + v.name, v.s, -1, sim.Options{Runs: 5000, Races: true, MaxSteps: 500}})
		}
	}
	if !testing.Short() {
		for _, c := range []struct {
			protocol, variant string
			threads, bound    int
			runs              int
		}{
			{"lockfree", "clear-before-enqueue", 2, -1, 1 << 30},
			{"mutexqueue", "final-review", 2, -1, 1 << 30},
			{"lockfree", "no-reverse", 2, -1, 1 << 30},
			{"mutexqueue", "early-release", 2, -1, 1 << 30},
			{"lockfree", "clear-before-enqueue", 3, 2, 1 << 30},
			{"mutexqueue", "early-release", 3, 1, 1 << 30},
			{"lockfree", "clear-before-enqueue", 3, -1, 3000},
		} {
			_, s, _, err := protocols.Scenario(c.protocol, c.variant, protocols.Params{Threads: c.threads, Txns: 1})
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, tc{fmt.Sprintf("%s/%s/threads=%d", c.protocol, c.variant, c.threads), s, c.bound,
				sim.Options{Runs: c.runs, MaxSpurious: 1, Races: true}})
		}
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/bound=%d/runs=%d", c.name, c.bound, c.opts.Runs), func(t *testing.T) {
			var keys []string
			for _, w := range []int{1, 2, 4} {
				opts := c.opts
				opts.Strategy, opts.Workers = scheduler.NewBoundedDPOR(c.bound), w
				rep, err := sim.Explore(c.s, opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Errors) > 0 {
					t.Fatalf("workers %d: %v", w, rep.Errors)
				}
				keys = append(keys, fmt.Sprintf("redundant=%d %s", rep.Redundant, reportKey(rep)))
			}
			if keys[0] != keys[1] || keys[0] != keys[2] {
				t.Errorf("reports differ by worker count:\n1: %s\n2: %s\n4: %s", keys[0], keys[1], keys[2])
			}
		})
	}
}
