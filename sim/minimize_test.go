package sim_test

import (
	"testing"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// TestMinimizeSeededBugs: every finding of every seeded-bug variant,
// minimized, replays to a finding of the same kind, with no more
// preemptions and steps than before.
func TestMinimizeSeededBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps every protocol")
	}
	for _, p := range protocols.All {
		for _, v := range p.Variants {
			if v.Expected == sim.Clean {
				continue
			}
			t.Run(p.Name+"/"+v.Name, func(t *testing.T) {
				t.Parallel()
				_, s, params, err := protocols.Scenario(p.Name, v.Name, protocols.Params{})
				if err != nil {
					t.Fatal(err)
				}
				runs := min(p.Runs, 2000)
				rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewPCT(1, 3, 0), Runs: runs, Cost: p.Cost,
					Meta: sim.Meta{Protocol: p.Name, Variant: v.Name, Config: p.Config(params)}})
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Findings) == 0 {
					t.Skipf("no finding in %d PCT runs", runs)
				}
				for _, f := range rep.Findings {
					if f.Kind == sim.Nondeterminism {
						t.Errorf("nondeterministic: %s", f.Message)
						continue
					}
					mt, st, err := sim.Minimize(s, f.Trace)
					if err != nil {
						t.Errorf("%s: %v", f.Kind, err)
						continue
					}
					t.Logf("%s: %s", f.Kind, st)
					if st.PreemptionsAfter > st.PreemptionsBefore ||
						st.PreemptionsAfter == st.PreemptionsBefore && st.StepsAfter > st.StepsBefore {
						t.Errorf("%s: minimizing made it bigger: %s", f.Kind, st)
					}
					g, _, err := sim.Replay(s, mt)
					if err != nil {
						t.Errorf("%s: replaying the minimized trace: %v", f.Kind, err)
						continue
					}
					if g == nil || g.Kind != f.Kind {
						t.Errorf("%s: the minimized trace replays to %v", f.Kind, g)
					}
				}
			})
		}
	}
}
