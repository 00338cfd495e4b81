package mutexqueue_test

import (
	"fmt"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/mutexqueue"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// The review's final algorithm passes; releasing LOCK_group_commit before
// taking LOCK_commit_ordered lets the next group overtake.
func Example() {
	cfg := groupcommit.Config{Threads: 4, Txns: 2, Engines: 2}
	for _, v := range []string{mutexqueue.FinalReview, mutexqueue.EarlyRelease} {
		s, err := mutexqueue.Scenario(v, cfg)
		if err != nil {
			panic(err)
		}
		rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewPCT(1, 3, 0), Runs: 500, StopOnFinding: true})
		if err != nil {
			panic(err)
		}
		verdict := sim.Clean
		if len(rep.Findings) > 0 {
			verdict = rep.Findings[0].Kind
		}
		fmt.Printf("%s: %s\n", v, verdict)
	}
	// Output:
	// final-review: clean
	// early-release: misorder
}
