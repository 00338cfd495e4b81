package sim_test

import (
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// spinlock is a correct CAS spinlock, with or without Yield in its loop.
func spinlock(yield bool) sim.Scenario {
	return func(x *sim.Execution) {
		l := sim.NewAtomicInt[int32](x, "l", 0)
		n := sim.NewVar(x, "n", 0)
		wg := sim.NewWaitGroup(x, "wg")
		for _, name := range []string{"a", "b"} {
			wg.Go(name, func() {
				for !l.CompareAndSwap(0, 1) {
					if yield {
						x.Yield()
					}
				}
				n.Write(n.Read() + 1)
				l.Store(0)
			})
		}
		wg.Wait()
		x.Assert(n.Read() == 2, "lost update")
	}
}

// waitEachOther livelocks under every fair schedule: each spins until the
// other's flag is set, and sets its own only after.
func waitEachOther(x *sim.Execution) {
	fa := sim.NewAtomicInt(x, "fa", 0)
	fb := sim.NewAtomicInt(x, "fb", 0)
	x.Go("a", func() {
		for fb.Load() == 0 {
		}
		fa.Store(1)
	})
	x.Go("b", func() {
		for fa.Load() == 0 {
		}
		fb.Store(1)
	})
}

// backoff: two actors that back off from each other (with effects)
// forever in lockstep; exhaustive search finds that schedule.
func backoff(x *sim.Execution) {
	fa := sim.NewAtomicInt(x, "fa", 0)
	fb := sim.NewAtomicInt(x, "fb", 0)
	polite := func(mine, other *sim.AtomicInt[int]) func() {
		return func() {
			for {
				mine.Store(1)
				if other.Load() == 0 {
					break
				}
				mine.Store(0)
			}
			mine.Store(0)
		}
	}
	x.Go("a", polite(fa, fb))
	x.Go("b", polite(fb, fa))
}

func TestFairness(t *testing.T) {
	strategies := map[string]func() scheduler.Strategy{
		"random": func() scheduler.Strategy { return scheduler.NewRandom(1) },
		"pct":    func() scheduler.Strategy { return scheduler.NewPCT(1, 3, 0) },
		"dpor":   func() scheduler.Strategy { return scheduler.NewDPOR() },
		"dfs":    func() scheduler.Strategy { return scheduler.NewDFS(2) },
	}
	cases := []struct {
		name   string
		s      sim.Scenario
		want   sim.Kind
		unfair bool
		only   string // run under this strategy only
	}{
		{"spinlock", spinlock(false), "", false, ""},
		{"spinlock with yield", spinlock(true), "", false, ""},
		{"spinlock unfair", spinlock(false), sim.Livelock, true, "dfs"},
		{"wait for each other", waitEachOther, sim.Livelock, false, ""},
		{"backoff", backoff, sim.Livelock, false, "dfs"},
	}
	for _, c := range cases {
		for name, st := range strategies {
			if c.only != "" && name != c.only {
				continue
			}
			t.Run(c.name+"/"+name, func(t *testing.T) {
				rep, err := sim.Explore(c.s, sim.Options{Strategy: st(), Runs: 300, MaxSteps: 2000, Races: true, Unfair: c.unfair, StopOnFinding: true})
				if err != nil {
					t.Fatal(err)
				}
				var got sim.Kind
				if len(rep.Findings) > 0 {
					got = rep.Findings[0].Kind
				}
				if got != c.want {
					t.Fatalf("got %q (%v), want %q", got, rep.Findings, c.want)
				}
			})
		}
	}
}

// TestPollingSelectIsNotALivelock: a loop of selects with a default that
// polls for a value is a spin, not a livelock.
func TestPollingSelectIsNotALivelock(t *testing.T) {
	s := func(x *sim.Execution) {
		ch := sim.NewChan[int](x, "ch", 0)
		x.Go("sender", func() { ch.Send(1) })
		for got := false; !got; {
			sim.Select(x, ch.RecvCase(func(int, bool) { got = true }), sim.Default(nil))
		}
	}
	for _, st := range []scheduler.Strategy{scheduler.NewRandom(1), scheduler.NewPCT(1, 3, 0), scheduler.NewDFS(2)} {
		rep, err := sim.Explore(s, sim.Options{Strategy: st, Runs: 200, MaxSteps: 2000})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Findings) > 0 {
			t.Fatalf("%s: %v", st.Info().Name, rep.Findings[0])
		}
	}
}

// TestSleepingPollerIsNotALivelock: a loop that polls a flag and sleeps
// between polls lets the goroutine that sets the flag run, under every
// strategy (PCT would otherwise starve it behind the poller's timers).
func TestSleepingPollerIsNotALivelock(t *testing.T) {
	s := func(x *sim.Execution) {
		done := sim.NewAtomicInt(x, "done", 0)
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("poller", func() {
			for done.Load() == 0 {
				sim.GoSleep(x, 10)
			}
		})
		wg.Go("setter", func() { done.Add(1); done.Add(1) })
		wg.Wait()
	}
	for _, st := range []scheduler.Strategy{scheduler.NewRandom(1), scheduler.NewPCT(1, 3, 0), scheduler.NewDFS(1), scheduler.NewDPOR()} {
		rep, err := sim.Explore(s, sim.Options{Strategy: st, Runs: 300, MaxSteps: 3000})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Findings) > 0 {
			t.Fatalf("%s: %v", st.Info().Name, rep.Findings[0])
		}
	}
	// Without the rule, PCT starves the setter: the test can fail.
	rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewPCT(1, 3, 0), Runs: 300, MaxSteps: 3000, Unfair: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Counts[sim.Livelock] == 0 {
		t.Fatal("unfair PCT found no livelock: the test shows nothing")
	}
}
