package scheduler_test

import (
	"fmt"

	"github.com/simrun/simrun/op"
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

// POSC counts PCT's change points over the steps that communicate
// with another actor: here the read of x by actor 1 (actor 0 wrote it) and
// actor 0's write over it after that read; not actor 1's write of y, which
// no other actor touched.
func ExampleCountCommunicating() {
	const x, y = 1, 2
	steps := []scheduler.Choice{
		{Actor: 0, Op: op.Write, Object: x},
		{Actor: 1, Op: op.Read, Object: x},
		{Actor: 1, Op: op.Write, Object: y},
		{Actor: 0, Op: op.Write, Object: x},
	}
	fmt.Println(scheduler.CountCommunicating(steps))
	// Output: 2
}
