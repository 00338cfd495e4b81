package lockfree

import (
	"fmt"
	"testing"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// TestServerMemoryReset checks that the server kept from one execution to
// the next (sim.Reuse) starts every execution fresh though the last one
// left it dirty: its locks free and named as the draft names them, the
// queue empty, no scratch left, the variant its own; and that a second
// server in one execution is separate memory.
func TestServerMemoryReset(t *testing.T) {
	cfg := groupcommit.Config{Threads: 3, Txns: 1, Engines: 1}
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			scenario := func(x *sim.Execution) {
				gs := groupcommit.NewServer(x, cfg)
				s, commit := newServer(gs, ClearBeforeEnqueue)
				for _, l := range []struct {
					name string
					m    *sim.Mutex
				}{{"LOCK_prepare_ordered", s.lockPrepareOrdered}, {"LOCK_group_commit", s.lockGroupCommit}, {"LOCK_commit_ordered", s.lockCommitOrdered}} {
					if l.m.Name() != l.name || !l.m.TryLock() { // and left held
						x.Failf("stale", "%s: named %q, or held", l.name, l.m.Name())
					}
				}
				switch s2, _ := newServer(groupcommit.NewServer(x, cfg), ClearBeforeEnqueue); {
				case s.Server != gs || s.variant != ClearBeforeEnqueue || commit == nil:
					x.Failf("stale", "server of another execution, or variant %q", s.variant)
				case s.groupCommitQueue.Load() != nil || len(s.group) != 0:
					x.Failf("stale", "queue or groupLogXid's scratch (%d txns) left", len(s.group))
				case len(s.thds) != cfg.Threads+1:
					x.Failf("stale", "%d THDs", len(s.thds))
				case s2 == s || s2.lockCommitOrdered == s.lockCommitOrdered:
					x.Failf("stale", "a second server in one execution shares the first's memory")
				}
				s.groupCommitQueue.Store(s.thds[1])
				s.group = append(s.group, checkers.Txn{Thread: 1, Seq: 1})
				s.variant = "dirty"
			}
			rep, err := sim.Explore(scenario, sim.Options{Runs: 20, Seed: 1, Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Findings {
				t.Errorf("finding %s: %s", f.Kind, f.Message)
			}
		})
	}
}
