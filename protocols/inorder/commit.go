package inorder

import (
	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// commit is a worker's ha_commit_trans from after prepare() to the
// return: write_transaction_to_binlog_events (queue_for_group_commit,
// then lead the group or wait to be woken), commit() in the engines,
// and finish_event_group (wakeup_subsequent_commits, ~wait_for_commit).
func (s *Server) commit(thread int, txn checkers.Txn) error {
	thd := s.thds[thread]
	thd.Start(txn)
	isLeader, err := s.queueForGroupCommit(thd)
	if err != nil {
		return s.rollback(thd, err)
	}
	switch {
	case isLeader:
		s.trxGroupCommitLeader(thd)
	case !thd.queuedByOther.Read():
		groupcommit.WaitForWakeupReady(thd.lockWakeup, thd.wakeupReady, thd.condWakeup)
	}
	if thd.rotateFailed && s.variant == RotateErrorRollback {
		return s.rollback(thd, ErrRotate) // seeded bug: the transaction is binlogged
	}
	xidErr := s.XidLogAfter(&thd.THD)
	err = xidErr
	if xidErr == nil && s.files != nil && s.files.needUnlog {
		s.unlog(thd)
	}
	if thd.rotateFailed && xidErr == nil {
		// unlog() returns the delayed error: the commit stands, the
		// client gets the error.
		s.X.Record(checkers.DelayedError{Txn: thd.Txn, Why: ErrRotate.Error()})
		err = ErrRotate
	}
	// finish_event_group: the waiters learn of the group's error, not of
	// the delayed one (the commit stands).
	s.wakeupSubsequentCommits(thd.wfc, xidErr != nil)
	s.release(thd)
	return err
}

// rollback rolls back a transaction that failed before the binlog: its
// waiters get the error (wakeup_subsequent_commits), and its
// wait_for_commit is destroyed.
func (s *Server) rollback(thd *THD, err error) error {
	s.X.Record(checkers.RolledBack{Txn: thd.Txn, Why: err.Error()})
	s.wakeupSubsequentCommits(thd.wfc, true)
	s.release(thd)
	return err
}

// queueForGroupCommit is queue_for_group_commit: the in-order wait for the
// prior commit, then the enqueue of this entry and, breadth first, of the
// waiters that are ready (queued_by_other), waking those that are not.
// It reports whether the thread leads the group, or the error that ends
// the transaction (killed, or its prior commit failed).
func (s *Server) queueForGroupCommit(thd *THD) (bool, error) {
	wfc := thd.wfc
	thd.queuedByOther.Write(false)
	if s.variant != NoPriorWait && wfc.waitee.Load() != nil { // quick check without the lock
		wfc.lockWaitCommit.Lock()
		if s.variant == WaitWithoutRecheck || wfc.waitee.Load() != nil { // the safe check, under the lock (seeded bug: none)
			wfc.opaquePointer.Write(thd) // ready to commit, waiting for the prior one
			s.enterCond(thd, wfc.condWaitCommit)
			var locWaitee *waitForCommit
			for first := true; ; first = false {
				if s.variant == WaitWithoutRecheck && first {
					wfc.condWaitCommit.Wait() // seeded bug: waits before re-checking
				}
				if locWaitee = wfc.waitee.Load(); locWaitee == nil || thd.killed.Load() {
					break
				}
				wfc.condWaitCommit.Wait()
			}
			wfc.opaquePointer.Write(nil)
			if locWaitee != nil { // the wait ended with a kill
				locWaitee.lockWaitCommit.Lock()
				if s.variant != KillUnguarded &&
					(locWaitee.wakeupSubsequentCommitsRunning.Read() || thd.queuedByOther.Read()) {
					// The waitee is already waking us up: ignore the kill.
					locWaitee.lockWaitCommit.Unlock()
					for {
						wfc.condWaitCommit.Wait()
						if wfc.waitee.Load() == nil {
							break
						}
					}
				} else {
					wfc.removeFromList(locWaitee)
					locWaitee.lockWaitCommit.Unlock()
					wfc.waitee.Store(nil)
					s.exitCond(thd, wfc.lockWaitCommit)
					wfc.wakeupError.Write(true)
					return false, ErrKilled
				}
			}
			s.exitCond(thd, wfc.lockWaitCommit)
		} else {
			wfc.lockWaitCommit.Unlock()
		}
	}
	if wfc.wakeupError.Read() {
		return false, ErrPriorCommitFailed
	}
	if thd.queuedByOther.Read() {
		return false, nil // the waitee queued us, and may have committed us already
	}

	thd.wakeupReady.Write(false) // clear_wakeup_ready(), before the entry is visible
	s.LockPrepareOrdered.Lock()
	origQueue := s.GroupCommitQueue.Read()
	cur, last, entry := wfc, wfc, thd
	var pulled []*THD // kill-entry-kept: the entries seen under the lock, in BFS order
	for {
		entry.next.Write(s.GroupCommitQueue.Read())
		s.GroupCommitQueue.Write(entry)
		s.PrepareOrdered(entry.Txn)
		s.X.Record(s.Enqueued(entry.Txn, origQueue == nil && entry == thd))
		if cur.subsequentCommitsList.Read() != nil {
			cur.lockWaitCommit.Lock()
			waiter := cur.subsequentCommitsList.Read()
			cur.subsequentCommitsList.Write(nil)
			var wakeupList []*waitForCommit
			for waiter != nil {
				next := waiter.nextSubsequentCommit.Read()
				if entry2 := waiter.opaquePointer.Read(); entry2 != nil {
					// Ready to commit: queue it in this group ourselves.
					entry2.queuedByOther.Write(true)
					last.nextSubsequentCommit.Write(waiter)
					last = waiter
					pulled = append(pulled, entry2)
				} else {
					wakeupList = append(wakeupList, waiter)
				}
				waiter = next
			}
			switch {
			case len(wakeupList) > 0 && s.variant == FsyncErrorsWakeAtEnd:
				// Not ready: keep them registered, to be woken with
				// this transaction's result once it has committed
				// (wakeup_subsequent_commits after the commit).
				for i, w := range wakeupList {
					var next *waitForCommit
					if i+1 < len(wakeupList) {
						next = wakeupList[i+1]
					}
					w.nextSubsequentCommit.Write(next)
				}
				cur.subsequentCommitsList.Write(wakeupList[0])
				cur.lockWaitCommit.Unlock()
			case len(wakeupList) > 0:
				// Wake the others after the unlock, flagged as running so
				// that they do not unregister meanwhile.
				cur.wakeupSubsequentCommitsRunning.Write(true)
				cur.lockWaitCommit.Unlock()
				for _, w := range wakeupList {
					s.wakeup(w, false)
				}
				cur.wakeupSubsequentCommitsRunning.Write(false)
			default:
				cur.lockWaitCommit.Unlock()
			}
		}
		if cur == last {
			break
		}
		cur = cur.nextSubsequentCommit.Read()
		if s.variant == KillEntryKept || s.variant == KillUnguarded {
			entry, pulled = pulled[0], pulled[1:]
			continue
		}
		entry = cur.opaquePointer.Read() // unlocked: a killed waiter may have cleared it
		if entry == nil {
			s.X.Failf(sim.Assertion, "DBUG_ASSERT(entry != NULL) in queue_for_group_commit: a queued waiter's opaque_pointer is NULL")
		}
	}
	s.LockPrepareOrdered.Unlock()
	return origQueue == nil, nil
}

// removeFromList is wait_for_commit::remove_from_list on the waitee's
// subsequent_commits_list (the caller holds both locks).
func (w *waitForCommit) removeFromList(waitee *waitForCommit) {
	prev := waitee.subsequentCommitsList
	for {
		cur := prev.Read()
		if cur == nil {
			break
		}
		if cur == w {
			prev.Write(w.nextSubsequentCommit.Read())
			break
		}
		prev = cur.nextSubsequentCommit
	}
	w.waitee.Store(nil)
}

// trxGroupCommitLeader is trx_group_commit_leader with
// binlog_optimize_thread_scheduling=ON: grab and reverse the queue under
// LOCK_log, write it with one fsync, mark its xids active and rotate the
// binlog if due (rotateAfterGroup), then under LOCK_commit_ordered run
// each commit_ordered and wake each member: wfc->wakeup() if it was queued
// by its waitee, else signal_wakeup_ready(); after the unlock,
// checkpoint_and_purge if the binlog rotated.
func (s *Server) trxGroupCommitLeader(leader *THD) {
	s.LockLog.Lock()
	s.LockPrepareOrdered.Lock()
	queue := groupcommit.GrabReverseQueue(s.GroupCommitQueue, s.LockPrepareOrdered, link)

	if s.variant == AckBeforeFsync {
		// seeded bug: the group is committed and released before the
		// result of its fsync
		s.LockCommitOrdered.Lock()
		s.commitGroup(queue, leader)
		s.LockCommitOrdered.Unlock()
	}
	pos := groupcommit.WriteGroup(s.Server, queue, link, (*THD).common)
	if s.variant == FsyncErrorLeaderOnly && groupFailed(queue) {
		// seeded bug: flush_and_sync's error set only in the leader's
		// THD, where my_error() raised it
		for e := queue.next.Read(); e != nil; e = e.next.Read() {
			e.XidError = false
		}
	}
	rotatedFrom := s.rotateAfterGroup(leader, queue)

	if s.variant == AckBeforeFsync {
		s.LockLog.Unlock()
		return
	}
	s.LockCommitOrdered.Lock()
	s.Binlog.SetLastCommitPos(pos)
	s.LockLog.Unlock() // only once LOCK_commit_ordered is held
	s.commitGroup(queue, leader)
	s.LockCommitOrdered.Unlock()
	if rotatedFrom > 0 {
		s.checkpointAndPurge(rotatedFrom)
	}
}

// commitGroup is steps 8 and 9 of trx_group_commit_leader under
// LOCK_commit_ordered: each member's commit_ordered, then its wakeup,
// wfc->wakeup() if its waitee queued it, else signal_wakeup_ready().
func (s *Server) commitGroup(queue, leader *THD) {
	groupcommit.CommitGroup(s.Server, queue, leader, link, (*THD).common, func(e *THD) {
		if e.queuedByOther.Read() {
			s.wakeup(e.wfc, e.XidError)
		} else {
			groupcommit.SignalWakeupReady(e.lockWakeup, e.wakeupReady, e.condWakeup)
		}
	})
}

// groupFailed reports whether every entry of the group failed: its fsync
// failed (or its only write).
func groupFailed(queue *THD) bool {
	for e := queue; e != nil; e = e.next.Read() {
		if !e.XidError {
			return false
		}
	}
	return true
}

// wakeup is wait_for_commit::wakeup(w, err) under the variant.
func (s *Server) wakeup(w *waitForCommit, err bool) { wakeup(s.variant, w, err) }

// wakeupSubsequentCommits is wakeup_subsequent_commits under the variant.
func (s *Server) wakeupSubsequentCommits(w *waitForCommit, err bool) {
	wakeupSubsequentCommits(s.variant, w, err)
}

// wakeup is wait_for_commit::wakeup: under the waiter's mutex, set
// wakeup_error, clear waitee and signal — the signal under the mutex,
// "as soon as we release the mutex, the waiter might deallocate the
// condition object" (after the unlock in signal-after-unlock).
func wakeup(variant string, w *waitForCommit, err bool) {
	w.lockWaitCommit.Lock()
	w.wakeupError.Write(err)
	w.waitee.Store(nil)
	if variant != SignalAfterUnlock {
		w.condWaitCommit.Signal()
	}
	w.lockWaitCommit.Unlock()
	if variant == SignalAfterUnlock {
		w.condWaitCommit.Signal() // seeded bug: the waiter may have destroyed it
	}
}

// wakeupSubsequentCommits is wakeup_subsequent_commits: a quick check of
// the list without the lock, then wakeup_subsequent_commits2, which takes
// the list under the lock, flags the wakeup as running, and wakes each
// waiter (reading its link before the wakeup) after the unlock.
func wakeupSubsequentCommits(variant string, w *waitForCommit, err bool) {
	if w.subsequentCommitsList.Read() == nil {
		return
	}
	w.lockWaitCommit.Lock()
	w.wakeupSubsequentCommitsRunning.Write(true)
	waiter := w.subsequentCommitsList.Read()
	w.subsequentCommitsList.Write(nil)
	w.lockWaitCommit.Unlock()
	for waiter != nil {
		next := waiter.nextSubsequentCommit.Read()
		wakeup(variant, waiter, err)
		waiter = next
	}
	w.wakeupSubsequentCommitsRunning.Write(false)
}

// release is the end of a worker's references when it returns: to its own
// wait_for_commit and to its waitee's. MariaDB frees a wait_for_commit with
// its rpl_group_info, not when its worker returns; the model frees it as
// soon as no worker can reach it any more: once its owner and its waiter
// (which may still lock it as its waitee after a kill) have both returned.
// The waitee reaches it only inside wakeup(), which is what destroy's
// lock/unlock is for.
func (s *Server) release(thd *THD) { release(s.X, s.variant, s.freeList, s.thds, thd) }

func release(x *sim.Execution, variant string, freeList *sim.Object, thds []*THD, thd *THD) {
	releaseWFC(x, variant, freeList, thd.wfc)
	if prior := thds[thd.ID-1]; prior != nil {
		releaseWFC(x, variant, freeList, prior.wfc)
	}
}

// releaseWFC drops one reference to w, and destroys it with the last.
func releaseWFC(x *sim.Execution, variant string, freeList *sim.Object, w *waitForCommit) {
	var last bool
	freeList.Do(func() { w.refs--; last = w.refs == 0 })
	if last {
		destroy(x, variant, w)
	}
}

// destroy is ~wait_for_commit: a lock/unlock of LOCK_wait_commit, so that
// a waitee still inside wakeup() has left it, then the end of the object
// (without the lock/unlock in the variants that test it).
func destroy(x *sim.Execution, variant string, w *waitForCommit) {
	if variant != DestroyWithoutLock && variant != ShippedNoDestroyLk {
		w.lockWaitCommit.Lock()
		w.lockWaitCommit.Unlock()
	}
	for _, f := range w.fields {
		x.Free(f)
	}
}

// enterCond is THD::ENTER_COND: publish the condition the thread waits
// on, for a kill. MariaDB publishes it under mysys_var->mutex, which the
// killer holds while it signals, so the condition outlives the signal;
// here an atomic stands for that mutex, and the killer holds a reference
// to the victim's wait_for_commit (release) until it is done.
func (s *Server) enterCond(thd *THD, c *sim.Cond) { thd.currentCond.Store(c) }

// exitCond is THD::EXIT_COND: release the wait's mutex, then clear the
// published condition.
func (s *Server) exitCond(thd *THD, m *sim.Mutex) {
	m.Unlock()
	thd.currentCond.Store(nil)
}

// kill is KILL of the thread (THD::awake): set thd->killed and broadcast
// the condition the thread waits on, taking that condition's mutex with
// trylock as awake_no_mutex does. It tries once where awake_no_mutex
// retries for a while: a broadcast whose trylock failed may come before
// the wait and be lost, which only delays the kill (the waiter checks
// thd->killed before every wait), so one try already gives the kill both
// of its outcomes. Then it drops its reference to the victim's
// wait_for_commit.
func (s *Server) kill(thd *THD) {
	thd.killed.Store(true)
	if c := thd.currentCond.Load(); c != nil {
		ok := c.L.TryLock()
		c.Broadcast()
		if ok {
			c.L.Unlock()
		}
	}
	releaseWFC(s.X, s.variant, s.freeList, thd.wfc)
}

// link is a THD's group commit queue link, entry->next.
func link(thd *THD) *sim.Var[*THD] { return thd.next }

// common is the THD's part that every group-commit protocol shares.
func (thd *THD) common() *groupcommit.THD { return &thd.THD }
