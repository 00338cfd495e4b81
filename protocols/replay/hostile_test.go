package replay

import (
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// TestHostilePaced measures seed scenario 16 as worded, a guest writing in
// the toolstack's read set every 50 ms (ConflictRefill), against two
// toolstacks. One keeps each of its 20 transactions open 10 ms: about one
// attempt in five sees a write and fails its replay, and the retry
// commits, with or without conflict credit. So the scenario as worded
// needs no credit against transactions shorter than the period, which is
// why the hostile workload's guest writes back to back. The other keeps
// each transaction open 60 ms: every attempt sees a write, and the credit
// cannot help, since a paused guest regains one point, one write, per
// 50 ms refill: the toolstack livelocks with credit too. oxenstored
// protects such a transaction even less (History.trim keeps no records for
// transactions older than conflict-max-history-seconds, so nobody is
// blamed). A result about XSA-206's reach, not a bug of the model.
// Budget: 20 PCT executions per case.
func TestHostilePaced(t *testing.T) {
	for _, tc := range []struct {
		name string
		txns int
		hold sim.Duration
		v    Variant
		want sim.Kind
	}{
		{"10 ms transactions, credit", 20, 10 * sim.Millisecond, Replay, sim.Clean},
		{"10 ms transactions, no credit", 20, 10 * sim.Millisecond, NoConflictCredit, sim.Clean},
		{"60 ms transactions, credit", 3, 60 * sim.Millisecond, Replay, sim.Livelock},
		{"60 ms transactions, no credit", 3, 60 * sim.Millisecond, NoConflictCredit, sim.Livelock},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := func() Workload { return HostilePaced(tc.txns, 5, ConflictRefill, tc.hold) }
			cfg := Config{RetryBound: HostileRetryBound, Cost: ReferenceCost()}
			s := func(x *sim.Execution) { ScenarioFor(tc.v, w(), cfg)(x) }
			var m Metrics
			rep, err := sim.Explore(s, sim.Options{Runs: 20, Seed: 1, Strategy: scheduler.NewPCT(1, 3, 400),
				OnExecution: func(_ int, h *sim.History, _ *sim.Finding) { m, _ = MetricsOf(h) }})
			if err != nil {
				t.Fatal(err)
			}
			expectEveryRun(t, tc.v, rep, tc.want)
			t.Logf("%v in %d runs; last: %s blamed=%d gave_up=%d", rep.Counts, rep.Runs, m, m.Blamed, m.GaveUp)
		})
	}
}

// expectEveryRun fails t unless every execution of rep ended with want:
// no finding for sim.Clean, else a finding of that kind and no other.
func expectEveryRun(t *testing.T, v Variant, rep *sim.Report, want sim.Kind) {
	t.Helper()
	kinds := rep.Kinds()
	switch {
	case want == sim.Clean && len(kinds) > 0:
		t.Errorf("%s: %v: %s", v, kinds, rep.Findings[0].Message)
	case want != sim.Clean && (len(kinds) != 1 || kinds[0] != want || rep.Counts[want] != rep.Runs):
		t.Errorf("%s: kinds %v (%v in %d runs), want %s in every run", v, kinds, rep.Counts, rep.Runs, want)
	}
}
