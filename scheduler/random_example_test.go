package scheduler_test

import (
	"fmt"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
)

// A random walk answers a decision from its counts alone: Pick, given how
// many choices there are and how many of them are real steps (the rest are
// spurious wakeups), draws what Next draws for the Decision itself.
func ExampleRandom_Pick() {
	viaNext, viaPick := scheduler.NewRandom(7), scheduler.NewRandom(7)
	viaNext.Begin(0)
	viaPick.Begin(0)
	d := &scheduler.Decision{Kind: scheduler.Schedule, Choices: []scheduler.Choice{
		{Actor: 0, Op: op.Store}, {Actor: 1, Op: op.Lock}, {Actor: 2, Op: op.Spurious},
	}}
	for range 5 {
		fmt.Print(viaNext.Next(d) == viaPick.Pick(scheduler.Schedule, 3, 2), " ")
	}
	fmt.Println()
	// Output: true true true true true
}
