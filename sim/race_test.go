package sim_test

import (
	"fmt"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// counterVariants: n actors increment a shared counter, synchronized in
// different ways.
func counterScenario(n int, how string) sim.Scenario {
	return func(x *sim.Execution) {
		c := sim.NewVar(x, "count", 0)
		m := sim.NewMutex(x, "mu")
		a := sim.NewAtomic(x, "acount", 0)
		flag := sim.NewAtomic(x, "flag", false)
		cond := sim.NewCond(x, "cond", m)
		done := sim.NewVar(x, "done", false)
		var hs []*sim.Actor
		for i := 0; i < n; i++ {
			hs = append(hs, x.Go(fmt.Sprintf("t%d", i), func() {
				switch how {
				case "plain":
					c.Write(c.Read() + 1)
				case "mutex":
					m.Lock()
					c.Write(c.Read() + 1)
					m.Unlock()
				case "atomic":
					for {
						v := a.Load()
						if a.CompareAndSwap(v, v+1) {
							break
						}
					}
				case "publish": // a plain write published through an atomic flag
					if i == 0 {
						c.Write(42)
						flag.Store(true)
					} else if flag.Load() {
						c.Read()
					}
				case "cond": // a plain write handed over by a signal
					m.Lock()
					if i == 0 {
						c.Write(1)
						done.Write(true)
						cond.Broadcast()
					} else {
						for !done.Read() {
							cond.Wait()
						}
						c.Read()
					}
					m.Unlock()
				}
			}))
		}
		if how == "join" {
			c.Write(1)
			h := x.Go("child", func() { c.Write(c.Read() + 1) })
			h.Join()
			c.Read()
			return
		}
		if how == "nojoin" {
			x.Go("child", func() { c.Write(2) })
			c.Read()
		}
		_ = hs
	}
}

func TestRaceDetector(t *testing.T) {
	tests := []struct {
		how  string
		race bool
	}{
		{"plain", true},
		{"mutex", false},
		{"atomic", false},
		{"publish", false},
		{"cond", false},
		{"join", false},
		{"nojoin", true},
	}
	for _, tt := range tests {
		t.Run(tt.how, func(t *testing.T) {
			rep, err := sim.Explore(counterScenario(2, tt.how), sim.Options{Strategy: scheduler.NewDFS(-1), Runs: 1 << 20, MaxSpurious: 1, Races: true})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Exhausted {
				t.Fatal("not exhausted")
			}
			got := rep.Counts[sim.Race] > 0
			if got != tt.race {
				t.Errorf("race found = %v, want %v (report %v)", got, tt.race, rep.Counts)
			}
			for k := range rep.Counts {
				if k != sim.Race {
					t.Errorf("unexpected finding %s", k)
				}
			}
			if tt.race {
				f := rep.Findings[0]
				if f.Trace == nil || f.Trace.Finding == nil || f.Trace.Finding.Kind != string(sim.Race) {
					t.Errorf("race finding without a race trace: %+v", f)
				}
			}
			off, err := sim.Explore(counterScenario(2, tt.how), sim.Options{Strategy: scheduler.NewDFS(-1), Runs: 1 << 20, MaxSpurious: 1})
			if err != nil {
				t.Fatal(err)
			}
			if off.Counts[sim.Race] != 0 { // off by default
				t.Errorf("races off: %d races", off.Counts[sim.Race])
			}
		})
	}
}
