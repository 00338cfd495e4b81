package groupcommit

import (
	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/sim"
)

// NewScenario is the prologue of every protocol's Scenario: it checks that
// variant is one of variants and that cfg (already adjusted for the
// variant) is valid, and returns the scenario that runs run on a new
// Server for cfg.
func NewScenario(variants []sim.Variant, variant string, cfg Config, run func(*Server)) (sim.Scenario, error) {
	if _, err := sim.FindVariant(variants, variant); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ev := newEvents(cfg) // boxed once: every execution records the same events
	return func(x *sim.Execution) { run(newServer(x, cfg, ev)) }, nil
}

// THD is the part of a client connection's thread descriptor that every
// protocol's THD embeds: the thread, its current transaction and
// thd->xid_error. It names the THD in traces.
type THD struct {
	ID       int
	Txn      checkers.Txn
	XidError bool // thd->xid_error, set by the leader before the wakeup
}

// SimLabel names a THD in traces.
func (t *THD) SimLabel() string { return ThreadName(t.ID) }

// Start makes txn the thread's current transaction, with thd->xid_error
// cleared.
func (t *THD) Start(txn checkers.Txn) {
	t.Txn = txn
	t.XidError = false
}

// XidLogAfter is the end of ha_commit_trans in the thread's own context:
// "if (thd->xid_error) xid_delayed_error(thd) else ht->commit(thd)". It
// returns ErrXid, or runs every engine's commit() (and unlog()).
func (s *Server) XidLogAfter(thd *THD) error {
	if thd.XidError {
		return ErrXid
	}
	s.Commit(thd.Txn)
	return nil
}

// ThreadNames are what a protocol's pseudo-code calls a thread's own
// objects: its queue link, its mutex, the condition on that mutex, and
// the wakeup flag the mutex guards. In traces thread i's objects are
// named after it, as "LOCK_wakeup[t1]".
type ThreadNames struct {
	Next, Lock, Cond, Flag string
}

// ThreadObjects are one thread's common THD part and its own objects; L is
// the protocol's THD pointer type, F the flag's type.
type ThreadObjects[L, F any] struct {
	THD  THD         // ID set
	Next *sim.Var[L] // the queue link, nil at first
	Lock *sim.Mutex  // the thread's mutex
	Cond *sim.Cond   // bound to Lock
	Flag *sim.Var[F] // the wakeup flag, the zero value at first
}

// threadObjectsMem is the memory of one thread's objects, kept from one
// execution to the next.
type threadObjectsMem[L, F any] struct {
	lock sim.Mutex
	next sim.Var[L]
	cond sim.Cond
	flag sim.Var[F]
}

// NewTHDs makes the thread descriptors of threads 1 to threads, indexed by
// thread number (index 0 is unused): newTHD builds thread i's from its
// objects, created in the order Lock, Next, Cond, Flag and named after the
// thread.
func NewTHDs[L, F any](x *sim.Execution, threads int, names ThreadNames, newTHD func(ThreadObjects[L, F]) L) []L {
	// The slice is kept from one execution to the next (sim.Reuse):
	// every element is set below.
	mem, _ := sim.Reuse[[]L](x)
	if cap(*mem) < threads+1 {
		*mem = make([]L, threads+1)
	}
	thds := (*mem)[:threads+1]
	// The threads' objects too: they are re-initialised in place (sim's
	// Init*), which saves an allocation per object and execution. The
	// protocols get them from the THDs every execution and keep no
	// handle, so the stale-handle check NewMutex's fresh memory gives is
	// not needed here.
	objs, _ := sim.Reuse[[]threadObjectsMem[L, F]](x)
	if len(*objs) < threads+1 {
		*objs = make([]threadObjectsMem[L, F], threads+1)
	}
	for i := 1; i <= threads; i++ {
		name := ThreadName(i)
		m := &(*objs)[i]
		o := ThreadObjects[L, F]{THD: THD{ID: i}}
		o.Lock = sim.InitMutex(x, &m.lock, sim.Indexed(names.Lock, name))
		o.Next = sim.InitVar(x, &m.next, sim.Indexed(names.Next, name), *new(L))
		o.Cond = sim.InitCond(x, &m.cond, sim.Indexed(names.Cond, name), o.Lock)
		o.Flag = sim.InitVar(x, &m.flag, sim.Indexed(names.Flag, name), *new(F))
		thds[i] = newTHD(o)
		// The threads run the same code on their own objects: a state
		// matching search may treat states that differ by a permutation
		// of the threads as one (RunThreads adds the actors).
		x.SymmetricMember(i, o.Lock, o.Next, o.Cond, o.Flag)
	}
	sim.SymmetricIDField[THD](x, "ID")
	sim.SymmetricIDField[checkers.Txn](x, "Thread")
	return thds
}

// THDsOf is NewTHDs for a protocol whose THD is a struct T: newTHD
// returns thread i's THD as a value, and the THDs live in memory kept
// from one execution to the next (sim.Reuse) instead of being allocated
// every execution. Each is set whole from newTHD's value, so nothing of
// an earlier execution's is left.
func THDsOf[T, F any](x *sim.Execution, threads int, names ThreadNames, newTHD func(ThreadObjects[*T, F]) T) []*T {
	mem, _ := sim.Reuse[[]T](x)
	if len(*mem) < threads+1 {
		*mem = make([]T, threads+1)
	}
	vals := *mem
	return NewTHDs(x, threads, names, func(o ThreadObjects[*T, F]) *T {
		thd := &vals[o.THD.ID]
		*thd = newTHD(o)
		return thd
	})
}

// Reverse reverses in place a queue pushed at its head, linked through
// link, into commit order, and returns the new head. Each element costs a
// read and a write of its link.
func Reverse[L comparable](queue L, link func(L) *sim.Var[L]) L {
	var reversed, end L
	for queue != end {
		next := link(queue).Read()
		link(queue).Write(reversed)
		reversed, queue = queue, next
	}
	return reversed
}

// WriteGroup is the leader's binlog write of a group in commit order: it
// walks queue through link, writes every member's transaction with one
// fsync (Binlog.GroupLogXid), sets each member's thd->xid_error (thd gives
// a member's THD), and returns the binlog position after the group.
func WriteGroup[L comparable](s *Server, queue L, link func(L) *sim.Var[L], thd func(L) *THD) int {
	var group []L
	var txns []checkers.Txn
	var end L
	for e := queue; e != end; e = link(e).Read() {
		group, txns = append(group, e), append(txns, thd(e).Txn)
	}
	pos, xidError := s.Binlog.GroupLogXid(txns)
	for i, e := range group {
		thd(e).XidError = xidError[i]
	}
	return pos
}

// CommitGroup is the leader's loop under LOCK_commit_ordered
// (binlog_optimize_thread_scheduling=ON): for each member of queue, in
// order, commit_ordered unless its write failed, then read its link before
// waking it — the woken thread may reuse its entry at once — and wake it
// with wake, unless it is the leader.
func CommitGroup[L comparable](s *Server, queue, leader L, link func(L) *sim.Var[L], thd func(L) *THD, wake func(L)) {
	var end L
	for e := queue; e != end; {
		if !thd(e).XidError {
			s.CommitOrdered(thd(e).Txn)
		}
		next := link(e).Read()
		if e != leader {
			wake(e)
		}
		e = next
	}
}

// SignalWakeupReady is THD::signal_wakeup_ready on a thread's own mutex,
// flag and condition: the flag set under the mutex, the signal after the
// unlock.
func SignalWakeupReady(lock *sim.Mutex, ready *sim.Var[bool], cond *sim.Cond) {
	lock.Lock()
	ready.Write(true)
	lock.Unlock()
	cond.Signal()
}

// WaitForWakeupReady is THD::wait_for_wakeup_ready: under the thread's
// mutex, wait on its condition until its flag is set.
func WaitForWakeupReady(lock *sim.Mutex, ready *sim.Var[bool], cond *sim.Cond) {
	lock.Lock()
	for !ready.Read() {
		cond.Wait()
	}
	lock.Unlock()
}

// ShippedLocks are the locks of MariaDB's binlog group commit and the
// queue they guard, named as in the source; L is the protocol's entry
// pointer type.
type ShippedLocks[L any] struct {
	LockLog            *sim.Mutex  // LOCK_log
	LockPrepareOrdered *sim.Mutex  // LOCK_prepare_ordered
	LockCommitOrdered  *sim.Mutex  // LOCK_commit_ordered
	GroupCommitQueue   *sim.Var[L] // group_commit_queue, under LOCK_prepare_ordered
}

// GrabReverseQueue is the leader's grab in trx_group_commit_leader,
// called with lockPrepareOrdered (LOCK_prepare_ordered) held: take the
// whole queue and leave it empty, unlock, and reverse the queue (pushed at
// its head) into commit order, leader first.
func GrabReverseQueue[L comparable](queue *sim.Var[L], lockPrepareOrdered *sim.Mutex, link func(L) *sim.Var[L]) L {
	current := queue.Read()
	queue.Write(*new(L))
	lockPrepareOrdered.Unlock()
	return Reverse(current, link)
}

// NewShippedLocks creates the locks and the empty queue, in memory kept
// from one execution to the next (see NewTHDs).
func NewShippedLocks[L any](x *sim.Execution) ShippedLocks[L] {
	m, _ := sim.Reuse[shippedLocksMem[L]](x)
	return ShippedLocks[L]{
		LockLog:            sim.InitMutex(x, &m.lockLog, sim.Indexed("LOCK_log", "")),
		LockPrepareOrdered: sim.InitMutex(x, &m.lockPrepareOrdered, sim.Indexed("LOCK_prepare_ordered", "")),
		LockCommitOrdered:  sim.InitMutex(x, &m.lockCommitOrdered, sim.Indexed("LOCK_commit_ordered", "")),
		GroupCommitQueue:   sim.InitVar(x, &m.groupCommitQueue, sim.Indexed("group_commit_queue", ""), *new(L)),
	}
}

// shippedLocksMem is the memory of ShippedLocks' objects.
type shippedLocksMem[L any] struct {
	lockLog, lockPrepareOrdered, lockCommitOrdered sim.Mutex
	groupCommitQueue                               sim.Var[L]
}
