package sim_test

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// The small programs of the issue: each must give its own finding kind.
var programs = []struct {
	name string
	want sim.Kind
	s    sim.Scenario
}{
	{"panic", sim.Panic, func(x *sim.Execution) {
		v := sim.NewVar(x, "v", 0)
		x.Go("a", func() {
			v.Write(1)
			var m map[string]int
			m["boom"]++
		})
	}},
	{"spin forever", sim.Livelock, func(x *sim.Execution) {
		flag := sim.NewAtomic(x, "flag", false)
		x.Go("spinner", func() {
			for !flag.Load() {
			}
		})
	}},
	{"unlock not held", sim.BadUnlock, func(x *sim.Execution) {
		mu := sim.NewMutex(x, "mu")
		x.Go("a", func() { mu.Lock() })
		x.Go("b", func() { mu.Unlock() })
	}},
	{"wait with if", sim.Assertion, func(x *sim.Execution) {
		mu := sim.NewMutex(x, "mu")
		cond := sim.NewCond(x, "cond", mu)
		ready := sim.NewVar(x, "ready", false)
		x.Go("consumer", func() {
			mu.Lock()
			if !ready.Read() { // should be for
				cond.Wait()
			}
			x.Assert(ready.Read(), "consumer woke up but ready is false")
			mu.Unlock()
		})
		x.Go("producer", func() {
			mu.Lock()
			ready.Write(true)
			cond.Signal()
			mu.Unlock()
		})
	}},
	{"AB/BA", sim.Deadlock, func(x *sim.Execution) {
		a, b := sim.NewMutex(x, "A"), sim.NewMutex(x, "B")
		x.Go("ab", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
		x.Go("ba", func() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock() })
	}},
	{"signal before wait", sim.LostWakeup, func(x *sim.Execution) {
		mu := sim.NewMutex(x, "mu")
		cond := sim.NewCond(x, "cond", mu)
		x.Go("waiter", func() { mu.Lock(); cond.Wait(); mu.Unlock() })
		x.Go("signaller", func() { mu.Lock(); cond.Signal(); mu.Unlock() })
	}},
}

func TestProgramsGiveTheirOwnKind(t *testing.T) {
	for _, p := range programs {
		t.Run(p.name, func(t *testing.T) {
			for _, strat := range []scheduler.Strategy{scheduler.NewRandom(1), scheduler.NewPCT(1, 3, 0)} {
				rep, err := sim.Explore(p.s, sim.Options{Strategy: strat, Runs: 200, MaxSteps: 2000})
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Findings) == 0 {
					t.Fatalf("%s: no finding in %d runs, want %s", strat.Info().Name, rep.Runs, p.want)
				}
				for _, f := range rep.Findings {
					if f.Kind != p.want {
						t.Errorf("%s: finding %s (%s), want only %s", strat.Info().Name, f.Kind, f.Message, p.want)
					}
					if f.Trace == nil || f.Trace.Finding == nil || f.Trace.Finding.Kind != string(f.Kind) {
						t.Errorf("%s: the finding's trace does not record it", strat.Info().Name)
					}
				}
			}
		})
	}
}

// The same programs written correctly give no finding.
func TestCorrectProgramsAreClean(t *testing.T) {
	clean := map[string]sim.Scenario{
		"wait with for": func(x *sim.Execution) {
			mu := sim.NewMutex(x, "mu")
			cond := sim.NewCond(x, "cond", mu)
			ready := sim.NewVar(x, "ready", false)
			x.Go("consumer", func() {
				mu.Lock()
				for !ready.Read() {
					cond.Wait()
				}
				x.Assert(ready.Read(), "consumer woke up but ready is false")
				mu.Unlock()
			})
			x.Go("producer", func() {
				mu.Lock()
				ready.Write(true)
				cond.Signal()
				mu.Unlock()
			})
		},
		"AB/AB": func(x *sim.Execution) {
			a, b := sim.NewMutex(x, "A"), sim.NewMutex(x, "B")
			x.Go("ab1", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
			x.Go("ab2", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
		},
		"join": func(x *sim.Execution) {
			v := sim.NewAtomic(x, "v", 0)
			var hs []*sim.Actor
			for i := 0; i < 3; i++ {
				hs = append(hs, x.Go("w", func() { v.Store(v.Load() + 1) }))
			}
			for _, h := range hs {
				h.Join()
			}
		},
	}
	for name, s := range clean {
		t.Run(name, func(t *testing.T) {
			for _, strat := range []scheduler.Strategy{scheduler.NewRandom(1), scheduler.NewPCT(1, 3, 0)} {
				rep, err := sim.Explore(s, sim.Options{Strategy: strat, Runs: 500})
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Findings) > 0 {
					t.Fatalf("%s: %v", strat.Info().Name, rep.Findings[0])
				}
			}
		})
	}
}

// A spurious wakeup is a strategy's choice: the if-waiter is only caught
// with spurious wakeups on.
func TestSpuriousWakeupsCanBeTurnedOff(t *testing.T) {
	var ifWaiter sim.Scenario
	for _, p := range programs {
		if p.name == "wait with if" {
			ifWaiter = p.s
		}
	}
	rep, err := sim.Explore(ifWaiter, sim.Options{Runs: 2000, NoSpurious: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) > 0 {
		t.Fatalf("without spurious wakeups the if-waiter is correct, got %v", rep.Findings[0])
	}
}

func TestDeterministicTraces(t *testing.T) {
	for _, p := range programs {
		for seed := uint64(1); seed <= 50; seed++ {
			assertDeterministic(t, p.name, p.s, func() sim.Options {
				return sim.Options{Strategy: scheduler.NewRandom(seed), MaxSteps: 500, Meta: sim.Meta{Protocol: "test", Variant: p.name}}
			})
		}
	}
}

func TestReplayReportsDivergence(t *testing.T) {
	s := programs[4].s // AB/BA
	_, tr, err := sim.Run(s, sim.Options{Strategy: scheduler.NewRandom(3), Meta: sim.Meta{Protocol: "test", Variant: "x"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	other := func(x *sim.Execution) { // same objects, other code
		a, b := sim.NewMutex(x, "A"), sim.NewMutex(x, "B")
		x.Go("ab", func() { a.Lock(); a.Unlock() })
		x.Go("ba", func() { b.Lock(); b.Unlock() })
	}
	if _, _, err := sim.Replay(other, tr); err == nil {
		t.Fatal("replay of a trace on other code succeeded")
	} else {
		t.Log(err)
	}
}

func TestTimeAndCost(t *testing.T) {
	// One actor's virtual time is the sum of its priced operations.
	s := func(x *sim.Execution) {
		x.Go("a", func() {
			x.Work(3 * sim.Millisecond)
			x.Sleep(2 * sim.Millisecond)
			x.Work(1 * sim.Millisecond)
		})
	}
	var end sim.Duration
	_, err := sim.Explore(s, sim.Options{Runs: 1, OnExecution: func(_ int, h *sim.History, _ *sim.Finding) { end = h.Now }})
	if err != nil {
		t.Fatal(err)
	}
	if end != 6*sim.Millisecond {
		t.Fatalf("virtual time %v, want 6ms", end)
	}
	// The CPU limit caps parallel progress: 4 actors × 1ms of work on 2 CPUs
	// take 2ms; on unlimited CPUs 1ms.
	four := func(x *sim.Execution) {
		for i := 0; i < 4; i++ {
			x.Go("w", func() { x.Work(sim.Millisecond); x.Yield() })
		}
	}
	for _, c := range []struct {
		cpus int
		want sim.Duration
	}{{0, sim.Millisecond}, {2, 2 * sim.Millisecond}, {1, 4 * sim.Millisecond}} {
		_, err := sim.Explore(four, sim.Options{Runs: 1, Cost: sim.Cost{CPUs: c.cpus},
			OnExecution: func(_ int, h *sim.History, _ *sim.Finding) { end = h.Now }})
		if err != nil {
			t.Fatal(err)
		}
		if end != c.want {
			t.Errorf("cpus=%d: %v, want %v", c.cpus, end, c.want)
		}
	}
}

var global int // state outside the simulator: the scenario below is not deterministic

func TestSelfCheckCatchesNondeterminism(t *testing.T) {
	s := func(x *sim.Execution) {
		v := sim.NewVar(x, "v", 0)
		global++
		n := 1 + global%2 // differs between a run and its re-run
		x.Go("a", func() {
			for i := 0; i < n; i++ {
				v.Write(i)
			}
		})
		x.Go("b", func() { v.Write(9) })
	}
	rep, err := sim.Explore(s, sim.Options{Runs: 20, SelfCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Counts[sim.Nondeterminism] == 0 {
		t.Fatalf("self-check found nothing: %v", rep.Counts)
	}
	t.Log(rep.Findings[0].Message)
}

func TestWatchdogReportsRealBlocking(t *testing.T) {
	ch := make(chan int)
	defer close(ch)
	hung := make(chan string, 1)
	s := func(x *sim.Execution) {
		x.Go("blocker", func() { <-ch }) // real blocking: forbidden in actor code
	}
	go func() {
		sim.Explore(s, sim.Options{Runs: 1, Watchdog: 1500 * time.Millisecond, OnHang: func(msg string) { hung <- msg }})
	}()
	select {
	case msg := <-hung:
		t.Log(msg)
	case <-time.After(10 * time.Second):
		t.Fatal("the watchdog did not fire")
	}
	ch <- 1 // unblock the actor so the exploration ends
}
