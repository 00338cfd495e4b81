package broadcast

import (
	"testing"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/groupcommit/gctest"
)

// protocol is this package as the shared group-commit tests see it.
var protocol = gctest.Protocol{Name: "broadcast", Variants: Variants, Scenario: Scenario, Adjust: Adjust}

// correctExecutions is how many executions each correct variant must pass
// (random and PCT over gctest.CheckConfigs) under SIMRUN_LONG=1; a
// twentieth by default, a hundredth under -short (longtest.Budget).
// Over the two correct variants here and the three of package mutexqueue
// that is 500,000 executions.
const correctExecutions = 100_000

// TestCorrectVariants runs every correct variant over the check matrix:
// 2-8 threads, two engines, snapshot readers, xid_errors and crashes.
func TestCorrectVariants(t *testing.T) {
	gctest.CorrectVariants(t, protocol, gctest.CheckConfigs, correctExecutions)
}

// verdicts are the seeded bugs: each must be found, with its expected
// kind first, within budget executions of its strategy (seed 1).
var verdicts = []gctest.Verdict{
	{Variant: Literal, Config: groupcommit.Config{Threads: 2, Txns: 1, Engines: 1}, Strategy: "random", Budget: 50},
	{Variant: NaiveGlobal, Config: groupcommit.Config{Threads: 4, Txns: 2, Engines: 1}, Strategy: "random", Budget: 50},
}

// TestSeededBugs checks that every seeded-bug variant gets its expected
// verdict within the stated budget, and prints the end of its trace.
func TestSeededBugs(t *testing.T) { gctest.SeededBugs(t, protocol, verdicts) }
