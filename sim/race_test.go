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

// raceFindings explores s from run first on, runs executions, and
// returns each execution's finding, by run.
func raceFindings(t *testing.T, s sim.Scenario, first, runs int) []string {
	t.Helper()
	got := make([]string, runs)
	opts := sim.Options{Runs: runs, Strategy: shifted{scheduler.NewRandom(3), first}, Races: true, Workers: 1, MaxSpurious: 1,
		OnExecution: func(run int, _ *sim.History, f *sim.Finding) {
			if f != nil {
				got[run] = fmt.Sprintf("%s %d %s", f.Kind, f.Step, f.Message)
			}
		}}
	if _, err := sim.Explore(s, opts); err != nil {
		t.Fatal(err)
	}
	return got
}

// shifted runs the executions of a random strategy from run first on.
type shifted struct {
	*scheduler.Random
	first int
}

func (s shifted) Begin(run int) bool { return s.Random.Begin(s.first + run) }

// TestRaceStateAcrossExecutions checks that an execution's race finding
// does not depend on the executions its runner ran before: the detector
// keeps object clocks and shadows across them, told apart by generation
// (and reads by a shadow's write count). Each execution of one exploration
// must find what it finds as the first execution of its own; each seeded
// reuse bug must change some finding.
func TestRaceStateAcrossExecutions(t *testing.T) {
	scenario := func(x *sim.Execution) {
		// Executions differ in which Vars race: a leak from one to the
		// next shows as a race where the next has none, or another one.
		vs := []*sim.Var[int]{sim.NewVar(x, "a", 0), sim.NewVar(x, "b", 0), sim.NewVar(x, "c", 0)}
		m := sim.NewMutex(x, "mu")
		for i := range 3 {
			x.Go(fmt.Sprintf("t%d", i), func() {
				m.Lock()
				v := vs[i].Read()
				m.Unlock()
				if v == 0 && i > 0 {
					vs[i-1].Read()
				}
				m.Lock()
				vs[(i+1)%3].Write(v + 1)
				m.Unlock()
			})
		}
	}
	const runs = 300
	fresh := make([]string, runs)
	for run := range runs {
		fresh[run] = raceFindings(t, scenario, run, 1)[0]
	}
	tests := []struct {
		name               string
		sameGen, keepReads bool
		wantSame           bool
	}{
		{"correct", false, false, true},
		{"seeded: generation kept", true, false, false},
		{"seeded: reads kept", false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer sim.SeedRaceBugs(tt.sameGen, tt.keepReads)()
			reused := raceFindings(t, scenario, 0, runs)
			races, diff := 0, 0
			for run := range reused {
				if fresh[run] != "" {
					races++
				}
				if reused[run] != fresh[run] {
					diff++
				}
			}
			if races == 0 || races == runs {
				t.Fatalf("%d of %d executions race: the scenario proves nothing", races, runs)
			}
			if tt.wantSame && diff != 0 {
				t.Errorf("%d of %d executions' findings depend on the executions before them", diff, runs)
			}
			if !tt.wantSame && diff == 0 {
				t.Errorf("the seeded bug changed no finding (%d races)", races)
			}
			t.Logf("%d races, %d differ", races, diff)
		})
	}
}
