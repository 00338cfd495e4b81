package groupcommit_test

import (
	"fmt"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// A protocol's THD is a struct of the common part and the thread's own
// objects; THDsOf builds each as a value, into memory kept from one
// execution to the next.
func ExampleTHDsOf() {
	type THD struct {
		groupcommit.THD
		next  *sim.Var[*THD]
		lock  *sim.Mutex
		cond  *sim.Cond
		ready *sim.Var[bool]
	}
	names := groupcommit.ThreadNames{Next: "next", Lock: "LOCK_wakeup", Cond: "COND_wakeup", Flag: "ready"}
	scenario := func(x *sim.Execution) {
		thds := groupcommit.THDsOf(x, 2, names, func(o groupcommit.ThreadObjects[*THD, bool]) THD {
			return THD{THD: o.THD, next: o.Next, lock: o.Lock, cond: o.Cond, ready: o.Flag}
		})
		for _, thd := range thds[1:] {
			fmt.Println(thd.SimLabel(), thd.lock.Name(), thd.cond.Name())
		}
	}
	if _, err := sim.Explore(scenario, sim.Options{Runs: 1}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// t1 LOCK_wakeup[t1] COND_wakeup[t1]
	// t2 LOCK_wakeup[t2] COND_wakeup[t2]
}
