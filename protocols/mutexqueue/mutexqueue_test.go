package mutexqueue

import (
	"os"
	"testing"
	"time"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// correctExecutions is how many executions each correct variant must pass
// (random and PCT over groupcommit.CheckConfigs); a tenth under -short.
// Over the three correct variants here and the two of package broadcast
// that is 500,000 executions.
const correctExecutions = 100_000

// TestCorrectVariants runs every correct variant over the check matrix:
// 2-8 threads, two engines, snapshot readers, xid_errors and crashes.
func TestCorrectVariants(t *testing.T) {
	total := correctExecutions
	if testing.Short() {
		total /= 10
	}
	for _, v := range Variants {
		if v.Expected != sim.Clean {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			start := time.Now()
			res, err := groupcommit.Sweep(func(c groupcommit.Config) (sim.Scenario, error) { return Scenario(v.Name, c) },
				groupcommit.CheckConfigs, total, 2, 1)
			if err != nil {
				t.Fatal(err)
			}
			el := time.Since(start)
			t.Logf("%s: %d executions, %d steps, %v (%.0f executions/s)", v.Name, res.Executions, res.Steps, el, float64(res.Executions)/el.Seconds())
			if res.Finding != nil {
				t.Fatalf("%s under %s, %+v: %v", v.Name, res.Strategy, res.Config, res.Finding)
			}
			if res.Executions < total*99/100 {
				t.Fatalf("only %d executions", res.Executions)
			}
		})
	}
}

// verdicts are the seeded bugs: each must be found, with its expected
// kind first, within budget executions of its strategy (seed 1).
var verdicts = []struct {
	variant  string
	cfg      groupcommit.Config
	strategy string
	budget   int
}{
	{EarlyRelease, groupcommit.Config{Threads: 4, Txns: 2, Engines: 2}, "pct", 500},
	{NextAfterWakeup, groupcommit.Config{Threads: 4, Txns: 2, Engines: 1}, "pct", 500},
	{XidErrorDropped, groupcommit.Config{Threads: 3, Txns: 1, Engines: 1}, "random", 50},
	{SnapshotNoLock, groupcommit.Config{Threads: 4, Txns: 2, Engines: 2, Readers: 2}, "pct", 500},
	{ClearAfterEnqueue, groupcommit.Config{Threads: 4, Txns: 2, Engines: 1}, "pct", 1000},
}

// TestSeededBugs checks that every seeded-bug variant gets its expected
// verdict within the stated budget, and prints the end of its trace.
func TestSeededBugs(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range verdicts {
		seen[tc.variant] = true
		t.Run(tc.variant, func(t *testing.T) {
			v, err := sim.FindVariant(Variants, tc.variant)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Scenario(tc.variant, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var st scheduler.Strategy = scheduler.NewRandom(1)
			if tc.strategy == "pct" {
				st = scheduler.NewPCT(1, 3, 0)
			}
			rep, err := sim.Explore(s, sim.Options{Strategy: st, Runs: tc.budget, StopOnFinding: true,
				Meta: sim.Meta{Protocol: "mutexqueue", Variant: tc.variant}})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) == 0 {
				t.Fatalf("%s: no finding in %d %s executions, want %s", tc.variant, rep.Runs, tc.strategy, v.Expected)
			}
			f := rep.Findings[0]
			t.Logf("%s: %s at execution %d of budget %d: %s", tc.variant, f.Kind, f.Run, tc.budget, f.Message)
			if f.Kind != v.Expected {
				t.Fatalf("%s: found %s, want %s", tc.variant, f.Kind, v.Expected)
			}
			if testing.Verbose() && f.Trace != nil {
				traces.Timeline(os.Stdout, f.Trace, traces.TimelineOptions{Last: 12})
			}
		})
	}
	for _, v := range Variants {
		if v.Expected != sim.Clean && !seen[v.Name] {
			t.Errorf("seeded-bug variant %s has no verdict test", v.Name)
		}
	}
}
