package sim_test

import (
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// TestIdleTimers proves Options.IdleTimers both ways, exhaustively (DFS
// without a bound): a test's guard (select on done or a long timeout)
// never fires while the guarded work can progress, but a timeout still
// beats a worker that sleeps longer, and a busy loop polling with a
// default case still sees its timer.
func TestIdleTimers(t *testing.T) {
	guard := func(x *sim.Execution) {
		done := sim.NewChan[int](x, "done", 0)
		mu := sim.NewGoMutex(x, "mu")
		x.Go("worker", func() {
			for range 3 {
				mu.Lock()
				mu.Unlock()
			}
			done.Send(1)
		})
		sim.Select(x, done.RecvCase(nil), sim.After(x, sim.Second).RecvCase(func(sim.Duration, bool) {
			x.Failf("test-failed", "timed out")
		}))
	}
	slowWorker := func(x *sim.Execution) {
		ctx, cancel := sim.WithTimeout(sim.Background(x), 10)
		defer cancel()
		result := sim.NewChan[int](x, "result", 0)
		x.Go("worker", func() { sim.GoSleep(x, 20); result.Send(1) })
		sim.Select(x, result.RecvCase(nil), ctx.Done().RecvCase(nil))
	}
	poll := func(x *sim.Execution) {
		t := sim.NewTimer(x, 5)
		for {
			fired := false
			sim.Select(x, t.C.RecvCase(func(sim.Duration, bool) { fired = true }), sim.Default(nil))
			if fired {
				return
			}
		}
	}
	for _, tc := range []struct {
		name  string
		s     sim.Scenario
		idle  bool
		kinds []sim.Kind // the finding kinds DFS must reach, none for clean
	}{
		{"guard, eager timers", guard, false, []sim.Kind{"test-failed"}},
		{"guard, idle timers", guard, true, nil},
		{"slow worker, eager timers", slowWorker, false, []sim.Kind{sim.Leak}},
		{"slow worker, idle timers", slowWorker, true, []sim.Kind{sim.Leak}},
		{"polling loop, idle timers", poll, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kinds := map[sim.Kind]bool{}
			rep, err := sim.Explore(tc.s, sim.Options{Strategy: scheduler.NewDFS(-1), Runs: 100000, IdleTimers: tc.idle,
				OnExecution: func(_ int, _ *sim.History, f *sim.Finding) {
					if f != nil {
						kinds[f.Kind] = true
					}
				}})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Exhausted {
				t.Fatalf("DFS did not finish in %d executions", rep.Runs)
			}
			if len(kinds) != len(tc.kinds) {
				t.Fatalf("finding kinds %v, want %v", kinds, tc.kinds)
			}
			for _, k := range tc.kinds {
				if !kinds[k] {
					t.Fatalf("finding kinds %v, want %v", kinds, tc.kinds)
				}
			}
		})
	}
}
