package inorder

import (
	"testing"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/groupcommit/gctest"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
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
	{Variant: DestroyWithoutLock, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "pct", Budget: 2000},
	{Variant: SignalAfterUnlock, Config: groupcommit.Config{Threads: 3, Engines: 1}, Strategy: "pct", Budget: 2000},
}

// TestSeededBugs checks that every seeded-bug variant gets its expected
// verdict within the stated budget, and prints the end of its trace.
func TestSeededBugs(t *testing.T) { gctest.SeededBugs(t, protocol, verdicts) }

// TestExhaustive explores every schedule of the small configurations
// (DPOR; bounded to five preemptions where the kill makes the full search
// too big) and checks each variant's verdict there: the correct variants
// clean, the others their expected kind.
func TestExhaustive(t *testing.T) {
	if testing.Short() {
		t.Skip("explores every schedule")
	}
	for _, tc := range []struct {
		variant string
		threads int
		bound   int // preemption bound, -1 for none
	}{
		{Shipped, 2, -1},
		{ShippedNoDestroyLk, 2, -1},
		{KillGuarded, 2, 5},
		{KillEntryKept, 2, 5},
		{KillUnguarded, 2, 5},
		{NoPriorWait, 2, -1},
		{WaitWithoutRecheck, 2, -1},
		{BinlogErrors, 2, -1},
		{NoBinlog, 3, -1},
		{DestroyWithoutLock, 3, -1},
		{SignalAfterUnlock, 3, -1},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			v, _ := sim.FindVariant(Variants, tc.variant)
			s, err := Scenario(tc.variant, groupcommit.Config{Threads: tc.threads, Engines: 1})
			if err != nil {
				t.Fatal(err)
			}
			strat := scheduler.Strategy(scheduler.NewDPOR())
			if tc.bound >= 0 {
				strat = scheduler.NewBoundedDPOR(tc.bound)
			}
			rep, err := sim.Explore(s, sim.Options{Strategy: strat, Runs: 200_000, NoSpurious: true})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Exhausted {
				t.Fatalf("not exhausted in %d executions", rep.Runs)
			}
			var kinds []sim.Kind
			for _, f := range rep.Findings {
				kinds = append(kinds, f.Kind)
			}
			verdict, ok := v.Judge(kinds)
			t.Logf("%d executions: %s %v", rep.Runs, verdict, rep.Counts)
			if !ok || verdict != v.Expected {
				t.Fatalf("verdict %s (findings %v), want %s", verdict, kinds, v.Expected)
			}
		})
	}
}
