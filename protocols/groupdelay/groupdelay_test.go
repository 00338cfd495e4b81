package groupdelay

import (
	"testing"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/groupcommit/gctest"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
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
	for _, v := range Variants {
		t.Run(v.Name, func(t *testing.T) {
			s, err := Scenario(v.Name, groupcommit.Config{Threads: 2, Txns: 1})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewDPOR(), Runs: 100_000, NoSpurious: true})
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
