package mutexqueue

import (
	"fmt"
	"testing"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// TestServerMemoryReset makes servers whose memory each worker keeps from
// one execution to the next (sim.Reuse), leaves each execution's server
// dirty (its locks held, the queue and the scratch slices filled, the
// variant changed), and checks that every execution starts from a fresh
// server all the same: each lock of the variant free and named as the
// seed names it, the queue empty, no scratch left. A second server in one
// execution is separate memory.
func TestServerMemoryReset(t *testing.T) {
	cfg := groupcommit.Config{Threads: 3, Txns: 1, Engines: 1}
	for _, variant := range []string{FinalReview, Shipped, NoGroupCommit} {
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%d workers", variant, workers), func(t *testing.T) {
				scenario := func(x *sim.Execution) {
					gs := groupcommit.NewServer(x, cfg)
					s, commit := newServer(gs, variant)
					if msg := notFresh(s, gs, variant); msg != "" {
						x.Failf("stale", "the server is not fresh: %s", msg)
					}
					if s2, _ := newServer(groupcommit.NewServer(x, cfg), variant); s2 == s || s2.lockCommitOrdered == s.lockCommitOrdered {
						x.Failf("stale", "a second server in one execution shares the first's memory")
					}
					if commit == nil {
						x.Failf("stale", "no commit")
					}
					// Leave it all dirty for the next execution (notFresh
					// took the locks).
					s.groupCommitQueue.Write(s.thds[1])
					s.group = append(s.group, s.thds[1])
					s.txns = append(s.txns, checkers.Txn{Thread: 1, Seq: 1})
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
}

// notFresh says what of s, made on gs for variant, is not as a new
// server's, or "". It takes every lock of the variant.
func notFresh(s *Server, gs *groupcommit.Server, variant string) string {
	type lock struct {
		name string
		m    *sim.Mutex
	}
	locks := []lock{{"LOCK_prepare_ordered", s.lockPrepareOrdered}, {"LOCK_commit_ordered", s.lockCommitOrdered}}
	switch variant {
	case Shipped:
		locks = append(locks, lock{"LOCK_log", s.lockGroupCommit}, lock{"LOCK_after_binlog_sync", s.lockAfterSync})
	case NoGroupCommit:
		locks = append(locks, lock{"prepare_commit_mutex", s.prepareCommitMutex})
	default:
		locks = append(locks, lock{"LOCK_group_commit", s.lockGroupCommit})
	}
	for _, l := range locks {
		if l.m.Name() != l.name || !l.m.TryLock() {
			return fmt.Sprintf("%s: named %q, or held", l.name, l.m.Name())
		}
	}
	switch {
	case s.Server != gs || s.variant != variant:
		return fmt.Sprintf("server of another execution, or variant %q", s.variant)
	case s.groupCommitQueue.Read() != nil:
		return "group_commit_queue not empty"
	case len(s.group) != 0 || len(s.txns) != 0:
		return fmt.Sprintf("groupLogXid's scratch left: %d THDs, %d txns", len(s.group), len(s.txns))
	case len(s.thds) != gs.Config.Threads+1:
		return fmt.Sprintf("%d THDs", len(s.thds))
	}
	return ""
}
