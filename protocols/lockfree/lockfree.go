// Package lockfree is the draft algorithm of the MWL#116 review ("Efficient
// group commit for binary log", section 1.3): transactions enter the commit
// queue with a lock-free enqueue_atomic under LOCK_prepare_ordered; the
// thread that found the queue empty is the group-commit leader, grabs the
// whole queue with atomic_grab_reverse_queue, runs group_log_xid and the
// commit_ordered calls for everyone, and wakes each other thread through
// that thread's own LOCK_commit_ordered / COND_commit_ordered /
// group_commit_ready.
//
// Sergei Golubchik's objection in the review: "what will happen if the
// context switch will stop the non-leader thread between enqueue_atomic()
// and group_commit_ready=FALSE?" The leader, which grabs the queue without
// LOCK_prepare_ordered, can then set the flag and signal before the thread
// clears it; the thread clears the TRUE and waits forever. Variant
// clear-after-enqueue is the draft as written; clear-before-enqueue is the
// fix ("set group_commit_ready=FALSE before enqueue").
package lockfree

import (
	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// Variant names.
const (
	ClearAfterEnqueue  = "clear-after-enqueue"
	ClearBeforeEnqueue = "clear-before-enqueue"
	NoReverse          = "no-reverse"
)

// Variants lists the variants with their expected verdicts.
var Variants = []sim.Variant{
	{Name: ClearAfterEnqueue, Expected: sim.LostWakeup, Also: []sim.Kind{sim.Race},
		Doc: "the draft: group_commit_ready=FALSE after enqueue_atomic (Sergei's lost wakeup; the clear races with the leader's set)"},
	{Name: ClearBeforeEnqueue, Expected: sim.Clean,
		Doc: "the fix: group_commit_ready=FALSE before enqueue_atomic"},
	{Name: NoReverse, Expected: checkers.Misorder,
		Doc: "seeded bug: the leader does not reverse the grabbed queue, so the binlog and commit_ordered run in LIFO order"},
}

// THD is a client connection's thread descriptor: the parts of it the
// draft uses.
type THD struct {
	groupcommit.THD                  // the thread, thd's transaction, thd->xid_error
	nextCommitOrdered *sim.Var[*THD] // THD::next_commit_ordered, the queue link
	lockCommitOrdered *sim.Mutex     // thd->LOCK_commit_ordered
	condCommitOrdered *sim.Cond      // thd->COND_commit_ordered
	groupCommitReady  *sim.Var[bool] // thd->group_commit_ready
}

// Server is the draft's global state.
type Server struct {
	*groupcommit.Server
	variant            string
	lockPrepareOrdered *sim.Mutex        // LOCK_prepare_ordered
	lockGroupCommit    *sim.Mutex        // LOCK_group_commit
	lockCommitOrdered  *sim.Mutex        // LOCK_commit_ordered
	groupCommitQueue   *sim.Atomic[*THD] // the queue head
	thds               []*THD
	group              []checkers.Txn // groupLogXid's scratch, kept with the server
}

// Scenario returns the scenario of a variant.
func Scenario(variant string, cfg groupcommit.Config) (sim.Scenario, error) {
	return groupcommit.NewScenario(Variants, variant, cfg, func(gs *groupcommit.Server) {
		s, commit := newServer(gs, variant)
		s.RunThreads(commit)
	})
}

// newServer makes the variant's server on gs, and returns it with its
// commit.
func newServer(gs *groupcommit.Server, variant string) (*Server, groupcommit.Committer) {
	x := gs.X
	// The server and its locks are kept from one execution to the
	// next (sim.Reuse), as groupcommit's thread descriptors are: every
	// field is set below, and the locks are made anew in place (sim's
	// Init*). Only the server holds them and it hands no handle out,
	// so the stale-handle check of NewMutex's fresh memory is not
	// needed.
	m, _ := sim.Reuse[serverMem](x)
	s := &m.server
	*s = Server{
		Server:             gs,
		variant:            variant,
		lockPrepareOrdered: sim.InitMutex(x, &m.lockPrepareOrdered, sim.Indexed("LOCK_prepare_ordered", "")),
		lockGroupCommit:    sim.InitMutex(x, &m.lockGroupCommit, sim.Indexed("LOCK_group_commit", "")),
		lockCommitOrdered:  sim.InitMutex(x, &m.lockCommitOrdered, sim.Indexed("LOCK_commit_ordered", "")),
		groupCommitQueue:   sim.NewAtomic[*THD](x, "group_commit_queue", nil),
		group:              m.server.group[:0],
	}
	s.thds = groupcommit.THDsOf(x, gs.Config.Threads,
		groupcommit.ThreadNames{Next: "next_commit_ordered", Lock: "LOCK_commit_ordered", Cond: "COND_commit_ordered", Flag: "group_commit_ready"},
		func(o groupcommit.ThreadObjects[*THD, bool]) THD {
			return THD{THD: o.THD, nextCommitOrdered: o.Next, lockCommitOrdered: o.Lock, condCommitOrdered: o.Cond, groupCommitReady: o.Flag}
		})
	if m.commit == nil {
		// s is the memory's, so the bound method serves every
		// execution: made once, it saves an allocation each time.
		m.commit = s.commit
	}
	return s, m.commit
}

// serverMem is the memory of a Server, kept from one execution to the next
// (sim.Reuse).
type serverMem struct {
	server                                                 Server
	lockPrepareOrdered, lockGroupCommit, lockCommitOrdered sim.Mutex
	commit                                                 groupcommit.Committer // server.commit
}

// commit is the draft's algorithm from after ht->prepare() to the return.
func (s *Server) commit(thread int, txn checkers.Txn) error {
	thd := s.thds[thread]
	thd.Start(txn)

	// Call prepare_ordered() and enqueue in correct commit order.
	s.lockPrepareOrdered.Lock()
	s.PrepareOrdered(txn)
	if s.variant != ClearAfterEnqueue {
		thd.groupCommitReady.Write(false)
	}
	oldQueue := s.enqueueAtomic(thd)
	if s.variant == ClearAfterEnqueue {
		thd.groupCommitReady.Write(false)
	}
	isGroupCommitLeader := oldQueue == nil
	s.X.Record(s.Enqueued(txn, isGroupCommitLeader))
	s.lockPrepareOrdered.Unlock()

	if isGroupCommitLeader {
		// The first in queue handles group commit for everyone.
		s.lockGroupCommit.Lock()
		// (The draft's wait on group_commit_queue_busy belongs to the path
		// without group_log_xid(), which it omits too.)

		// Grab and reverse the queue to get correct order of transactions.
		queue := s.atomicGrabReverseQueue()

		// group_log_xid() sets each thd->xid_error.
		s.groupLogXid(queue)

		s.lockCommitOrdered.Lock()
		for other := queue; other != nil; other = other.nextCommitOrdered.Read() {
			if !other.XidError {
				s.CommitOrdered(other.Txn)
			}
		}
		s.lockCommitOrdered.Unlock()
		s.lockGroupCommit.Unlock()

		// Now we are done, so wake up all the others: the TAIL of the queue,
		// whose head is the leader. Read the link before the wakeup: a woken
		// thread may start its next transaction and re-link itself.
		for other := queue; other != nil; {
			next := other.nextCommitOrdered.Read()
			if other == thd { // the leader (not first when unreversed)
				other = next
				continue
			}
			other.lockCommitOrdered.Lock()
			other.groupCommitReady.Write(true)
			other.condCommitOrdered.Signal()
			other.lockCommitOrdered.Unlock()
			other = next
		}
	} else {
		// If not the leader, just wait until the leader did the work for us.
		thd.lockCommitOrdered.Lock()
		for !thd.groupCommitReady.Read() {
			thd.condCommitOrdered.Wait()
		}
		thd.lockCommitOrdered.Unlock()
	}

	// Finally do any error reporting now that we're back in own thread.
	return s.XidLogAfter(&thd.THD)
}

// enqueueAtomic inserts thd at the head of the queue with compare-and-set
// and returns the old queue.
func (s *Server) enqueueAtomic(thd *THD) *THD {
	for {
		old := s.groupCommitQueue.Load()
		thd.nextCommitOrdered.Write(old)
		if s.groupCommitQueue.CompareAndSwap(old, thd) {
			return old
		}
	}
}

// atomicGrabReverseQueue fetches and empties the whole queue, then reverses
// it in place, since enqueue pushes at the head.
func (s *Server) atomicGrabReverseQueue() *THD {
	queue := s.groupCommitQueue.Swap(nil)
	if s.variant == NoReverse {
		return queue
	}
	return groupcommit.Reverse(queue, func(thd *THD) *sim.Var[*THD] { return thd.nextCommitOrdered })
}

// groupLogXid writes the queue to the binlog with one fsync.
func (s *Server) groupLogXid(queue *THD) {
	group := s.group[:0]
	for thd := queue; thd != nil; thd = thd.nextCommitOrdered.Read() {
		group = append(group, thd.Txn)
	}
	s.group = group // grown once, reused by later groups
	s.Binlog.GroupLogXid(group)
}
