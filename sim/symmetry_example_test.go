package sim_test

import (
	"fmt"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// Three actors run the same code, each adding its own var to a shared
// counter under a mutex. Declared symmetric (each with its var and its
// actor), the stateful search stores one state per set of states that
// differ only by which actor is which.
func ExampleExecution_SymmetricMember() {
	scenario := func(x *sim.Execution) {
		mu := sim.NewMutex(x, "mu")
		c := sim.NewVar(x, "c", 0)
		for i := 1; i <= 3; i++ {
			own := sim.NewVar(x, fmt.Sprintf("own%d", i), 1)
			a := x.Go(fmt.Sprintf("t%d", i), func() {
				mu.Lock()
				c.Write(c.Read() + own.Read())
				mu.Unlock()
				own.Write(0)
			})
			x.SymmetricMember(i, own, a)
		}
	}
	exact := scheduler.NewStateful()
	exact.NoSymmetry = true
	for _, strat := range []*scheduler.Stateful{exact, scheduler.NewStateful()} {
		rep, _ := sim.Explore(scenario, sim.Options{Runs: 1 << 20, Strategy: strat})
		fmt.Printf("symmetry %v: %d states, %d terminal\n", strat.Symmetric(), rep.States, rep.TerminalStates)
	}
	// Output:
	// symmetry false: 272 states, 1 terminal
	// symmetry true: 52 states, 1 terminal
}
