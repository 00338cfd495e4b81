package sim_test

import (
	"iter"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// BenchmarkPullRoundTrip is the floor: one bare iter.Pull round trip
// (resume a coroutine, let it yield back). Compare ns/op with
// BenchmarkStep's ns/step in the same run.
func BenchmarkPullRoundTrip(b *testing.B) {
	next, stop := iter.Pull(func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	})
	defer stop()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next()
	}
}

// roundRobin switches actor at every decision: the worst case, every step a
// coroutine switch.
type roundRobin struct{}

func (roundRobin) Begin(int) bool { return true }
func (roundRobin) Next(d *scheduler.Decision) int {
	if d.Kind == scheduler.Schedule && len(d.Choices) > 1 && d.Choices[0].Actor == d.Current {
		return 1
	}
	return 0
}
func (roundRobin) End(*scheduler.Path)  {}
func (roundRobin) Info() scheduler.Info { return scheduler.Info{Name: "round-robin"} }

// sticky never preempts: every step continues the running actor, so no
// step switches coroutines and a step costs only the runtime's bookkeeping.
type sticky struct{}

func (sticky) Begin(int) bool               { return true }
func (sticky) Next(*scheduler.Decision) int { return 0 }
func (sticky) End(*scheduler.Path)          {}
func (sticky) Info() scheduler.Info         { return scheduler.Info{Name: "sticky"} }

// stepScenario: two actors each doing n atomic stores.
func stepScenario(n int) sim.Scenario {
	return func(x *sim.Execution) {
		v := sim.NewAtomic(x, "v", 0)
		for a := 0; a < 2; a++ {
			x.Go("a", func() {
				for i := 0; i < n; i++ {
					v.Store(i)
				}
			})
		}
	}
}

// BenchmarkStep reports ns per visible step, under a strategy that switches
// actors at every step (each step costs a coroutine round trip), under a
// random walk (about half the steps continue the running actor without a
// switch), and under one that never switches (the bookkeeping alone).
func BenchmarkStep(b *testing.B) {
	const n = 1000 // stores per actor; executions reuse the step log
	for _, c := range []struct {
		name  string
		strat func() scheduler.Strategy
	}{
		{"switch-every-step", func() scheduler.Strategy { return roundRobin{} }},
		{"random", func() scheduler.Strategy { return scheduler.NewRandom(1) }},
		{"no-switch", func() scheduler.Strategy { return sticky{} }},
	} {
		b.Run(c.name, func(b *testing.B) {
			rep, err := sim.Explore(stepScenario(n), sim.Options{Runs: b.N, Strategy: c.strat(), NoSpurious: true})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rep.Steps), "ns/step")
		})
	}
}
