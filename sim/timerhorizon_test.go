package sim_test

import (
	"fmt"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// TestTimerHorizon proves Options.TimerHorizon both ways, exhaustively
// (DFS without a bound): a test's guard (select on done or a timeout
// beyond the horizon) never fires while the guarded work can progress,
// but a timeout within it still races with the work, a timeout still
// beats a worker that sleeps longer, and a busy loop polling with a
// default case still sees its timer.
func TestTimerHorizon(t *testing.T) {
	guard := func(d sim.Duration) sim.Scenario {
		return func(x *sim.Execution) {
			done := sim.NewChan[int](x, "done", 0)
			mu := sim.NewGoMutex(x, "mu")
			x.Go("worker", func() {
				for range 3 {
					mu.Lock()
					mu.Unlock()
				}
				done.Send(1)
			})
			sim.Select(x, done.RecvCase(nil), sim.After(x, d).RecvCase(func(sim.Duration, bool) {
				x.Failf("test-failed", "timed out")
			}))
		}
	}
	slowWorker := func(x *sim.Execution) {
		ctx, cancel := sim.WithTimeout(sim.Background(x), 10)
		defer cancel()
		result := sim.NewChan[int](x, "result", 0)
		x.Go("worker", func() { sim.GoSleep(x, 20); result.Send(1) })
		sim.Select(x, result.RecvCase(nil), ctx.Done().RecvCase(nil))
	}
	poll := func(x *sim.Execution) {
		t := sim.NewTimer(x, 5)
		for {
			fired := false
			sim.Select(x, t.C.RecvCase(func(sim.Duration, bool) { fired = true }), sim.Default(nil))
			if fired {
				return
			}
		}
	}
	for _, tc := range []struct {
		name    string
		s       sim.Scenario
		horizon sim.Duration
		kinds   []sim.Kind // the finding kinds DFS must reach, none for clean
	}{
		{"1s guard, no horizon", guard(sim.Second), 0, []sim.Kind{"test-failed"}},
		{"1s guard, 100ms horizon", guard(sim.Second), 100 * sim.Millisecond, nil},
		{"1ms guard, 100ms horizon", guard(sim.Millisecond), 100 * sim.Millisecond, []sim.Kind{"test-failed"}},
		{"1ms guard, 1ns horizon", guard(sim.Millisecond), 1, nil},
		{"slow worker, no horizon", slowWorker, 0, []sim.Kind{sim.Leak}},
		{"slow worker, 1ns horizon", slowWorker, 1, []sim.Kind{sim.Leak}},
		{"polling loop, 1ns horizon", poll, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kinds := map[sim.Kind]bool{}
			rep, err := sim.Explore(tc.s, sim.Options{Strategy: scheduler.NewDFS(-1), Runs: 100000, TimerHorizon: tc.horizon,
				OnExecution: func(_ int, _ *sim.History, f *sim.Finding) {
					if f != nil {
						kinds[f.Kind] = true
					}
				}})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Exhausted {
				t.Fatalf("DFS did not finish in %d executions", rep.Runs)
			}
			if len(kinds) != len(tc.kinds) {
				t.Fatalf("finding kinds %v, want %v", kinds, tc.kinds)
			}
			for _, k := range tc.kinds {
				if !kinds[k] {
					t.Fatalf("finding kinds %v, want %v", kinds, tc.kinds)
				}
			}
		})
	}
}

// TestTimerHorizonFairTime: under a horizon a re-armed short timer does not
// fire again before every goroutine that could step has, so a loop that
// re-arms it cannot starve main into a livelock (which no real scheduler
// produces); without a horizon PCT finds that starvation. Sampled, not
// exhaustive: a select between a closed channel and the timer may pick the
// timer for ever in DFS, as Go's random select never does.
func TestTimerHorizonFairTime(t *testing.T) {
	rearm := func(x *sim.Execution) {
		stop := sim.NewChan[struct{}](x, "stop", 0)
		done := sim.NewChan[struct{}](x, "done", 0)
		x.Go("loop", func() {
			defer done.Close()
			t := sim.NewTimer(x, sim.Millisecond)
			for {
				quit := false
				sim.Select(x, stop.RecvCase(func(struct{}, bool) { quit = true }), t.C.RecvCase(nil))
				if quit {
					return
				}
				t.Stop()
				t.Reset(sim.Millisecond)
			}
		})
		stop.Close()
		done.Recv()
	}
	for _, tc := range []struct {
		horizon  sim.Duration
		livelock bool
	}{{0, true}, {100 * sim.Millisecond, false}} {
		rep, err := sim.Explore(rearm, sim.Options{Strategy: scheduler.NewPCT(1, 3, 20), Runs: 300, MaxSteps: 2000,
			TimerHorizon: tc.horizon})
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, f := range rep.Findings {
			got = got || f.Kind == sim.Livelock
		}
		if got != tc.livelock {
			t.Errorf("horizon %v: livelock found %v, want %v (findings %d)", tc.horizon, got, tc.livelock, len(rep.Findings))
		}
	}
}

// BenchmarkTimerHorizonLongRun: long executions under a timer horizon,
// the shapes of tests that work for thousands of steps beside timers: a
// ticker due within the horizon that waits for every runnable goroutine
// to have stepped (Timer.ready asks progressSince at every decision), and
// a loop that receives with a time.After guard per iteration, each timer
// firing (its daemon then dormant) or left armed. Compare ns/step across
// the iteration counts: the ticker's and the fired timers' hardly grow
// with the execution's length; the armed timers' still do (each is asked
// at every decision).
func BenchmarkTimerHorizonLongRun(b *testing.B) {
	ticker := func(n int) sim.Scenario {
		return func(x *sim.Execution) {
			tick := sim.NewTicker(x, sim.Millisecond)
			defer tick.Stop()
			mu := sim.NewGoMutex(x, "mu")
			wg := sim.NewWaitGroup(x, "wg")
			for i := range 3 {
				wg.Add(1)
				x.Go(fmt.Sprint("worker", i), func() {
					defer wg.Done()
					for range n {
						mu.Lock()
						mu.Unlock()
					}
				})
			}
			wg.Wait()
		}
	}
	afterLoop := func(guard sim.Duration) func(n int) sim.Scenario {
		return func(n int) sim.Scenario {
			return func(x *sim.Execution) {
				work := sim.NewChan[int](x, "work", 0)
				x.Go("producer", func() {
					for i := range n {
						work.Send(i)
					}
					work.Close()
				})
				for open := true; open; {
					sim.Select(x, work.RecvCase(func(_ int, ok bool) { open = ok }), sim.After(x, guard).RecvCase(nil))
				}
			}
		}
	}
	for _, c := range []struct {
		name string
		s    func(n int) sim.Scenario
	}{{"ticker", ticker}, {"after-fired", afterLoop(1)}, {"after-armed", afterLoop(sim.Second)}} {
		for _, n := range []int{500, 5000} {
			b.Run(fmt.Sprintf("%s/iterations=%d", c.name, n), func(b *testing.B) {
				r, err := sim.Explore(c.s(n), sim.Options{Runs: b.N, Strategy: scheduler.NewPCT(1, 3, 10*n), TimerHorizon: 100 * sim.Millisecond, MaxSteps: 100 * n})
				if err != nil {
					b.Fatal(err)
				}
				if len(r.Findings) > 0 {
					b.Fatal(r.Findings[0])
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(r.Steps), "ns/step")
			})
		}
	}
}
