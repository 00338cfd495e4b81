package sim_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/simrun/simrun/sim"
)

// TestReuse checks what a scenario gets from sim.Reuse: on each worker the
// memory the previous execution there left (its writes still in it), a
// fresh T the first time on the worker and for a second Reuse of the same
// T in one execution, and never the memory another worker is using.
func TestReuse(t *testing.T) {
	type mem struct{ runs int }
	type exec struct {
		first, second         *mem
		reused1, reused2      bool
		firstRuns, secondRuns int // what each held before this execution wrote
	}
	for _, tc := range []struct {
		name    string
		workers int
	}{
		{"one worker", 1},
		{"two workers", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const runs = 200
			var mu sync.Mutex // the workers' scenarios run at once
			var execs []exec
			scenario := func(x *sim.Execution) {
				var e exec
				e.first, e.reused1 = sim.Reuse[mem](x)
				e.second, e.reused2 = sim.Reuse[mem](x)
				e.firstRuns, e.secondRuns = e.first.runs, e.second.runs
				e.first.runs++
				e.second.runs++
				mu.Lock()
				execs = append(execs, e)
				mu.Unlock()
			}
			if _, err := sim.Explore(scenario, sim.Options{Runs: runs, Workers: tc.workers}); err != nil {
				t.Fatal(err)
			}
			if len(execs) != runs {
				t.Fatalf("%d executions, want %d", len(execs), runs)
			}
			kept := map[*mem]int{} // first's memory -> executions that used it
			fresh := 0
			for i, e := range execs {
				if e.second == e.first || e.reused2 || e.secondRuns != 0 {
					t.Fatalf("execution %d: the second Reuse is not fresh (same memory %v, reused %v, held %d)", i, e.second == e.first, e.reused2, e.secondRuns)
				}
				if !e.reused1 {
					fresh++
					if e.firstRuns != 0 {
						t.Fatalf("execution %d: fresh memory holds %d", i, e.firstRuns)
					}
				}
				kept[e.first]++
			}
			if fresh != len(kept) || fresh > tc.workers {
				t.Fatalf("%d fresh memories, %d distinct, want one per worker (at most %d)", fresh, len(kept), tc.workers)
			}
			for m, n := range kept {
				if m.runs != n { // every execution that used it saw the previous one's write
					t.Fatalf("memory used by %d executions counted %d", n, m.runs)
				}
			}
		})
	}
}

// A scenario keeps its server's log from one execution to the next: each
// execution empties it (a reset, not an allocation) and the array stays.
func ExampleReuse() {
	type server struct {
		log []int
	}
	scenario := func(x *sim.Execution) {
		s, reused := sim.Reuse[server](x)
		s.log = s.log[:0] // every field the execution reads is set anew
		for i := range 3 {
			s.log = append(s.log, i)
		}
		fmt.Printf("reused %v, log %v\n", reused, s.log)
	}
	if _, err := sim.Explore(scenario, sim.Options{Runs: 3, Workers: 1}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// reused false, log [0 1 2]
	// reused true, log [0 1 2]
	// reused true, log [0 1 2]
}
