package sim_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/simrun/simrun/sim"
)

// A scenario that keeps a primitive from one execution for the next gets
// a misuse finding instead of an actor that silently stops.
func ExampleMisuse() {
	var kept *sim.Mutex
	s := func(x *sim.Execution) {
		if kept == nil {
			kept = sim.NewMutex(x, "m") // wrong: create it in every execution
			return
		}
		x.Go("user", func() { kept.Lock() })
	}
	rep, _ := sim.Explore(s, sim.Options{Runs: 2})
	f := rep.Findings[0]
	fmt.Println(f.Kind, f.Run, strings.Contains(f.Message, "mutex m of execution #"))
	// Output: misuse 1 true
}

// With a watchdog, an actor that blocks outside the simulator (here on a
// real channel) is a hung finding, and the exploration returns.
func ExampleHung() {
	release := make(chan struct{})
	s := func(x *sim.Execution) {
		x.Go("stuck", func() { <-release }) // wrong: real blocking in actor code
	}
	rep, _ := sim.Explore(s, sim.Options{Runs: 1, Watchdog: 100 * time.Millisecond})
	close(release) // let the abandoned goroutine end
	f := rep.Findings[0]
	fmt.Println(f.Kind, f.Actor)
	// Output: hung stuck
}
