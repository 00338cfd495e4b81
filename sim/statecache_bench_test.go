//go:build unix

package sim_test

import (
	"testing"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// BenchmarkStateHashIncremental measures the incremental hash against the
// hash from scratch on the stateful searches of lockfree and mutexqueue at 4 threads
// (as bench/stateful_vs_spin.sh runs them),
// alternating the two in one run (the cores may be shared: absolute times
// are noisy, the ratio less so). It reports the CPU seconds of each, per
// search.
func BenchmarkStateHashIncremental(b *testing.B) {
	for _, c := range []struct{ protocol, variant string }{{"lockfree", "clear-before-enqueue"}, {"mutexqueue", "final-review"}} {
		b.Run(c.protocol, func(b *testing.B) {
			p, s, _, err := protocols.Scenario(c.protocol, c.variant, protocols.Params{Threads: 4, Txns: 1})
			if err != nil {
				b.Fatal(err)
			}
			// Three modes, alternated: from scratch, incremental, and
			// both at every decision (the check): both minus one is the
			// other's cost.
			var cpu [3]float64
			for b.Loop() {
				for i, mode := range []struct{ scratch, check bool }{{true, false}, {false, false}, {false, true}} {
					wasScratch, restoreCheck := sim.SetHashFromScratch(mode.scratch), sim.SetCheckStateCache(mode.check)
					start := cpuTime(b)
					if _, err := sim.Explore(s, sim.Options{Runs: 1 << 30, Strategy: scheduler.NewStateful(), Cost: p.Cost, NoSpurious: true}); err != nil {
						b.Fatal(err)
					}
					cpu[i] += cpuTime(b) - start
					sim.SetHashFromScratch(wasScratch)
					restoreCheck()
				}
			}
			n := float64(b.N) * 1e9
			b.ReportMetric(cpu[0]/n, "scratch-cpu-s")
			b.ReportMetric(cpu[1]/n, "incremental-cpu-s")
			b.ReportMetric(cpu[1]/cpu[0], "ratio")
			b.ReportMetric((cpu[2]-cpu[1])/n, "scratch-hash-s")
			b.ReportMetric((cpu[2]-cpu[0])/n, "incremental-hash-s")
		})
	}
}
