package scheduler_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/simrun/simrun/internal/longtest"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// smallParams are 2 threads with one transaction each; for xenstore, 2
// clients with one unit each of one fixed random workload, so that the
// search is over schedules, not workloads.
var smallParams = protocols.Params{Threads: 2, Txns: 1, WorkloadSeed: 3}

// TestProtocolsDPORvsDFS: on every variant at 2 threads, DPOR
// reports every finding kind that DFS reports within one preemption, and,
// when DFS is exhaustive without a bound, in no more executions. Variants
// whose DPOR search does not finish within the budget (spin loops make the
// unbounded search infinite) are skipped.
func TestProtocolsDPORvsDFS(t *testing.T) {
	longtest.Skip(t, "explores every protocol")
	const budget = 50000
	for _, p := range sweptProtocols() {
		if !p.Uses("threads") {
			continue
		}
		for _, v := range p.Variants {
			t.Run(p.Name+"/"+v.Name, func(t *testing.T) {
				_, s, _, err := protocols.Scenario(p.Name, v.Name, smallParams)
				if err != nil {
					t.Fatal(err)
				}
				opts := sim.Options{Runs: budget, MaxSpurious: 1, Races: true, Cost: p.Cost}
				opts.Strategy = scheduler.NewDPOR()
				start := time.Now()
				dpor, err := sim.Explore(s, opts)
				if err != nil {
					t.Fatal(err)
				}
				if !dpor.Exhausted {
					t.Skipf("DPOR not exhaustive within %d executions", budget)
				}
				wall := time.Since(start)
				opts.Strategy = scheduler.NewDFS(1)
				dfs, err := sim.Explore(s, opts)
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range kindsOf(dfs) {
					if !slices.Contains(kindsOf(dpor), k) {
						t.Errorf("DFS(1) found %s, DPOR did not (DPOR %v)", k, kindsOf(dpor))
					}
				}
				if len(dpor.Errors) > 0 || len(dfs.Errors) > 0 {
					t.Errorf("nondeterminism: %v %v", dpor.Errors, dfs.Errors)
				}
				t.Logf("DPOR %d executions in %v, kinds %v; DFS(1) %d, kinds %v; expected %s",
					dpor.Runs, wall.Round(time.Millisecond), kindsOf(dpor), dfs.Runs, kindsOf(dfs), v.Expected)
			})
		}
	}
}

// sweptProtocols are the protocols that the exhaustive sweeps below run:
// the seed's three group-commit families by default, every protocol in a
// long run (SIMRUN_LONG=1, which CI sets): inorder's and groupdelay's
// exhaustive searches would take go test ./scheduler well past its budget.
func sweptProtocols() []*protocols.Protocol {
	if longtest.Enabled() {
		return protocols.All
	}
	var ps []*protocols.Protocol
	for _, p := range protocols.All {
		switch p.Name {
		case "lockfree", "mutexqueue", "broadcast":
			ps = append(ps, p)
		}
	}
	return ps
}

// TestProtocolsBoundedDPOR: on every variant at 2 threads,
// preemption-bounded DPOR reports every finding kind that DFS with the same
// bound (2) reports, exhaustively and in fewer executions.
func TestProtocolsBoundedDPOR(t *testing.T) {
	if testing.Short() {
		t.Skip("explores every protocol")
	}
	for _, p := range sweptProtocols() {
		if !p.Uses("threads") {
			continue
		}
		for _, v := range p.Variants {
			t.Run(p.Name+"/"+v.Name, func(t *testing.T) {
				_, s, _, err := protocols.Scenario(p.Name, v.Name, smallParams)
				if err != nil {
					t.Fatal(err)
				}
				opts := sim.Options{Runs: 200000, MaxSpurious: 1, Races: true, Cost: p.Cost}
				opts.Strategy = scheduler.NewBoundedDPOR(2)
				dpor, err := sim.Explore(s, opts)
				if err != nil {
					t.Fatal(err)
				}
				opts.Strategy = scheduler.NewDFS(2)
				dfs, err := sim.Explore(s, opts)
				if err != nil {
					t.Fatal(err)
				}
				if !dpor.Exhausted {
					t.Fatalf("not exhaustive: DPOR %v, DFS %v", dpor.Exhausted, dfs.Exhausted)
				}
				if !dfs.Exhausted {
					// A crash point and the engines' durable prefix (inorder's
					// recovery variants) multiply DFS's search past the budget.
					t.Skipf("DFS(2) not exhaustive within %d executions (DPOR(2): %d executions, kinds %v)", opts.Runs, dpor.Runs, kindsOf(dpor))
				}
				for _, k := range kindsOf(dfs) {
					if !slices.Contains(kindsOf(dpor), k) {
						t.Errorf("DFS(2) found %s, DPOR(2) did not (DPOR %v)", k, kindsOf(dpor))
					}
				}
				if dpor.Runs > dfs.Runs {
					t.Errorf("DPOR(2) ran %d executions, DFS(2) %d", dpor.Runs, dfs.Runs)
				}
				t.Logf("DPOR(2) %d executions, DFS(2) %d; kinds %v", dpor.Runs, dfs.Runs, kindsOf(dpor))
			})
		}
	}
}

func benchExplore(b *testing.B, protocol, variant string, threads int, strat func() scheduler.Strategy, workers int) {
	_, s, _, err := protocols.Scenario(protocol, variant, protocols.Params{Threads: threads, Txns: 1})
	if err != nil {
		b.Fatal(err)
	}
	execs := 0
	for b.Loop() {
		rep, err := sim.Explore(s, sim.Options{Strategy: strat(), Runs: 1 << 30, Workers: workers, MaxSpurious: 1, Races: true})
		if err != nil {
			b.Fatal(err)
		}
		execs += rep.Runs
	}
	b.ReportMetric(float64(execs)/b.Elapsed().Seconds(), "execs/s")
	b.ReportMetric(float64(execs)/float64(b.N), "execs/op")
}

// BenchmarkDFSWorkers: the same exhaustive DFS (3 threads, bound 2: 32196
// executions) on 1 and 2 workers.
func BenchmarkDFSWorkers(b *testing.B) {
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			benchExplore(b, "lockfree", "clear-before-enqueue", 3, func() scheduler.Strategy { return scheduler.NewDFS(2) }, w)
		})
	}
}

// BenchmarkExhaustive: executions per second under DFS and DPOR.
func BenchmarkExhaustive(b *testing.B) {
	for _, c := range []struct {
		protocol, variant string
	}{{"lockfree", "clear-before-enqueue"}, {"mutexqueue", "final-review"}, {"broadcast", "repaired"}} {
		b.Run(c.protocol+"/"+c.variant+"/dfs2", func(b *testing.B) {
			benchExplore(b, c.protocol, c.variant, 2, func() scheduler.Strategy { return scheduler.NewDFS(2) }, 1)
		})
		b.Run(c.protocol+"/"+c.variant+"/dpor", func(b *testing.B) {
			benchExplore(b, c.protocol, c.variant, 2, func() scheduler.Strategy { return scheduler.NewDPOR() }, 1)
		})
		b.Run(c.protocol+"/"+c.variant+"/dpor2", func(b *testing.B) {
			benchExplore(b, c.protocol, c.variant, 2, func() scheduler.Strategy { return scheduler.NewBoundedDPOR(2) }, 1)
		})
	}
}

// TestProtocolsFairVsUnfair: fair scheduling (sim.Options.Unfair off, the
// default) is a reduction of exhaustive search too: it drops the schedules
// in which an actor idles more than a few steps in a row while another
// could run. On every variant at 2 threads, DFS with bound 2 must reach the
// same terminal histories (the sets, through OnExecution) and the same finding
// kinds fair as unfair.
func TestProtocolsFairVsUnfair(t *testing.T) {
	if testing.Short() {
		t.Skip("explores every protocol twice")
	}
	type config struct {
		p      *protocols.Protocol
		v      string
		params protocols.Params
	}
	var configs []config
	for _, p := range sweptProtocols() {
		if !p.Uses("threads") {
			continue
		}
		for _, v := range p.Variants {
			configs = append(configs, config{p, v.Name, smallParams})
			if p.Name == "lockfree" {
				// Where fairness first drops schedules: 3 threads.
				configs = append(configs, config{p, v.Name, protocols.Params{Threads: 3, Txns: 1}})
			}
		}
	}
	for _, c := range configs {
		p := c.p
		{
			t.Run(fmt.Sprintf("%s/%s/%d-threads", p.Name, c.v, c.params.Threads), func(t *testing.T) {
				_, s, _, err := protocols.Scenario(p.Name, c.v, c.params)
				if err != nil {
					t.Fatal(err)
				}
				explore := func(unfair bool) (*sim.Report, map[string]bool) {
					states := map[string]bool{}
					opts := sim.Options{Runs: 200000, MaxSpurious: 1, Races: true, Cost: p.Cost, Unfair: unfair,
						Strategy: scheduler.NewDFS(2),
						OnExecution: func(_ int, h *sim.History, f *sim.Finding) {
							states[historyKey(h, f)] = true
						}}
					rep, err := sim.Explore(s, opts)
					if err != nil {
						t.Fatal(err)
					}
					if !rep.Exhausted {
						t.Skipf("DFS(2) not exhaustive within %d executions", opts.Runs)
					}
					return rep, states
				}
				fair, fairStates := explore(false)
				unfair, unfairStates := explore(true)
				if !slices.Equal(kindsOf(fair), kindsOf(unfair)) {
					t.Errorf("finding kinds: fair %v, unfair %v", kindsOf(fair), kindsOf(unfair))
				}
				for k := range unfairStates {
					if !fairStates[k] {
						t.Errorf("an end state reached unfairly is missing from the fair search (%d vs %d states)", len(fairStates), len(unfairStates))
						break
					}
				}
				t.Logf("fair %d executions, unfair %d; %d end states", fair.Runs, unfair.Runs, len(unfairStates))
			})
		}
	}
}
