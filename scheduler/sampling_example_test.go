package scheduler_test

import (
	"fmt"

	"github.com/simrun/simrun/scheduler"
)

// A SURW spec carries its estimate: per object, the steps of each actor
// in one execution. sim.Hunt fills it in by calibration; given by hand,
// it is parsed and written back the same.
func ExampleParseEvents() {
	sp, err := scheduler.ParseSpec("surw:events=3:0/2/2;7:1/1/1,seed=5")
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, _ := scheduler.ParseEvents(sp.Events)
	for _, e := range ev {
		fmt.Printf("object %d: steps by actor %v\n", e.Object, e.Steps)
	}
	fmt.Println(sp)
	// Output:
	// object 3: steps by actor [0 2 2]
	// object 7: steps by actor [1 1 1]
	// surw:events=3:0/2/2;7:1/1/1,seed=5
}

// Mix runs each execution as POS or as PCT would, drawn from the seed and
// the run number; Info names the one that runs.
func ExampleNewMix() {
	m := scheduler.NewMix(1, 3, 100)
	for run := range 6 {
		m.Begin(run)
		fmt.Print(m.Info().Name, " ")
	}
	fmt.Println()
	// Output: pos pos pct pos pos pos
}
