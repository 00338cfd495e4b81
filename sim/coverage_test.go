package sim_test

import (
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// TestCoverageOff: coverage is collected only when Options.Coverage asks
// for it (it costs work on every step), and asking for it changes nothing
// else in the report.
func TestCoverageOff(t *testing.T) {
	var reps [2]*sim.Report
	for i, on := range []bool{false, true} {
		rep, err := sim.Explore(condScenario(false), sim.Options{Runs: 200, Strategy: scheduler.NewRandom(3), Coverage: on})
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Coverage != nil; got != on {
			t.Errorf("Coverage %v: report coverage %+v", on, rep.Coverage)
		}
		if on && (len(rep.Coverage.Objects) == 0 || len(rep.Coverage.Probes) != 1) {
			t.Errorf("coverage on: %+v", rep.Coverage)
		}
		reps[i] = rep
	}
	if a, b := reps[0], reps[1]; a.Runs != b.Runs || a.Steps != b.Steps || len(a.Findings) != len(b.Findings) {
		t.Errorf("coverage changed the exploration: %d runs %d steps %d findings, then %d, %d, %d",
			a.Runs, a.Steps, len(a.Findings), b.Runs, b.Steps, len(b.Findings))
	}
	if m := sim.MergeCoverage([]*sim.Report{reps[0]}); len(m.Objects) != 0 {
		t.Errorf("merged coverage of a report without it: %+v", m)
	}
}
