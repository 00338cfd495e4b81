package mutexqueue

import (
	"testing"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/groupcommit/gctest"
)

// protocol is this package as the shared group-commit tests see it.
var protocol = gctest.Protocol{Name: "mutexqueue", Variants: Variants, Scenario: Scenario, Adjust: Adjust}

// correctExecutions is how many executions each correct variant must pass
// (random and PCT over gctest.CheckConfigs) under SIMRUN_LONG=1; a
// twentieth by default, a hundredth under -short (longtest.Budget).
// Over the three correct variants here and the two of package broadcast
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
	{Variant: EarlyRelease, Config: groupcommit.Config{Threads: 4, Txns: 2, Engines: 2}, Strategy: "pct", Budget: 500},
	{Variant: NextAfterWakeup, Config: groupcommit.Config{Threads: 4, Txns: 2, Engines: 1}, Strategy: "pct", Budget: 500},
	{Variant: XidErrorDropped, Config: groupcommit.Config{Threads: 3, Txns: 1, Engines: 1}, Strategy: "random", Budget: 50},
	{Variant: SnapshotNoLock, Config: groupcommit.Config{Threads: 4, Txns: 2, Engines: 2, Readers: 2}, Strategy: "pct", Budget: 500},
	{Variant: ClearAfterEnqueue, Config: groupcommit.Config{Threads: 4, Txns: 2, Engines: 1}, Strategy: "pct", Budget: 1000},
}

// TestSeededBugs checks that every seeded-bug variant gets its expected
// verdict within the stated budget, and prints the end of its trace.
func TestSeededBugs(t *testing.T) { gctest.SeededBugs(t, protocol, verdicts) }
