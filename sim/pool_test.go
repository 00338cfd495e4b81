package sim_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// storers returns a scenario of n actors that store to one atomic k times
// each; end, if set, runs in the last actor after its stores.
func storers(n, k int, end func()) sim.Scenario {
	return func(x *sim.Execution) {
		v := sim.NewAtomic(x, "v", 0)
		for i := 0; i < n; i++ {
			x.Go("a", func() {
				for j := 0; j < k; j++ {
					v.Store(j)
				}
				if i == n-1 && end != nil {
					end()
				}
			})
		}
	}
}

// TestCoroutineHandoff drives the runner's direct handoff from actor to
// actor (see runner.transfer): random schedules switch actors at about
// every other step, so when an actor's body ends, calls runtime.Goexit or
// panics, the runner's goroutine waits in some other actor's slot. Every
// execution must end with its finding, and once the exploration is over
// every coroutine's goroutine must have ended: a goroutine left in the
// wrong slot would resume the wrong thread, hang, or leak.
func TestCoroutineHandoff(t *testing.T) {
	cases := []struct {
		name string
		s    sim.Scenario
		want sim.Kind // "" for none
	}{
		{"bodies return", storers(4, 20, nil), ""},
		{"an actor calls Goexit", storers(4, 20, runtime.Goexit), sim.Misuse},
		{"an actor panics", storers(4, 20, func() { panic("boom") }), sim.Panic},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			for _, workers := range []int{1, 2} {
				rep, err := sim.Explore(c.s, sim.Options{Runs: 300, Workers: workers, Strategy: scheduler.NewRandom(1), NoSpurious: true})
				if err != nil {
					t.Fatal(err)
				}
				if rep.Runs != 300 {
					t.Fatalf("workers %d: %d executions, want 300", workers, rep.Runs)
				}
				if got := rep.Counts[c.want]; c.want != "" && got != 300 {
					t.Errorf("workers %d: %d executions found %s, want 300 (findings %v)", workers, got, c.want, rep.Findings)
				}
				if c.want == "" && len(rep.Findings) > 0 {
					t.Errorf("workers %d: findings %v, want none", workers, rep.Findings)
				}
			}
			// The coroutines' goroutines end as the runners close.
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				t.Errorf("%d goroutines after the exploration, %d before", n, before)
			}
		})
	}
}
