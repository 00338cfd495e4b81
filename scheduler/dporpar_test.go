package scheduler_test

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// splits are the split depths the tests below try: 0 is DPOR as one task.
var splits = []int{0, 1, 2, scheduler.DefaultDPORSplit, 8}

// TestDPORSplitAgreesWithDFS: on the small programs, DPOR split at every
// depth and run on 1 and 2 workers reaches the terminal states and finding
// kinds that unbounded DFS does, in no more executions, and (distinct-vars)
// one non-redundant execution per Mazurkiewicz trace still; bounded, it
// finds every kind DFS with the same bound finds.
func TestDPORSplitAgreesWithDFS(t *testing.T) {
	for _, tt := range smallCases() {
		if tt.name == "counter-4" {
			continue // too big for DFS here
		}
		for _, bound := range []int{-1, 0, 1} {
			opts := sim.Options{Runs: 1 << 30, MaxSpurious: 1, Races: true, Strategy: scheduler.NewDFS(bound)}
			dfs, err := sim.Explore(tt.s, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, split := range splits {
				for _, w := range []int{1, 2} {
					t.Run(fmt.Sprintf("%s/bound=%d/split=%d/workers=%d", tt.name, bound, split, w), func(t *testing.T) {
						opts.Strategy, opts.Workers = scheduler.NewBoundedDPOR(bound).WithSplit(split), w
						dpor, err := sim.Explore(tt.s, opts)
						if err != nil {
							t.Fatal(err)
						}
						if len(dpor.Errors) > 0 || !dpor.Exhausted {
							t.Fatalf("errors %v, exhausted %v", dpor.Errors, dpor.Exhausted)
						}
						if dpor.Runs > dfs.Runs {
							t.Errorf("DPOR ran %d executions, DFS(%d) %d", dpor.Runs, bound, dfs.Runs)
						}
						if bound >= 0 {
							for _, k := range kindsOf(dfs) {
								if !slices.Contains(kindsOf(dpor), k) {
									t.Errorf("DFS(%d) found %s, DPOR did not (%v)", bound, k, kindsOf(dpor))
								}
							}
							return
						}
						if !slices.Equal(kindsOf(dfs), kindsOf(dpor)) || dfs.TerminalStates != dpor.TerminalStates {
							t.Errorf("DFS: kinds %v, %d terminal states; DPOR: kinds %v, %d", kindsOf(dfs), dfs.TerminalStates, kindsOf(dpor), dpor.TerminalStates)
						}
						if tt.execs != 0 && dpor.Runs-dpor.Redundant != tt.execs {
							t.Errorf("DPOR: %d executions (%d redundant), want %d", dpor.Runs, dpor.Redundant, tt.execs)
						}
					})
				}
			}
		}
	}
}

// TestDPORSplitRandomScenarios: on small random scenarios (2-3 actors
// sharing mutexes, a cond, atomics and vars, recording events), DPOR split
// at every depth on 2 workers reaches the same terminal states (by whole
// history) and finding kinds as brute-force DFS over every decision.
func TestDPORSplitRandomScenarios(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		sc := genScenario(rt)
		opts := sim.Options{Runs: 20000, MaxSpurious: 1, MaxSteps: 200}
		brute := exploreKeys(t, sc.run, opts, scheduler.NewBruteForce(), historyKey)
		if !brute.rep.Exhausted {
			rt.Skip("brute force did not finish")
		}
		opts.Workers = 2
		for _, split := range splits {
			got := exploreKeys(t, sc.run, opts, scheduler.NewDPOR().WithSplit(split), historyKey)
			if !got.rep.Exhausted || len(got.rep.Errors) > 0 {
				rt.Fatalf("split %d: exhausted %v, errors %v", split, got.rep.Exhausted, got.rep.Errors)
			}
			if !slices.Equal(brute.kinds, got.kinds) || len(brute.states) != len(got.states) {
				rt.Fatalf("DPOR split %d: kinds %v, %d terminal states; brute force: kinds %v, %d terminal states (scenario %v)",
					split, got.kinds, len(got.states), brute.kinds, len(brute.states), sc.prog)
			}
			for k := range brute.states {
				if !got.states[k] {
					rt.Fatalf("DPOR split %d misses terminal state %q (scenario %v)", split, k, sc.prog)
				}
			}
		}
	})
}

// TestDPORSplitProtocols: on the group-commit variants at 2 threads (where
// brute force does not finish), DPOR split into tasks on 2 workers reaches
// the same terminal states (by whole history) and finding kinds as DPOR as
// one task, and costs at most 2% more executions (counted; the probes are not). Variants one-task DPOR
// does not finish within the budget are skipped.
func TestDPORSplitProtocols(t *testing.T) {
	if testing.Short() {
		t.Skip("explores the group-commit variants")
	}
	for _, name := range []string{"lockfree", "mutexqueue", "broadcast"} {
		p, err := protocols.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range p.Variants {
			t.Run(name+"/"+v.Name, func(t *testing.T) {
				_, s, _, err := protocols.Scenario(name, v.Name, smallParams)
				if err != nil {
					t.Fatal(err)
				}
				opts := sim.Options{Runs: 20000, MaxSpurious: 1, Races: true}
				ref := exploreKeys(t, s, opts, scheduler.NewDPOR().WithSplit(0), historyKey)
				if !ref.rep.Exhausted {
					t.Skipf("DPOR did not finish in %d executions", ref.rep.Runs)
				}
				opts.Workers = 2
				opts.Runs = 1 << 30
				got := exploreKeys(t, s, opts, scheduler.NewDPOR(), historyKey)
				sameOutcome(t, "split DPOR vs one task", ref, got)
				if 100*got.rep.Runs > 102*ref.rep.Runs {
					t.Errorf("split DPOR ran %d executions, one task %d", got.rep.Runs, ref.rep.Runs)
				}
				t.Logf("one task %d executions; split %d (%d redundant)", ref.rep.Runs, got.rep.Runs, got.rep.Redundant)
			})
		}
	}
}

// ExampleDPOR_WithSplit: DPOR hands the alternatives of its first
// branching decisions out as tasks, so that workers share the search; the
// counts do not depend on how many.
func ExampleDPOR_WithSplit() {
	for _, w := range []int{1, 4} {
		rep, _ := sim.Explore(counter(3), sim.Options{Runs: 1 << 30, Workers: w, Strategy: scheduler.NewDPOR().WithSplit(3)})
		fmt.Printf("workers %d: %d executions, %d terminal states\n", w, rep.Runs, rep.TerminalStates)
	}
	// Output:
	// workers 1: 44 executions, 3 terminal states
	// workers 4: 44 executions, 3 terminal states
}
