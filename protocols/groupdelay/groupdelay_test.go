package groupdelay

import (
	"testing"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/groupcommit/gctest"
)

var protocol = gctest.Protocol{Name: "groupdelay", Variants: Variants, Scenario: Scenario, Adjust: Adjust}

// TestCorrectVariants runs the correct variants over 2 to 8 threads.
func TestCorrectVariants(t *testing.T) {
	gctest.CorrectVariants(t, protocol, gctest.CheckConfigs, 20_000)
}

// TestSeededBugs: the stall before 184f718f is found at two threads.
func TestSeededBugs(t *testing.T) {
	gctest.SeededBugs(t, protocol, []gctest.Verdict{
		{Variant: NoHasWaiter, Config: groupcommit.Config{Threads: 2, Txns: 1}, Strategy: "random", Budget: 200},
	})
}

// TestExhaustive explores every schedule of two threads (DPOR): the fix
// and the baseline are clean, the historical variant stalls.
func TestExhaustive(t *testing.T) {
	two := groupcommit.Config{Threads: 2, Txns: 1}
	gctest.ExhaustiveVerdicts(t, protocol, []gctest.Exhaustive{{Variant: HasWaiter, Config: two, Bound: -1}, {Variant: NoHasWaiter, Config: two, Bound: -1}, {Variant: NoDelay, Config: two, Bound: -1}})
}
