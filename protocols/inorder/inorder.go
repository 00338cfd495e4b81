// Package inorder is MariaDB's in-order commit for parallel replication
// (reference notes §1.2 step 1 and §1.6): worker threads apply the
// transactions of a replication stream in parallel, and each transaction
// commits only after the one before it. A transaction's wait_for_commit
// registers it with its waitee (the prior transaction); the waiter waits
// in queue_for_group_commit with its entry in wfc->opaque_pointer, and the
// waitee, when it enqueues itself, pulls its ready waiters into the same
// binlog group (queued_by_other) and wakes the others. The code follows
// MariaDB/server sql/log.cc @00467e13 (queue_for_group_commit,
// trx_group_commit_leader) and sql/sql_class.cc @0020b98b
// (wait_for_commit::wakeup, wakeup_subsequent_commits2,
// wait_for_prior_commit2, ~wait_for_commit).
//
// The variants (see Variants) cover three of the shipped code's later
// fixes: in-order commit itself, a kill during the prior-commit wait (the
// guard that ignores the kill once the waitee is waking or has queued the
// waiter), and the end of a wait_for_commit's life (lock/unlock before
// destroy, signal under the mutex), modelled with sim's Execution.Free.
// Others cover what the binlog does after a group's fsync (reference
// notes §1.3 steps 5, 6 and 10, §1.5): a failed fsync's error reaching the
// group, a failed rotate's error delayed to the leader's unlog(), and the
// binlog's files with their Binlog_checkpoint events, across a crash and
// MariaDB's recovery from the last checkpoint's file (rotate.go).
//
// Modelling choices: worker i applies transaction Ti, the i-th of the
// stream (checkers.Txn{Thread: i, Seq: 1}); every Ti (i > 1) is registered
// with T(i-1)'s wait_for_commit before the workers start, as the parallel
// replication scheduler registers a group while its prior group is known
// to exist. A kill (THD::awake) sets thd->killed and
// broadcasts the condition the thread waits on, taking its mutex with
// trylock, as awake_no_mutex does. MariaDB does that under the thread's
// mysys_var->mutex, under which ENTER_COND and EXIT_COND publish and clear
// the condition; here the condition is an atomic, and the killer keeps the
// victim's wait_for_commit alive until it is done, as that mutex does. A
// wait_for_commit is freed once nobody can reach it any more (release).
package inorder

import (
	"errors"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// Variant names.
const (
	Shipped                   = "shipped"
	ShippedNoDestroyLk        = "shipped-destroy-without-lock"
	KillGuarded               = "kill-guarded"
	KillEntryKept             = "kill-entry-kept"
	KillUnguarded             = "kill-unguarded"
	NoPriorWait               = "no-prior-wait"
	WaitWithoutRecheck        = "wait-without-recheck"
	BinlogErrors              = "binlog-errors"
	RotateErrorDelayed        = "rotate-error-delayed"
	RotateErrorRollback       = "rotate-error-rollback"
	RotateErrorDropped        = "rotate-error-dropped"
	FsyncErrors               = "fsync-errors"
	FsyncErrorsWakeAtEnd      = "fsync-errors-wake-at-end"
	CheckpointNotifyUnflushed = "checkpoint-notify-unflushed"
	RotateRecoveryUnlog       = "rotate-recovery-unlog"
	XidsNotMarked             = "xids-not-marked"
	RotateErrorMisrouted      = "rotate-error-misrouted"
	FsyncErrorLeaderOnly      = "fsync-error-leader-only"
	AckBeforeFsync            = "ack-before-fsync"
	RotateRecovery            = "rotate-recovery"
	CheckpointAtRotate        = "checkpoint-at-rotate"
	NoBinlog                  = "no-binlog"
	DestroyWithoutLock        = "destroy-without-lock"
	SignalAfterUnlock         = "signal-after-unlock"
)

// Variants lists the variants with their expected verdicts.
var Variants = []sim.Variant{
	{Name: Shipped, Expected: sim.Clean, Also: dirtyReads,
		Doc: "queue_for_group_commit with the in-order wait, queued_by_other and the waitee enqueuing its ready waiters; trx_group_commit_leader waking them with wfc->wakeup(); ~wait_for_commit with lock/unlock before destroy"},
	{Name: ShippedNoDestroyLk, Expected: sim.Clean, Also: dirtyReads,
		Doc: "shipped without the lock/unlock in ~wait_for_commit: on the binlog path every wakeup of a waiter runs under a lock the waiter must take before it can destroy (LOCK_prepare_ordered, or its own LOCK_wait_commit), so the destroy race needs the no-binlog path"},
	{Name: KillGuarded, Expected: sim.Assertion, Also: dirtyReads,
		Doc: "FINDING in the shipped code as read: one waiting transaction (the strategy chooses which) is killed; the kill is ignored once the waitee's wakeup is running or it has queued the waiter (queued_by_other), but the killed waiter clears wfc->opaque_pointer after its wait while the waitee, which has just queued it, re-reads that pointer without the waiter's lock: DBUG_ASSERT(entry != NULL), a NULL dereference in a release build"},
	{Name: KillEntryKept, Expected: sim.Clean, Also: dirtyReads,
		Doc: "kill-guarded with the waitee keeping the entry it read under the lock instead of re-reading opaque_pointer (a fix of the finding above, not MariaDB's code)"},
	{Name: KillUnguarded, Expected: checkers.RollbackBinlogged, Also: []sim.Kind{sim.UseAfterFree, sim.Race},
		Doc: "seeded historical bug (§1.6), on kill-entry-kept: the killed waiter always unregisters and rolls back, although its waitee may have queued it: the leader then binlogs a rolled-back transaction (and wakes its destroyed wait_for_commit)"},
	{Name: NoPriorWait, Expected: checkers.OutOfOrder, Also: []sim.Kind{sim.UseAfterFree, sim.Race},
		Doc: "seeded bug: queue_for_group_commit without the in-order wait (out-of-order parallel replication), so a transaction may commit before its prior one (and return and free its wait_for_commit before its waitee wakes it)"},
	{Name: WaitWithoutRecheck, Expected: sim.LostWakeup, Also: dirtyReads,
		Doc: "seeded bug: the waiter waits once without re-checking wfc->waitee under LOCK_wait_commit (the race the source's comment names: the waitee's wakeup comes between the check and the wait)"},
	{Name: BinlogErrors, Expected: checkers.OutOfOrder, Also: dirtyReads,
		Doc: "FINDING, the source's own ToDo: shipped with group_log_xid failures (a write or the group's fsync): a waiter woken when its waitee enqueued (not yet ready, so not queued_by_other) commits in a later group although the waitee's group failed; and when only the waitee's write fails, the waiter it queued is written and committed in the same group (\"broken in other ways, as well\")"},
	{Name: RotateErrorDelayed, Expected: sim.Clean, Also: dirtyReads,
		Doc: "shipped, and the binlog rotate after a group's fsync may fail (§1.3 steps 6 and 10): the error is delayed to the leader's unlog(), after its commit"},
	{Name: RotateErrorRollback, Expected: checkers.RollbackBinlogged, Also: dirtyReads,
		Doc: "seeded bug: the rotate error returned at once, as the source's comment rules out: the leader rolls back a transaction that is already binlogged"},
	{Name: RotateErrorDropped, Expected: checkers.DelayedErrorKind, Also: dirtyReads,
		Doc: "seeded bug: the failed rotate's error is dropped: the leader returns success, and no client learns that the binlog could not rotate"},
	{Name: RotateErrorMisrouted, Expected: checkers.DelayedErrorKind, Also: dirtyReads,
		Doc: "seeded bug: the failed rotate's error goes to the group's last member instead of the leader, the THD the error was raised in"},
	{Name: FsyncErrors, Expected: checkers.OutOfOrder, Also: dirtyReads,
		Doc: "FINDING, the source's own ToDo: binlog-errors with only the group's fsync failing (flush_and_sync): every entry gets the error, but a waiter its waitee woke early, not yet ready, commits in a later group"},
	{Name: FsyncErrorsWakeAtEnd, Expected: sim.Clean, Also: dirtyReads,
		Doc: "fsync-errors with the waitee keeping its not-yet-ready waiters registered instead of waking them when it enqueues, so that they learn its group's result from wakeup_subsequent_commits after its commit (the fix the source's ToDo sketches, not MariaDB's code)"},
	{Name: FsyncErrorLeaderOnly, Expected: checkers.XidErrorKind, Also: []sim.Kind{checkers.OutOfOrder, sim.Race},
		Doc: "seeded bug: binlog-errors with a failed fsync's error set only in the leader's THD, not in every entry of the group: the others commit and return success for transactions that are not durable"},
	{Name: AckBeforeFsync, Expected: checkers.Durability, Also: []sim.Kind{checkers.OutOfOrder, checkers.XidErrorKind, sim.Race},
		Doc: "seeded bug: binlog-errors with the leader running commit_ordered and waking the group before the result of its fsync: a member may return success before, or without, a durable binlog group"},
	{Name: RotateRecovery, Expected: sim.Clean, Also: dirtyReads,
		Doc: "shipped, with binlog files: the leader may rotate after a group (mark_xids_active, rotate, checkpoint_and_purge with the engines' commit checkpoints), a Binlog_checkpoint names the oldest file with pending xids; the server crashes at a storage step the strategy chooses and recovers from the last checkpoint's file"},
	{Name: CheckpointAtRotate, Expected: checkers.RecoveryKind, Also: dirtyReads,
		Doc: "seeded bug: rotate-recovery with the new file's Binlog_checkpoint naming the new file at once, without waiting for the older files' xids to be durably committed in the engines: recovery skips the older file and rolls back its binlogged, prepared transactions"},
	{Name: CheckpointNotifyUnflushed, Expected: checkers.RecoveryKind, Also: dirtyReads,
		Doc: "seeded bug: rotate-recovery with an engine that notifies its commit checkpoint without flushing its log: the older file's checkpoint is written while its transactions' commits, which commit() does not fsync, can still be lost, and recovery skips them"},
	{Name: RotateRecoveryUnlog, Expected: sim.Clean, Also: dirtyReads,
		Doc: "rotate-recovery with engines that have no commit_checkpoint_request (need_unlog): each transaction's xid counts in its file from the group's mark_xids_active until its unlog() after its (durable) commit(), and the older file's checkpoint waits for the count to reach zero"},
	{Name: XidsNotMarked, Expected: checkers.RecoveryKind, Also: dirtyReads,
		Doc: "seeded bug: rotate-recovery-unlog without the group's mark_xids_active: the older file's count reaches zero when the rotate's own xid is dropped, before its transactions have committed, and recovery skips them"},
	{Name: NoBinlog, Expected: sim.Clean,
		Doc: "commit without the binlog: wait_for_prior_commit (dirty read of waitee first), commit, wakeup_subsequent_commits, ~wait_for_commit with lock/unlock before destroy; wakeup() signals under the mutex"},
	{Name: DestroyWithoutLock, Expected: sim.UseAfterFree,
		Doc: "seeded historical bug (§1.6): no-binlog without the lock/unlock in ~wait_for_commit: the waiter sees waitee==NULL, returns and destroys its wait_for_commit while the waitee is still inside wakeup()"},
	{Name: SignalAfterUnlock, Expected: sim.UseAfterFree,
		Doc: "seeded bug: no-binlog with wakeup() signalling after the unlock: the waiter's lock/unlock before destroy no longer covers the signal"},
}

// dirtyReads are the findings the binlog-path variants show by design:
// the source reads waiter->opaque_pointer under the waitee's lock, not
// the waiter's, and checks subsequent_commits_list without a lock ("this
// avoids having to take another lock for every commit"); both are plain
// fields, so the race detector reports a data race (waitee and
// thd->killed, which the source reads without a lock on purpose, are
// atomics here, as waitee is std::atomic in MariaDB).
var dirtyReads = []sim.Kind{sim.Race}

// Errors a transaction's commit returns.
var (
	// ErrKilled is the killed waiter's error (ER_QUERY_INTERRUPTED).
	ErrKilled = errors.New("killed while waiting for prior commit")
	// ErrPriorCommitFailed is ER_PRIOR_COMMIT_FAILED: the transaction's
	// waitee failed, so it must not commit.
	ErrPriorCommitFailed = errors.New("prior commit failed")
	// ErrRotate is the binlog rotate's error (ER_ERROR_ON_WRITE).
	ErrRotate = errors.New("binlog rotate failed")
)

// Adjust returns cfg as the variants run it: one transaction per worker
// and at least two workers (so that some transaction waits), no readers,
// binlog errors only in the variants about them (binlog-errors and its
// seeded fsync bugs), and a crash with recovery only in the rotate-recovery
// variants, whose rotates and checkpoints are storage steps too.
func Adjust(variant string, cfg groupcommit.Config) groupcommit.Config {
	cfg.Txns, cfg.Readers = 1, 0
	cfg.XidErrors, cfg.FsyncErrorsOnly = false, false
	switch variant {
	case BinlogErrors, FsyncErrorLeaderOnly, AckBeforeFsync:
		cfg.XidErrors = true
	case FsyncErrors, FsyncErrorsWakeAtEnd:
		cfg.XidErrors, cfg.FsyncErrorsOnly = true, true
	}
	cfg.Crash = hasBinlogFiles(variant)
	cfg.ExtraSteps, cfg.RunAfterCrash = 0, cfg.Crash
	if cfg.Crash {
		cfg.ExtraSteps = crashSteps(cfg.Engines)
	}
	cfg.Threads = max(cfg.Threads, 2)
	return cfg
}

// waitForCommit is struct wait_for_commit: a transaction's side of the
// in-order wait, as waiter (waitee, opaque_pointer, COND_wait_commit) and
// as waitee (subsequent_commits_list, wakeup_subsequent_commits_running).
type waitForCommit struct {
	lockWaitCommit                 *sim.Mutex                  // LOCK_wait_commit
	condWaitCommit                 *sim.Cond                   // COND_wait_commit
	waitee                         *sim.Atomic[*waitForCommit] // waitee: std::atomic, read without the lock on the fast paths
	opaquePointer                  *sim.Var[*THD]              // opaque_pointer: the waiter's entry, ready to commit
	subsequentCommitsList          *sim.Var[*waitForCommit]    // subsequent_commits_list
	nextSubsequentCommit           *sim.Var[*waitForCommit]    // next_subsequent_commit
	wakeupSubsequentCommitsRunning *sim.Var[bool]              // wakeup_subsequent_commits_running
	wakeupError                    *sim.Var[bool]              // wakeup_error
	fields                         []sim.Freeable              // what ~wait_for_commit frees
	refs                           int                         // workers that may still reach it (under the free list)
}

// THD is a worker's thread descriptor with its group_commit_entry (on the
// thread's stack in MariaDB: entry->next, entry->queued_by_other) and its
// wait_for_commit.
type THD struct {
	groupcommit.THD
	next          *sim.Var[*THD]         // entry->next, the group commit queue link
	lockWakeup    *sim.Mutex             // LOCK_wakeup_ready
	condWakeup    *sim.Cond              // COND_wakeup_ready
	wakeupReady   *sim.Var[bool]         // wakeup_ready
	queuedByOther *sim.Var[bool]         // entry->queued_by_other
	killed        *sim.Atomic[bool]      // thd->killed, read without a lock by design
	currentCond   *sim.Atomic[*sim.Cond] // mysys_var->current_cond
	wfc           *waitForCommit         // thd->wait_for_commit_ptr
	rotateFailed  bool                   // the binlog rotate after its group failed (it led the group)
	binlogID      int                    // cache_mngr->binlog_id: the binlog file its group went to
}

// Server is the replica's shared state.
type Server struct {
	*groupcommit.Server
	variant string
	groupcommit.ShippedLocks[*THD]
	freeList *sim.Object  // frees the wait_for_commit objects (release)
	files    *binlogFiles // the binlog's files and checkpoints (rotate-recovery variants)
	thds     []*THD
}

// Scenario returns the scenario of a variant (after Adjust).
func Scenario(variant string, cfg groupcommit.Config) (sim.Scenario, error) {
	cfg = Adjust(variant, cfg)
	if variant == NoBinlog || variant == DestroyWithoutLock || variant == SignalAfterUnlock {
		if err := cfg.Validate(); err != nil {
			return nil, err
		}
		return func(x *sim.Execution) { runNoBinlog(x, variant, cfg) }, nil
	}
	return groupcommit.NewScenario(Variants, variant, cfg, func(gs *groupcommit.Server) {
		x := gs.X
		s := &Server{
			Server:       gs,
			variant:      variant,
			ShippedLocks: groupcommit.NewShippedLocks[*THD](x),
			freeList:     sim.NewObject(x, "rgi_free_list"),
			thds:         newTHDs(x, cfg.Threads),
		}
		x.Check(checkers.InOrder)
		x.Check(checkers.DelayedErrors)
		x.Check(checkers.CommittedBeforeAck)
		if cfg.Crash {
			s.files = newBinlogFiles(x, cfg.Engines, variant == RotateRecoveryUnlog || variant == XidsNotMarked)
			s.Recovery = s.recoverBinlog
		}
		if variant == KillGuarded || variant == KillEntryKept || variant == KillUnguarded {
			victim := s.thds[2+x.Choose("kill", cfg.Threads-1)]
			victim.wfc.refs++ // the killer's reference
			s.X.Go("killer", func() { s.kill(victim) })
		}
		s.Run(s.commit, nil)
	})
}

// newTHDs makes the workers' descriptors and wait_for_commit objects,
// each Ti registered with T(i-1) (register_wait_for_prior_commit).
func newTHDs(x *sim.Execution, threads int) []*THD {
	// The registrations are the objects' initial values, not steps: they
	// precede the workers. Ti's waitee is T(i-1)'s wait_for_commit, whose
	// list holds Ti's.
	wfcs := make([]waitForCommit, threads+2)
	at := func(i int) *waitForCommit {
		if i < 2 || i > threads {
			return nil
		}
		return &wfcs[i]
	}
	thds := groupcommit.NewTHDs(x, threads,
		groupcommit.ThreadNames{Next: "next", Lock: "LOCK_wakeup_ready", Cond: "COND_wakeup_ready", Flag: "wakeup_ready"},
		func(o groupcommit.ThreadObjects[*THD, bool]) *THD {
			name := groupcommit.ThreadName(o.THD.ID)
			thd := &THD{THD: o.THD, next: o.Next, lockWakeup: o.Lock, condWakeup: o.Cond, wakeupReady: o.Flag,
				queuedByOther: sim.NewVarNamed(x, sim.Indexed("queued_by_other", name), false),
				killed:        sim.NewAtomicNamed(x, sim.Indexed("killed", name), false),
				currentCond:   sim.NewAtomicNamed[*sim.Cond](x, sim.Indexed("current_cond", name), nil),
			}
			i := o.THD.ID
			w := &wfcs[i]
			w.lockWaitCommit = sim.NewMutexNamed(x, sim.Indexed("LOCK_wait_commit", name))
			w.condWaitCommit = sim.NewCondNamed(x, sim.Indexed("COND_wait_commit", name), w.lockWaitCommit)
			var waitee *waitForCommit
			if i > 1 {
				waitee = &wfcs[i-1]
			}
			w.waitee = sim.NewAtomicNamed(x, sim.Indexed("waitee", name), waitee)
			w.opaquePointer = sim.NewVarNamed[*THD](x, sim.Indexed("opaque_pointer", name), nil)
			w.subsequentCommitsList = sim.NewVarNamed(x, sim.Indexed("subsequent_commits_list", name), at(i+1))
			w.nextSubsequentCommit = sim.NewVarNamed[*waitForCommit](x, sim.Indexed("next_subsequent_commit", name), nil)
			w.wakeupSubsequentCommitsRunning = sim.NewVarNamed(x, sim.Indexed("wakeup_subsequent_commits_running", name), false)
			w.wakeupError = sim.NewVarNamed(x, sim.Indexed("wakeup_error", name), false)
			w.fields = []sim.Freeable{w.lockWaitCommit, w.condWaitCommit, w.waitee, w.opaquePointer,
				w.subsequentCommitsList, w.nextSubsequentCommit, w.wakeupSubsequentCommitsRunning, w.wakeupError}
			w.refs = 1
			if i < threads {
				w.refs = 2 // and its waiter's
			}
			thd.wfc = w
			return thd
		})
	return thds
}
