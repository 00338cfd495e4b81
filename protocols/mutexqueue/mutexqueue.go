// Package mutexqueue is group commit with the commit queue protected by
// LOCK_prepare_ordered, Sergei Golubchik's "approach 1" of the MWL#116
// review, in the shapes the review and MariaDB gave it:
//
//   - final-review: Kristian Nielsen's algorithm as it stands at the end of
//     the review ("So now the algorithm is something like this", with
//     ht->commit_ordered(thd2) at the start of the wakeup loop, as he
//     corrected it): per-thread LOCK_wakeup / COND_wakeup / ready, each
//     thread woken right after its own commit_ordered;
//   - shipped: MariaDB's queue_for_group_commit / trx_group_commit_leader
//     (reference notes §1.2–1.3): LOCK_log, LOCK_after_binlog_sync and
//     LOCK_commit_ordered, each taken before the previous one is released;
//     `next` read before the wakeup; the flag set under the thread's mutex
//     and signalled after the unlock;
//   - no-group-commit: the baseline of the review's benchmark, one mutex
//     (InnoDB's prepare_commit_mutex) held from the end of prepare through
//     the binlog write and fsync to commit_ordered;
//
// and seeded bugs, each with the finding it must cause (see Variants).
//
// The pseudo-code's "for thd2 in <queue>" leaves open when the loop reads
// thd2->next. Read after the wakeup, it reads a link that the woken thread
// may already have rewritten for its next transaction: final-review reads
// it before the wakeup (as MariaDB does, §1.3 step 9), and the seeded bug
// next-after-wakeup reads it after.
package mutexqueue

import (
	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// Variant names.
const (
	FinalReview       = "final-review"
	Shipped           = "shipped"
	NoGroupCommit     = "no-group-commit"
	EarlyRelease      = "early-release"
	NextAfterWakeup   = "next-after-wakeup"
	XidErrorDropped   = "xid-error-dropped"
	SnapshotNoLock    = "snapshot-unlocked"
	ClearAfterEnqueue = "clear-after-enqueue"
)

// Variants lists the variants with their expected verdicts.
var Variants = []sim.Variant{
	{Name: FinalReview, Expected: sim.Clean,
		Doc: "the review's final algorithm: queue under LOCK_prepare_ordered, LOCK_commit_ordered taken before LOCK_group_commit is released, per-thread LOCK_wakeup/COND_wakeup"},
	{Name: Shipped, Expected: sim.Clean,
		Doc: "MariaDB's trx_group_commit_leader: LOCK_log -> LOCK_after_binlog_sync -> LOCK_commit_ordered, next read before the wakeup, signal after unlock"},
	{Name: NoGroupCommit, Expected: sim.Clean,
		Doc: "baseline: prepare_commit_mutex held from prepare through binlog write, fsync and commit_ordered (one fsync per transaction)"},
	{Name: EarlyRelease, Expected: checkers.Misorder,
		Doc: "seeded bug (§6.3): the leader releases LOCK_group_commit before taking LOCK_commit_ordered, so the next group can overtake"},
	{Name: NextAfterWakeup, Expected: sim.LostWakeup, Also: []sim.Kind{sim.Race, checkers.Durability},
		Doc: "seeded bug: the leader reads thd2->next after waking thd2, which may already have re-linked itself for its next transaction: the leader walks into the next queue, whose leader then finds it empty and a member is never woken"},
	{Name: XidErrorDropped, Expected: checkers.XidErrorKind,
		Doc: "seeded bug (§6.7): the leader does not pass thd->xid_error on, so a failed transaction is commit_ordered and reported committed (forces xid errors on)"},
	{Name: SnapshotNoLock, Expected: checkers.SnapshotKind,
		Doc: "shipped, but START TRANSACTION WITH CONSISTENT SNAPSHOT without LOCK_commit_ordered (§6.4; forces at least one reader and two engines)"},
	{Name: ClearAfterEnqueue, Expected: sim.LostWakeup, Also: []sim.Kind{sim.Race},
		Doc: "seeded bug (§6.1): final-review with thd->ready=false after unlock(LOCK_prepare_ordered), so the leader's wakeup can come before the reset"},
}

// THD is a client connection's thread descriptor: the parts group commit
// uses.
type THD struct {
	groupcommit.THD                // the thread, thd's transaction, thd->xid_error
	next            *sim.Var[*THD] // thd->next, the queue link
	lockWakeup      *sim.Mutex     // thd->LOCK_wakeup
	condWakeup      *sim.Cond      // thd->COND_wakeup
	ready           *sim.Var[bool] // thd->ready (wakeup_ready)
}

// Server is the global state of the mutex-queue protocols.
type Server struct {
	*groupcommit.Server
	variant            string
	lockPrepareOrdered *sim.Mutex     // LOCK_prepare_ordered
	lockGroupCommit    *sim.Mutex     // LOCK_group_commit (shipped: LOCK_log)
	lockAfterSync      *sim.Mutex     // LOCK_after_binlog_sync (shipped)
	lockCommitOrdered  *sim.Mutex     // LOCK_commit_ordered
	prepareCommitMutex *sim.Mutex     // InnoDB's prepare_commit_mutex (no-group-commit)
	groupCommitQueue   *sim.Var[*THD] // group_commit_queue, under LOCK_prepare_ordered
	thds               []*THD
	group              []*THD         // groupLogXid's scratch, kept with the server
	txns               []checkers.Txn // groupLogXid's scratch, kept with the server
}

// Adjust returns cfg with what variant needs to show its bug forced on:
// xid errors for xid-error-dropped; a reader and two engines for
// snapshot-unlocked; two transactions per thread for next-after-wakeup.
func Adjust(variant string, cfg groupcommit.Config) groupcommit.Config {
	switch variant {
	case XidErrorDropped:
		cfg.XidErrors = true
	case SnapshotNoLock:
		cfg.Readers = max(cfg.Readers, 1)
		cfg.Engines = 2
	case NextAfterWakeup:
		cfg.Txns = max(cfg.Txns, 2)
	}
	return cfg
}

// Scenario returns the scenario of a variant (after Adjust).
func Scenario(variant string, cfg groupcommit.Config) (sim.Scenario, error) {
	return groupcommit.NewScenario(Variants, variant, Adjust(variant, cfg), func(gs *groupcommit.Server) {
		s, commit := newServer(gs, variant)
		snapshotLock := s.lockCommitOrdered
		if variant == SnapshotNoLock {
			snapshotLock = nil
		}
		s.Run(commit, snapshotLock)
	})
}

// newServer makes the variant's server on gs, and returns it with its
// commit.
func newServer(gs *groupcommit.Server, variant string) (*Server, groupcommit.Committer) {
	x := gs.X
	// The server and its locks are kept from one execution to the next
	// (sim.Reuse), as groupcommit's thread descriptors are: every field is
	// set below, and the locks and the queue are made anew in place (sim's
	// Init*). Only the server holds them and it hands no handle out, so
	// the stale-handle check of NewMutex's fresh memory is not needed.
	m, _ := sim.Reuse[serverMem](x)
	s := &m.server
	*s = Server{
		Server:             gs,
		variant:            variant,
		lockPrepareOrdered: sim.InitMutex(x, &m.lockPrepareOrdered, sim.Indexed("LOCK_prepare_ordered", "")),
		lockCommitOrdered:  sim.InitMutex(x, &m.lockCommitOrdered, sim.Indexed("LOCK_commit_ordered", "")),
		groupCommitQueue:   sim.InitVar(x, &m.groupCommitQueue, sim.Indexed("group_commit_queue", ""), nil),
		group:              m.server.group[:0],
		txns:               m.server.txns[:0],
	}
	switch variant {
	case Shipped, SnapshotNoLock:
		s.lockGroupCommit = sim.InitMutex(x, &m.lockGroupCommit, sim.Indexed("LOCK_log", ""))
		s.lockAfterSync = sim.InitMutex(x, &m.lockAfterSync, sim.Indexed("LOCK_after_binlog_sync", ""))
	case NoGroupCommit:
		s.prepareCommitMutex = sim.InitMutex(x, &m.prepareCommitMutex, sim.Indexed("prepare_commit_mutex", ""))
	default:
		s.lockGroupCommit = sim.InitMutex(x, &m.lockGroupCommit, sim.Indexed("LOCK_group_commit", ""))
	}
	s.thds = groupcommit.THDsOf(x, gs.Config.Threads,
		groupcommit.ThreadNames{Next: "next", Lock: "LOCK_wakeup", Cond: "COND_wakeup", Flag: "ready"},
		func(o groupcommit.ThreadObjects[*THD, bool]) THD {
			return THD{THD: o.THD, next: o.Next, lockWakeup: o.Lock, condWakeup: o.Cond, ready: o.Flag}
		})
	if m.commit == nil {
		// s is the memory's, so the bound method serves every execution:
		// made once, it saves an allocation each time.
		m.commit = s.commit
	}
	return s, m.commit
}

// serverMem is the memory of a Server, kept from one execution to the next
// (sim.Reuse).
type serverMem struct {
	server                                             Server
	lockPrepareOrdered, lockGroupCommit, lockAfterSync sim.Mutex
	lockCommitOrdered, prepareCommitMutex              sim.Mutex
	groupCommitQueue                                   sim.Var[*THD]
	commit                                             groupcommit.Committer // server.commit
}

// commit runs the variant's algorithm from after ht->prepare() to the
// return.
func (s *Server) commit(thread int, txn checkers.Txn) error {
	switch s.variant {
	case Shipped, SnapshotNoLock:
		return s.commitShipped(thread, txn)
	case NoGroupCommit:
		return s.commitNoGroupCommit(thread, txn)
	}
	return s.commitFinalReview(thread, txn)
}

// enqueue puts thd at the head of the queue under LOCK_prepare_ordered,
// calls prepare_ordered, and reports whether thd is the group's leader
// (it found the queue empty).
func (s *Server) enqueue(thd *THD) (leader bool) {
	s.lockPrepareOrdered.Lock()
	oldQueue := s.groupCommitQueue.Read()
	thd.next.Write(oldQueue)
	s.groupCommitQueue.Write(thd)
	s.PrepareOrdered(thd.Txn) // ht->prepare_ordered()
	s.X.Record(s.Enqueued(thd.Txn, oldQueue == nil))
	s.lockPrepareOrdered.Unlock()
	return oldQueue == nil
}

// grabReverseQueue takes the whole queue under LOCK_prepare_ordered and
// reverses it into commit order (the queue is pushed at the head).
func (s *Server) grabReverseQueue() *THD {
	s.lockPrepareOrdered.Lock()
	return groupcommit.GrabReverseQueue(s.groupCommitQueue, s.lockPrepareOrdered, func(thd *THD) *sim.Var[*THD] { return thd.next })
}

// groupLogXid writes the queue to the binlog with one fsync and sets each
// thd->xid_error. It returns the binlog position after the group.
func (s *Server) groupLogXid(queue *THD) int {
	group, txns := s.group[:0], s.txns[:0]
	for thd := queue; thd != nil; thd = thd.next.Read() {
		group = append(group, thd)
		txns = append(txns, thd.Txn)
	}
	s.group, s.txns = group, txns // grown once, reused by later groups
	pos, xidError := s.Binlog.GroupLogXid(txns)
	for i, thd := range group {
		thd.XidError = xidError[i] && s.variant != XidErrorDropped
	}
	return pos
}

// wakeup sets thd2->ready under thd2->LOCK_wakeup and signals it.
func (s *Server) wakeup(thd2 *THD) {
	thd2.lockWakeup.Lock()
	thd2.ready.Write(true)
	thd2.condWakeup.Signal()
	thd2.lockWakeup.Unlock()
}

// waitForWakeup waits until the leader has set thd->ready.
func (s *Server) waitForWakeup(thd *THD) {
	thd.lockWakeup.Lock()
	for !thd.ready.Read() {
		thd.condWakeup.Wait()
	}
	thd.lockWakeup.Unlock()
}

// commitFinalReview is the review's final algorithm, from after
// ht->prepare() to the return:
//
//	thd->ready= false
//	lock(LOCK_prepare_ordered)
//	old_queue= group_commit_queue; thd->next= old_queue; group_commit_queue= thd
//	ht->prepare_ordered()
//	unlock(LOCK_prepare_ordered)
//	if (old_queue == NULL) // leader?
//	  lock(LOCK_group_commit)
//	  lock(LOCK_prepare_ordered)
//	  queue= reverse(group_commit_queue); group_commit_queue= NULL
//	  unlock(LOCK_prepare_ordered)
//	  group_log_xid(queue)
//	  lock(LOCK_commit_ordered)
//	  unlock(LOCK_group_commit)
//	  for thd2 in <queue>
//	    ht->commit_ordered(thd2)
//	    lock(thd2->LOCK_wakeup); thd2->ready= true; signal(thd2->COND_wakeup); unlock(thd2->LOCK_wakeup)
//	  unlock(LOCK_commit_ordered)
//	else
//	  lock(thd->LOCK_wakeup); while (!thd->ready) wait(COND_wakeup, LOCK_wakeup); unlock(thd->LOCK_wakeup)
//	cookie= xid_log_after()
func (s *Server) commitFinalReview(thread int, txn checkers.Txn) error {
	thd := s.thds[thread]
	thd.Start(txn)

	if s.variant != ClearAfterEnqueue {
		thd.ready.Write(false)
	}
	leader := s.enqueue(thd)
	if s.variant == ClearAfterEnqueue {
		thd.ready.Write(false) // seeded bug: the leader may have set it already
	}
	if leader {
		s.lockGroupCommit.Lock()
		queue := s.grabReverseQueue()
		pos := s.groupLogXid(queue)
		if s.variant == EarlyRelease {
			s.lockGroupCommit.Unlock() // seeded bug: the next group may overtake here
			s.lockCommitOrdered.Lock()
		} else {
			s.lockCommitOrdered.Lock()
			s.lockGroupCommit.Unlock()
		}
		s.Binlog.SetLastCommitPos(pos)
		for thd2 := queue; thd2 != nil; {
			next := thd2.next.Read()
			if !thd2.XidError {
				s.CommitOrdered(thd2.Txn) // ht->commit_ordered(thd2)
			}
			s.wakeup(thd2)
			if s.variant == NextAfterWakeup {
				next = thd2.next.Read() // seeded bug: thd2 may have re-linked itself
			}
			thd2 = next
		}
		s.lockCommitOrdered.Unlock()
	} else {
		s.waitForWakeup(thd)
	}
	return s.XidLogAfter(&thd.THD)
}

// commitShipped is MariaDB's queue_for_group_commit and
// trx_group_commit_leader (reference notes §1.2–1.3).
func (s *Server) commitShipped(thread int, txn checkers.Txn) error {
	thd := s.thds[thread]
	thd.Start(txn)

	thd.ready.Write(false) // thd->clear_wakeup_ready(), before the entry is visible
	if !s.enqueue(thd) {
		s.waitForWakeup(thd) // wait_for_wakeup_ready()
		return s.XidLogAfter(&thd.THD)
	}
	// trx_group_commit_leader
	s.lockGroupCommit.Lock() // LOCK_log
	queue := s.grabReverseQueue()
	pos := s.groupLogXid(queue) // write all, flush_and_sync(): one fsync
	s.lockAfterSync.Lock()      // LOCK_after_binlog_sync before LOCK_log is released
	s.lockGroupCommit.Unlock()
	s.lockCommitOrdered.Lock() // LOCK_commit_ordered before LOCK_after_binlog_sync is released
	s.Binlog.SetLastCommitPos(pos)
	s.lockAfterSync.Unlock()
	for entry := queue; entry != nil; {
		next := entry.next.Read() // read next first: the woken thread may reuse its entry
		if !entry.XidError {
			s.CommitOrdered(entry.Txn) // run_commit_ordered()
		}
		if entry != thd {
			s.signalWakeupReady(entry)
		}
		entry = next
	}
	s.lockCommitOrdered.Unlock()
	return s.XidLogAfter(&thd.THD)
}

// signalWakeupReady is THD::signal_wakeup_ready: the flag is set under the
// thread's mutex, and the signal comes after the unlock.
func (s *Server) signalWakeupReady(thd *THD) {
	thd.lockWakeup.Lock()
	thd.ready.Write(true)
	thd.lockWakeup.Unlock()
	thd.condWakeup.Signal()
}

// commitNoGroupCommit is the baseline: every transaction is its own group,
// and prepare_commit_mutex serialises everything from the end of prepare
// to commit_ordered, fsync included.
func (s *Server) commitNoGroupCommit(thread int, txn checkers.Txn) error {
	thd := s.thds[thread]
	thd.Start(txn)
	s.prepareCommitMutex.Lock()
	s.PrepareOrdered(txn)
	s.X.Record(s.Enqueued(txn, true))
	pos, xidError := s.Binlog.GroupLogXid([]checkers.Txn{txn}) // log_xid(): write and fsync
	thd.XidError = xidError[0]
	s.lockCommitOrdered.Lock()
	s.Binlog.SetLastCommitPos(pos)
	if !thd.XidError {
		s.CommitOrdered(txn)
	}
	s.lockCommitOrdered.Unlock()
	s.prepareCommitMutex.Unlock()
	return s.XidLogAfter(&thd.THD)
}
