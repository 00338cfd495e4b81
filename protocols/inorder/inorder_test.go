package inorder

import (
	"testing"

	"github.com/simrun/simrun/internal/longtest"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/groupcommit/gctest"
)

// protocol is this package as the shared group-commit tests see it.
var protocol = gctest.Protocol{Name: "inorder", Variants: Variants, Scenario: Scenario, Adjust: Adjust}

// correctExecutions is how many executions each correct variant must pass
// under SIMRUN_LONG=1 (a twentieth by default, a hundredth under -short).
const correctExecutions = 100_000

// TestCorrectVariants runs every correct variant over 2 to 8 workers.
func TestCorrectVariants(t *testing.T) {
	gctest.CorrectVariants(t, protocol, gctest.CheckConfigs, correctExecutions)
}

// verdicts are the seeded bugs: each must be found, with its expected
// kind first, within budget executions of its strategy (seed 1).
var verdicts = []gctest.Verdict{
	{Variant: KillGuarded, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "random", Budget: 2000},
	{Variant: KillUnguarded, Config: groupcommit.Config{Threads: 2, Engines: 1}, Strategy: "pct", Budget: 2000},
	{Variant: NoPriorWait, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "random", Budget: 200},
	{Variant: WaitWithoutRecheck, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "pct", Budget: 2000},
	{Variant: BinlogErrors, Config: groupcommit.Config{Threads: 2, Engines: 1}, Strategy: "pct", Budget: 500},
	{Variant: RotateErrorRollback, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "random", Budget: 200},
	{Variant: RotateErrorDropped, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "random", Budget: 200},
	{Variant: RotateErrorMisrouted, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "random", Budget: 200},
	{Variant: FsyncErrorLeaderOnly, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "pct", Budget: 2000},
	{Variant: AckBeforeFsync, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "random", Budget: 200},
	{Variant: FsyncErrors, Config: groupcommit.Config{Threads: 2, Engines: 1}, Strategy: "pct", Budget: 500},
	{Variant: CheckpointAtRotate, Config: groupcommit.Config{Threads: 3, Engines: 2}, Strategy: "random", Budget: 2000},
	{Variant: CheckpointNotifyUnflushed, Config: groupcommit.Config{Threads: 3, Engines: 2}, Strategy: "random", Budget: 2000},
	{Variant: XidsNotMarked, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "pct", Budget: 2000},
	{Variant: DestroyWithoutLock, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "pct", Budget: 2000},
	{Variant: SignalAfterUnlock, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "pct", Budget: 2000},
}

// TestSeededBugs checks that every seeded-bug variant gets its expected
// verdict within the stated budget, and prints the end of its trace.
func TestSeededBugs(t *testing.T) { gctest.SeededBugs(t, protocol, verdicts) }

// TestExhaustive explores every schedule of the small configurations
// (DPOR; bounded to five preemptions where the kill makes the full search
// too big, to two with the crash, whose point and the engines' durable
// prefix multiply it) and checks each variant's verdict there: the correct variants
// clean, the others their expected kind.
func TestExhaustive(t *testing.T) {
	longtest.Skip(t, "explores every schedule of twenty-four variants (about 45 s)")
	two, three := groupcommit.Config{Threads: 2, Engines: 1}, groupcommit.Config{Threads: 3, Engines: 1}
	gctest.ExhaustiveVerdicts(t, protocol, []gctest.Exhaustive{
		{Variant: Shipped, Config: two, Bound: -1},
		{Variant: ShippedNoDestroyLk, Config: two, Bound: -1},
		{Variant: KillGuarded, Config: two, Bound: 5},
		{Variant: KillEntryKept, Config: two, Bound: 5},
		{Variant: KillUnguarded, Config: two, Bound: 5},
		{Variant: NoPriorWait, Config: two, Bound: -1},
		{Variant: WaitWithoutRecheck, Config: two, Bound: -1},
		{Variant: BinlogErrors, Config: two, Bound: -1},
		{Variant: RotateErrorDelayed, Config: two, Bound: -1},
		{Variant: RotateErrorRollback, Config: two, Bound: -1},
		{Variant: RotateErrorDropped, Config: two, Bound: -1},
		{Variant: RotateErrorMisrouted, Config: two, Bound: -1},
		{Variant: FsyncErrorLeaderOnly, Config: two, Bound: -1},
		{Variant: AckBeforeFsync, Config: two, Bound: -1},
		{Variant: FsyncErrors, Config: two, Bound: -1},
		{Variant: FsyncErrorsWakeAtEnd, Config: two, Bound: -1},
		{Variant: RotateRecovery, Config: two, Bound: 2},
		{Variant: CheckpointAtRotate, Config: two, Bound: 2},
		{Variant: CheckpointNotifyUnflushed, Config: two, Bound: 2},
		{Variant: RotateRecoveryUnlog, Config: two, Bound: 2},
		{Variant: XidsNotMarked, Config: two, Bound: 2},
		{Variant: NoBinlog, Config: three, Bound: -1},
		{Variant: DestroyWithoutLock, Config: three, Bound: -1},
		{Variant: SignalAfterUnlock, Config: three, Bound: -1},
	})
}
