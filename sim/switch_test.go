//go:build unix

package sim_test

import (
	"iter"
	"syscall"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// cpuTime is the CPU time (user + system) the process has used so far.
func cpuTime(tb testing.TB) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSwitchRatio measures what issue 10 sets a goal for: the cost of
// a visible step that switches actors as a multiple of a bare iter.Pull
// round trip (goal: at most 1.3). Wall time on a machine shared with other
// work mostly measures the others, so each iteration is one round that
// times, in process CPU time (getrusage), a batch of bare round trips, a
// batch of switching steps (two actors storing to an atomic, alternated by
// the strategy at every step), and a batch of steps that never switch (the
// runtime's bookkeeping alone); the fastest round of each is reported, since
// interference only ever adds to a round. Run it with -benchtime 10x or so.
func BenchmarkSwitchRatio(b *testing.B) {
	const trips, stores, runs = 200_000, 1000, 100 // 200,000 steps a batch
	next, stop := iter.Pull(func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	})
	defer stop()
	next2, stop2 := iter.Pull(func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	})
	defer stop2()
	steps := func(strat scheduler.Strategy) float64 {
		t0 := cpuTime(b)
		rep, err := sim.Explore(stepScenario(stores), sim.Options{Runs: runs, Strategy: strat, NoSpurious: true})
		if err != nil {
			b.Fatal(err)
		}
		return (cpuTime(b) - t0) / float64(rep.Steps)
	}
	var best struct{ trip, trip2, step, plain float64 }
	keep := func(min *float64, d float64) {
		if *min == 0 || d < *min {
			*min = d
		}
	}
	for range b.N {
		t0 := cpuTime(b)
		for range trips {
			next()
		}
		keep(&best.trip, (cpuTime(b)-t0)/trips)
		t0 = cpuTime(b)
		for range trips / 2 {
			next()
			next2()
		}
		keep(&best.trip2, (cpuTime(b)-t0)/trips)
		keep(&best.step, steps(roundRobin{}))
		keep(&best.plain, steps(sticky{}))
	}
	if best.trip <= 0 {
		b.Fatal("a round trip measured no CPU time: the clock is too coarse")
	}
	b.ReportMetric(best.trip, "cpu-ns/roundtrip")
	b.ReportMetric(best.trip2, "cpu-ns/roundtrip-2coros")
	b.ReportMetric(best.step, "cpu-ns/switch-step")
	b.ReportMetric(best.plain, "cpu-ns/plain-step")
	b.ReportMetric(best.step/best.trip, "switch/roundtrip")
}
