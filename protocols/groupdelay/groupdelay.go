// Package groupdelay is MariaDB's group commit delay (reference notes
// §1.3 step 2 and §1.6): with binlog_commit_wait_count set, the leader of a
// binlog group waits, up to binlog_commit_wait_usec, for that many
// transactions to queue (wait_for_sufficient_commits: a timed wait on
// COND_prepare_ordered with LOCK_log released). A transaction blocked on a
// row lock that a queued transaction holds can never join the group, so
// the wait only delays both; the fix (commit 184f718f, cited in PR #30)
// has the blocked transaction report the wait (binlog_report_wait_for),
// which sets the holder's has_waiter and signals COND_prepare_ordered, and
// the leader stops waiting when a queued transaction has a waiter.
//
// The code follows MariaDB/server sql/log.cc @00467e13
// (trx_group_commit_leader, wait_for_sufficient_commits); the has_waiter
// check is the fix's. Every transaction updates the same row, whose lock
// it takes before prepare() and releases after its engine commit. The
// oracle is bounded commit latency (checkers.StalledDelay): no delay
// runs to its timeout while a transaction is blocked on a row lock that a
// queued transaction holds, which would add the whole delay to the
// latency of both.
package groupdelay

import (
	"fmt"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// Variant names.
const (
	HasWaiter   = "has-waiter"
	NoHasWaiter = "no-has-waiter"
	NoDelay     = "no-delay"
)

// Variants lists the variants with their expected verdicts.
var Variants = []sim.Variant{
	{Name: HasWaiter, Expected: sim.Clean,
		Doc: "binlog_commit_wait_count=threads, wait_usec=100ms; a transaction blocked on a queued transaction's row lock reports it (binlog_report_wait_for: has_waiter, signal COND_prepare_ordered) and the leader stops waiting (184f718f)"},
	{Name: NoHasWaiter, Expected: checkers.LatencyKind,
		Doc: "seeded historical bug (§1.6, before 184f718f): no binlog_report_wait_for, so the leader waits the whole binlog_commit_wait_usec for a transaction that is blocked on its own row lock, which then waits again as the next leader"},
	{Name: NoDelay, Expected: sim.Clean,
		Doc: "binlog_commit_wait_count=0: no group delay (the baseline)"},
}

// WaitUsec is binlog_commit_wait_usec in virtual time (the server's
// default, 100000 microseconds).
const WaitUsec = 100 * sim.Millisecond

// Adjust returns cfg as the variants run it: at least two threads, one
// engine, no readers, crashes or binlog errors (the oracle is latency).
// has_waiter is cleared when a transaction takes the row lock, before
// anybody can wait for it.
func Adjust(variant string, cfg groupcommit.Config) groupcommit.Config {
	cfg.Threads = max(cfg.Threads, 2)
	cfg.Engines, cfg.Readers, cfg.Crash, cfg.XidErrors = 1, 0, false, false
	return cfg
}

// THD is a client thread's descriptor: its queue link, its wakeup, and
// has_waiter.
type THD struct {
	groupcommit.THD
	next        *sim.Var[*THD]
	lockWakeup  *sim.Mutex
	condWakeup  *sim.Cond
	wakeupReady *sim.Var[bool]
	hasWaiter   *sim.Var[bool] // thd->has_waiter, under LOCK_prepare_ordered
}

// Server is the shared state.
type Server struct {
	*groupcommit.Server
	variant   string
	waitCount int
	groupcommit.ShippedLocks[*THD]
	condPrepareOrdered *sim.Cond      // COND_prepare_ordered
	lockSys            *sim.Mutex     // InnoDB's lock_sys mutex: the row lock's table
	rowLockOwner       *sim.Var[*THD] // who holds the row every transaction updates (under lockSys)
	rowLockWait        *sim.Cond      // row lock waiters (on lockSys)
	expired            *sim.Var[int]  // the latest timed wait whose deadline passed (under LOCK_prepare_ordered)
	waits              int            // timed waits so far (the leader's, under LOCK_log)
	thds               []*THD
	// waitingOnGroupCommit is the leader's wait on COND_prepare_ordered in
	// progress (0: none), written under LOCK_prepare_ordered.
	waitingOnGroupCommit *sim.Atomic[int]
}

// Scenario returns the scenario of a variant (after Adjust).
func Scenario(variant string, cfg groupcommit.Config) (sim.Scenario, error) {
	cfg = Adjust(variant, cfg)
	return groupcommit.NewScenario(Variants, variant, cfg, func(gs *groupcommit.Server) {
		x := gs.X
		s := &Server{
			Server:               gs,
			variant:              variant,
			ShippedLocks:         groupcommit.NewShippedLocks[*THD](x),
			lockSys:              sim.NewMutex(x, "lock_sys"),
			rowLockOwner:         sim.NewVar[*THD](x, "row_lock_owner", nil),
			expired:              sim.NewVar(x, "timedwait_expired", 0),
			waitingOnGroupCommit: sim.NewAtomic(x, "waiting_on_group_commit", 0),
		}
		if variant != NoDelay {
			s.waitCount = cfg.Threads
		}
		s.condPrepareOrdered = sim.NewCond(x, "COND_prepare_ordered", s.LockPrepareOrdered)
		s.rowLockWait = sim.NewCond(x, "row_lock_wait", s.lockSys)
		s.thds = groupcommit.NewTHDs(x, cfg.Threads,
			groupcommit.ThreadNames{Next: "next", Lock: "LOCK_wakeup_ready", Cond: "COND_wakeup_ready", Flag: "wakeup_ready"},
			func(o groupcommit.ThreadObjects[*THD, bool]) *THD {
				return &THD{THD: o.THD, next: o.Next, lockWakeup: o.Lock, condWakeup: o.Cond, wakeupReady: o.Flag,
					hasWaiter: sim.NewVarNamed(x, sim.Indexed("has_waiter", groupcommit.ThreadName(o.THD.ID)), false)}
			})
		x.Check(checkers.StalledDelay)
		s.Run(s.commit, nil)
	})
}

// commit runs a transaction from after prepare() to the return: the row
// update (its lock taken here, before the commit, as the statement would
// have), the binlog group commit, and the engine commit, which releases
// the row lock.
func (s *Server) commit(thread int, txn checkers.Txn) error {
	thd := s.thds[thread]
	thd.Start(txn)
	s.lockRow(thd)
	thd.wakeupReady.Write(false) // clear_wakeup_ready(), before the entry is visible
	s.LockPrepareOrdered.Lock()
	orig := s.GroupCommitQueue.Read()
	thd.next.Write(orig)
	s.GroupCommitQueue.Write(thd)
	s.PrepareOrdered(txn)
	s.X.Record(s.Enqueued(txn, orig == nil))
	if s.waitCount > 0 {
		s.condPrepareOrdered.Signal() // a waiting leader recounts
	}
	s.LockPrepareOrdered.Unlock()
	if orig == nil {
		s.trxGroupCommitLeader(thd)
	} else {
		groupcommit.WaitForWakeupReady(thd.lockWakeup, thd.wakeupReady, thd.condWakeup)
	}
	err := s.XidLogAfter(&thd.THD)
	s.lockSys.Lock() // the engine commit releases the row lock
	s.rowLockOwner.Write(nil)
	s.rowLockWait.Broadcast()
	s.lockSys.Unlock()
	return err
}

// lockRow takes the row lock; when another transaction holds it, it first
// reports the wait to the binlog (binlog_report_wait_for, from InnoDB's
// lock wait), unless the variant predates that report.
func (s *Server) lockRow(thd *THD) {
	s.lockSys.Lock()
	var reported checkers.Txn // the holder's transaction the wait was reported for
	for {
		holder := s.rowLockOwner.Read()
		if holder == nil {
			break
		}
		if s.variant == HasWaiter && holder.Txn != reported {
			s.binlogReportWaitFor(holder) // once per holder, as the lock wait reports it
			reported = holder.Txn
		}
		s.X.Record(checkers.RowLockWait{Waiter: thd.Txn, Holder: holder.Txn})
		s.rowLockWait.Wait()
	}
	s.rowLockOwner.Write(thd)
	thd.hasWaiter.Write(false) // nobody waits for this transaction yet: nobody could before now
	s.X.Record(checkers.RowLockGranted{Txn: thd.Txn})
	s.lockSys.Unlock()
}

// binlogReportWaitFor is binlog_report_wait_for(thd1, thd2): thd2 waits
// for thd1's row lock, so under LOCK_prepare_ordered thd1->has_waiter is
// set and a leader waiting for more commits is signalled.
func (s *Server) binlogReportWaitFor(holder *THD) {
	s.LockPrepareOrdered.Lock()
	holder.hasWaiter.Write(true)
	if s.waitingOnGroupCommit.Load() != 0 {
		s.condPrepareOrdered.Signal()
	}
	s.LockPrepareOrdered.Unlock()
}

// trxGroupCommitLeader is trx_group_commit_leader: LOCK_log, then
// LOCK_prepare_ordered and wait_for_sufficient_commits, grab and reverse,
// write with one fsync, commit_ordered and wake each member.
func (s *Server) trxGroupCommitLeader(leader *THD) {
	s.LockLog.Lock()
	s.LockPrepareOrdered.Lock()
	if s.waitCount > 0 {
		s.waitForSufficientCommits()
	}
	link := func(thd *THD) *sim.Var[*THD] { return thd.next }
	common := func(thd *THD) *groupcommit.THD { return &thd.THD }
	queue := groupcommit.GrabReverseQueue(s.GroupCommitQueue, s.LockPrepareOrdered, link)
	pos := groupcommit.WriteGroup(s.Server, queue, link, common)
	s.LockCommitOrdered.Lock()
	s.Binlog.SetLastCommitPos(pos)
	s.LockLog.Unlock()
	groupcommit.CommitGroup(s.Server, queue, leader, link, common, func(e *THD) {
		groupcommit.SignalWakeupReady(e.lockWakeup, e.wakeupReady, e.condWakeup)
	})
	s.LockCommitOrdered.Unlock()
}

// sufficient counts the queue (under LOCK_prepare_ordered) and reports
// whether the leader may stop waiting: binlog_commit_wait_count entries,
// or (with the fix) an entry that another transaction waits for.
func (s *Server) sufficient() bool {
	count := 0
	for e := s.GroupCommitQueue.Read(); e != nil; e = e.next.Read() {
		count++
		if count >= s.waitCount || s.variant == HasWaiter && e.hasWaiter.Read() {
			return true
		}
	}
	return false
}

// waitForSufficientCommits is wait_for_sufficient_commits, called with
// LOCK_log and LOCK_prepare_ordered held: unless enough transactions have
// queued, release LOCK_log and wait on COND_prepare_ordered until they
// have or binlog_commit_wait_usec has passed, then take LOCK_log back
// without waiting for it under LOCK_prepare_ordered. An actor that sleeps
// the delay in virtual time, then broadcasts, stands for
// pthread_cond_timedwait's deadline; Execution.Sleep ends only when no
// other actor can step, so the deadline never overtakes a thread that
// could still run, which is what the stall is about (a thread that cannot
// run at all).
func (s *Server) waitForSufficientCommits() {
	if s.sufficient() {
		return
	}
	s.LockLog.Unlock()
	s.waits++
	wait := s.waits
	s.X.Go(fmt.Sprintf("timedwait%d", wait), func() {
		s.X.Sleep(WaitUsec)
		if s.waitingOnGroupCommit.Load() != wait {
			return // that wait has ended: its deadline expires nothing
		}
		s.LockPrepareOrdered.Lock()
		if s.waitingOnGroupCommit.Load() == wait {
			s.expired.Write(wait)
			s.condPrepareOrdered.Broadcast()
		}
		s.LockPrepareOrdered.Unlock()
	})
	s.waitingOnGroupCommit.Store(wait)
	ok := false
	for s.expired.Read() != wait {
		s.condPrepareOrdered.Wait()
		if ok = s.sufficient(); ok {
			break
		}
	}
	if !ok {
		ok = s.sufficient() // the broadcast of the timeout may have come with enough
	}
	var queue []checkers.Txn
	for e := s.GroupCommitQueue.Read(); e != nil; e = e.next.Read() {
		queue = append(queue, e.Txn)
	}
	s.X.Record(checkers.GroupDelayEnd{Queue: queue, TimedOut: !ok})
	s.waitingOnGroupCommit.Store(0)
	if !s.LockLog.TryLock() {
		s.LockPrepareOrdered.Unlock()
		s.LockLog.Lock()
		s.LockPrepareOrdered.Lock()
	}
}
