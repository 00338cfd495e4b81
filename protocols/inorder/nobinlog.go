package inorder

import (
	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// runNoBinlog runs the workers committing without the binlog (the
// no-binlog variants): ha_commit_trans calls wait_for_prior_commit before
// the engines' commit, and commit_one_phase_2 wakes the subsequent commits
// after it. Each worker then destroys its wait_for_commit, as the waiter
// does when it returns; that is the life the seeded bugs cut short.
func runNoBinlog(x *sim.Execution, variant string, cfg groupcommit.Config) {
	thds := newTHDs(x, cfg.Threads)
	freeList := sim.NewObject(x, "rgi_free_list")
	engine := sim.NewObject(x, "engine0")
	lockCommitOrdered := sim.NewMutex(x, "LOCK_commit_ordered")
	x.Check(checkers.InOrder)
	var actors []*sim.Actor
	for i := 1; i <= cfg.Threads; i++ {
		thd := thds[i]
		actors = append(actors, x.Go(groupcommit.ThreadName(i), func() {
			t := checkers.Txn{Thread: thd.ID, Seq: 1}
			thd.Start(t)
			x.Record(checkers.Begin{Txn: t})
			err := waitForPriorCommit(thd.wfc)
			if err == nil {
				lockCommitOrdered.Lock()
				engine.Do(func() { x.Record(checkers.CommitOrdered{Txn: t, Engine: 0}) })
				lockCommitOrdered.Unlock()
			} else {
				x.Record(checkers.RolledBack{Txn: t, Why: err.Error()})
			}
			wakeupSubsequentCommits(variant, thd.wfc, err != nil)
			release(x, variant, freeList, thds, thd)
			x.Record(checkers.Returned{Txn: t, Err: err != nil})
		}))
	}
	for _, a := range actors {
		a.Join()
	}
}

// waitForPriorCommit is wait_for_commit::wait_for_prior_commit: a dirty
// read of waitee first (the fast path that ~wait_for_commit's lock/unlock
// exists for), then wait_for_prior_commit2 under LOCK_wait_commit. It
// returns ErrPriorCommitFailed if the waitee woke it with an error.
func waitForPriorCommit(w *waitForCommit) error {
	if w.waitee.Load() != nil {
		w.lockWaitCommit.Lock()
		for w.waitee.Load() != nil {
			w.condWaitCommit.Wait()
		}
		w.lockWaitCommit.Unlock()
	}
	if w.wakeupError.Read() {
		return ErrPriorCommitFailed
	}
	return nil
}
