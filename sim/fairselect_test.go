package sim_test

import (
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// TestFairSelect: a loop that selects between a closed stop channel and a
// case it keeps ready itself ends under every fair schedule, as in Go,
// whose select picks at random; exhaustive search without the fairness
// rule reports the schedule that never takes stop as a livelock.
func TestFairSelect(t *testing.T) {
	s := func(x *sim.Execution) {
		stop := sim.NewChan[struct{}](x, "stop", 0)
		work := sim.NewChan[int](x, "work", 1)
		done := sim.NewChan[struct{}](x, "done", 0)
		stop.Close()
		x.Go("loop", func() {
			defer done.Close()
			work.Send(1)
			for {
				quit := false
				sim.Select(x, stop.RecvCase(func(struct{}, bool) { quit = true }),
					work.RecvCase(func(int, bool) { work.Send(1) }))
				if quit {
					return
				}
			}
		})
		done.Recv()
	}
	for _, unfair := range []bool{false, true} {
		rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewDFS(-1), Runs: 20000, MaxSteps: 300, Unfair: unfair})
		if err != nil {
			t.Fatal(err)
		}
		livelock := false
		for _, f := range rep.Findings {
			livelock = livelock || f.Kind == sim.Livelock
		}
		if livelock != unfair || (!unfair && !rep.Exhausted) {
			t.Errorf("unfair %v: livelock %v, exhausted %v after %d executions", unfair, livelock, rep.Exhausted, rep.Runs)
		}
	}
}
