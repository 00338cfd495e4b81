package sim_test

import (
	"runtime"
	"testing"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// speedConfigs are the configurations whose executions per CPU-second and
// allocations per execution issue 10 sets targets for. bench/compare.sh
// copies this file into an older tree to measure both side by side, so it
// uses only API that both have (protocols.Scenario, sim.Explore).
var speedConfigs = []struct{ protocol, variant string }{
	{"lockfree", "clear-before-enqueue"},
	{"mutexqueue", "shipped"},
}

// BenchmarkProtocolExec runs one random execution per iteration of each
// speed configuration at 4 threads, 1 transaction, with the protocol's
// cost model and the race detector on, as `simrun run` does. It reports
// allocations per execution from runtime.MemStats deltas.
func BenchmarkProtocolExec(b *testing.B) {
	for _, c := range speedConfigs {
		b.Run(c.protocol+"/"+c.variant, func(b *testing.B) {
			proto, s, _, err := protocols.Scenario(c.protocol, c.variant, protocols.Params{Threads: 4, Txns: 1})
			if err != nil {
				b.Fatal(err)
			}
			opts := sim.Options{Runs: b.N, Strategy: scheduler.NewRandom(1), Cost: proto.Cost, Races: true, MaxSteps: proto.MaxSteps}
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			b.ResetTimer()
			if _, err := sim.Explore(s, opts); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			runtime.ReadMemStats(&m1)
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(b.N), "allocs/exec")
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(b.N), "B/exec")
		})
	}
}
