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
	return func(x *sim.Execution) { run(NewServer(x, cfg)) }, nil
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

// NewTHDs makes the thread descriptors of threads 1 to threads, indexed by
// thread number (index 0 is unused): newTHD builds thread i's from its
// objects, created in the order Lock, Next, Cond, Flag and named after the
// thread.
func NewTHDs[L, F any](x *sim.Execution, threads int, names ThreadNames, newTHD func(ThreadObjects[L, F]) L) []L {
	thds := make([]L, threads+1)
	for i := 1; i <= threads; i++ {
		name := ThreadName(i)
		o := ThreadObjects[L, F]{THD: THD{ID: i}}
		o.Lock = sim.NewMutexNamed(x, sim.Indexed(names.Lock, name))
		o.Next = sim.NewVarNamed[L](x, sim.Indexed(names.Next, name), *new(L))
		o.Cond = sim.NewCondNamed(x, sim.Indexed(names.Cond, name), o.Lock)
		o.Flag = sim.NewVarNamed[F](x, sim.Indexed(names.Flag, name), *new(F))
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
