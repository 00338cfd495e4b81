package mutexqueue

import (
	"testing"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

func TestScratch(t *testing.T) {
	for _, v := range Variants {
		for _, st := range []string{"random", "pct"} {
			s, err := Scenario(v.Name, groupcommit.Config{Threads: 4, Txns: 2, Engines: 2, Readers: 1, XidErrors: true, Crash: false})
			if err != nil {
				t.Fatal(err)
			}
			var strat scheduler.Strategy = scheduler.NewRandom(1)
			if st == "pct" {
				strat = scheduler.NewPCT(1, 3, 0)
			}
			rep, err := sim.Explore(s, sim.Options{Runs: 2000, Strategy: strat})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %s: runs=%d steps/run=%d counts=%v wall=%v", v.Name, st, rep.Runs, rep.Steps/int64(rep.Runs), rep.Counts, rep.Wall)
			for _, f := range rep.Findings {
				t.Logf("  first %s at run %d: %s", f.Kind, f.Run, f.Message)
			}
		}
	}
}
