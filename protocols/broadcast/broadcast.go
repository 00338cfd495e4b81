// Package broadcast is Sergei Golubchik's proposal in the MWL#116 review:
// one condition per queue instead of one per thread. "Every thread,
// including the leader, must lock the leader->LOCK_commit_ordered before
// unlocking LOCK_prepare_ordered", members wait on the leader's
// COND_commit_ordered for leader->group_commit_done, and the leader runs
// the group commit and wakes everybody with a single broadcast:
//
//	lock(LOCK_prepare_ordered)
//	ht->prepare_ordered()
//	old_queue= queue_head
//	enqueue(thd)
//	leader= queue_head
//	lock(leader->LOCK_commit_ordered)
//	unlock(LOCK_prepare_ordered)
//	if (leader != thd)
//	  while (!leader->group_commit_done)
//	    cond_wait(leader->LOCK_commit_ordered, leader->COND_commit_ordered)
//	else
//	  leader->group_commit_done= false;
//	  .... the rest of your group commit code
//	  broadcast(leader->COND_commit_ordered);
//	unlock(leader->LOCK_commit_ordered);
//
// # How a member finds its group's leader
//
// "leader= queue_head" right after enqueue(thd), still under
// LOCK_prepare_ordered. The queue here is FIFO (enqueue appends at the
// tail), so its head is the thread that found the queue empty: the
// group's leader. It stays the head until the leader grabs the queue, and
// the grab needs LOCK_prepare_ordered, which the member holds while it
// reads the head and locks the leader's mutex; so the head it reads is
// its own group's leader. (With the draft's LIFO list, pushed at the head,
// queue_head would be the thread itself.)
//
// # Variants
//
// literal is the proposal as written, with "the rest of your group commit
// code" taken from the draft (LOCK_group_commit, group_log_xid,
// LOCK_commit_ordered around the commit_ordered calls) and the queue grab
// of the review's approach 1 (lock(queue_lock); commit_queue= queue;
// queue=NULL; unlock(queue_lock), where the queue lock is
// LOCK_prepare_ordered since enqueue runs under it). The leader holds its
// own LOCK_commit_ordered across the whole group commit, and needs
// LOCK_prepare_ordered to grab the queue; a member holds
// LOCK_prepare_ordered while it locks the leader's mutex: a lock-order
// inversion, so the literal reading deadlocks.
//
// repaired takes the leader's mutex only briefly: the leader opens its
// group under it at enqueue time and publishes the end of the group under
// it after the group commit. The flag becomes a group number
// (group_commit_done holds the number of the last finished group), so
// that the leader's next group cannot reset a flag that a slow member of
// the previous group has not yet read.
//
// reset-flag is repaired with the boolean flag kept: the leader resets it
// for its next group, so a member of the previous group that was woken
// but had not yet re-taken the mutex sees false and sleeps on until the
// leader's next group ends. That is a wakeup for the wrong group, not a
// lost one: the reset happens under LOCK_prepare_ordered, so no member
// can see the previous group's flag, and every group ends with a
// broadcast. The checkers find nothing; the cost is latency.
//
// naive-global is what a reviewer might write first: one global
// LOCK_group_done / COND_group_done / group_commit_done for every group,
// reset by each new leader. A member of the next group that looks before
// its leader has reset the flag returns before its transaction is in the
// binlog.
package broadcast

import (
	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// Variant names.
const (
	Literal     = "literal"
	Repaired    = "repaired"
	ResetFlag   = "reset-flag"
	NaiveGlobal = "naive-global"
)

// Variants lists the variants with their expected verdicts.
var Variants = []sim.Variant{
	{Name: Literal, Expected: sim.Deadlock,
		Doc: "Sergei's proposal as written, queue grab as approach 1: the leader holds leader->LOCK_commit_ordered across the group commit and needs LOCK_prepare_ordered for the grab; members lock it while holding LOCK_prepare_ordered"},
	{Name: Repaired, Expected: sim.Clean,
		Doc: "the leader's mutex taken only to open and to close the group; group_commit_done is a group number, so a new group cannot reset it under a slow waiter"},
	{Name: ResetFlag, Expected: sim.Clean,
		Doc: "repaired lock order with the boolean flag, reset by the leader's next group: a slow waiter may sleep through one extra group (woken for the wrong group), but is never lost"},
	{Name: NaiveGlobal, Expected: checkers.Durability,
		Doc: "one global cond and flag reset by each new leader: a waiter sees the previous group's flag and returns before its transaction is binlogged"},
}

// THD is a client connection's thread descriptor: the parts the proposal
// uses.
type THD struct {
	groupcommit.THD                  // the thread, thd's transaction, thd->xid_error
	next              *sim.Var[*THD] // the queue link (FIFO: towards the tail)
	lockCommitOrdered *sim.Mutex     // thd->LOCK_commit_ordered
	condCommitOrdered *sim.Cond      // thd->COND_commit_ordered, broadcast by this thread when it leads
	groupCommitDone   *sim.Var[int]  // thd->group_commit_done: 1/0 as a flag, or the last finished group's number
	groupCommitSeq    int            // repaired: the number of this thread's current group as leader
}

// Server is the global state of the broadcast protocols.
type Server struct {
	*groupcommit.Server
	variant            string
	lockPrepareOrdered *sim.Mutex     // LOCK_prepare_ordered, also the queue lock
	lockGroupCommit    *sim.Mutex     // LOCK_group_commit
	lockCommitOrdered  *sim.Mutex     // the global LOCK_commit_ordered
	queueHead          *sim.Var[*THD] // queue_head
	queueTail          *sim.Var[*THD]
	lockGroupDone      *sim.Mutex // naive-global: LOCK_group_done
	condGroupDone      *sim.Cond  // naive-global: COND_group_done
	groupDone          *sim.Var[bool]
	thds               []*THD
}

// Adjust returns cfg with what variant needs forced on: reset-flag gets
// two transactions per thread, so that a leader can open a second group.
func Adjust(variant string, cfg groupcommit.Config) groupcommit.Config {
	if variant == ResetFlag {
		cfg.Txns = max(cfg.Txns, 2)
	}
	return cfg
}

// Scenario returns the scenario of a variant (after Adjust).
func Scenario(variant string, cfg groupcommit.Config) (sim.Scenario, error) {
	return groupcommit.NewScenario(Variants, variant, Adjust(variant, cfg), func(gs *groupcommit.Server) {
		x := gs.X
		s := &Server{
			Server:             gs,
			variant:            variant,
			lockPrepareOrdered: sim.NewMutex(x, "LOCK_prepare_ordered"),
			lockGroupCommit:    sim.NewMutex(x, "LOCK_group_commit"),
			lockCommitOrdered:  sim.NewMutex(x, "LOCK_commit_ordered"),
			queueHead:          sim.NewVar[*THD](x, "queue_head", nil),
			queueTail:          sim.NewVar[*THD](x, "queue_tail", nil),
		}
		if variant == NaiveGlobal {
			s.lockGroupDone = sim.NewMutex(x, "LOCK_group_done")
			s.condGroupDone = sim.NewCond(x, "COND_group_done", s.lockGroupDone)
			s.groupDone = sim.NewVar(x, "group_commit_done", false)
		}
		s.thds = groupcommit.NewTHDs(x, gs.Config.Threads,
			groupcommit.ThreadNames{Next: "next", Lock: "LOCK_commit_ordered", Cond: "COND_commit_ordered", Flag: "group_commit_done"},
			func(o groupcommit.ThreadObjects[*THD, int]) *THD {
				return &THD{THD: o.THD, next: o.Next, lockCommitOrdered: o.Lock, condCommitOrdered: o.Cond, groupCommitDone: o.Flag}
			})
		commit := s.commitLiteral
		switch variant {
		case Repaired, ResetFlag:
			commit = s.commitRepaired
		case NaiveGlobal:
			commit = s.commitNaiveGlobal
		}
		s.Run(commit, s.lockCommitOrdered)
	})
}

// enqueue appends thd at the tail of the queue (under
// LOCK_prepare_ordered, held by the caller) and returns the old head.
func (s *Server) enqueue(thd *THD) (oldQueue *THD) {
	oldQueue = s.queueHead.Read()
	thd.next.Write(nil)
	if oldQueue == nil {
		s.queueHead.Write(thd)
	} else {
		s.queueTail.Read().next.Write(thd)
	}
	s.queueTail.Write(thd)
	s.X.Record(s.Enqueued(thd.Txn, oldQueue == nil))
	return oldQueue
}

// groupCommit is "the rest of your group commit code", from the draft,
// with the queue grab of approach 1: lock(LOCK_group_commit), grab the
// queue under the queue lock, group_log_xid, then commit_ordered for each
// under LOCK_commit_ordered.
func (s *Server) groupCommit() {
	s.lockGroupCommit.Lock()
	s.lockPrepareOrdered.Lock() // pthread_mutex_lock(queue_lock)
	queue := s.queueHead.Read() // commit_queue= queue
	s.queueHead.Write(nil)      // queue= NULL
	s.queueTail.Write(nil)
	s.lockPrepareOrdered.Unlock()

	var group []*THD
	var txns []checkers.Txn
	for other := queue; other != nil; other = other.next.Read() {
		group = append(group, other)
		txns = append(txns, other.Txn)
	}
	pos, xidError := s.Binlog.GroupLogXid(txns) // group_log_xid(queue)
	for i, other := range group {
		other.XidError = xidError[i]
	}

	s.lockCommitOrdered.Lock()
	s.Binlog.SetLastCommitPos(pos)
	for _, other := range group {
		if !other.XidError {
			s.CommitOrdered(other.Txn)
		}
	}
	s.lockCommitOrdered.Unlock()
	s.lockGroupCommit.Unlock()
}

// commitLiteral is the proposal as written.
func (s *Server) commitLiteral(thread int, txn checkers.Txn) error {
	thd := s.thds[thread]
	thd.Start(txn)

	s.lockPrepareOrdered.Lock()
	s.PrepareOrdered(txn) // ht->prepare_ordered()
	s.enqueue(thd)
	leader := s.queueHead.Read()
	leader.lockCommitOrdered.Lock()
	s.lockPrepareOrdered.Unlock()
	if leader != thd {
		for leader.groupCommitDone.Read() == 0 {
			leader.condCommitOrdered.Wait()
		}
	} else {
		leader.groupCommitDone.Write(0)
		s.groupCommit()
		leader.groupCommitDone.Write(1) // (implied: the waiters loop on it)
		leader.condCommitOrdered.Broadcast()
	}
	leader.lockCommitOrdered.Unlock()
	return s.XidLogAfter(&thd.THD)
}

// commitRepaired holds the leader's mutex only to open the group (at
// enqueue, under LOCK_prepare_ordered) and to close it (after the group
// commit), never across LOCK_prepare_ordered in the other order.
func (s *Server) commitRepaired(thread int, txn checkers.Txn) error {
	thd := s.thds[thread]
	thd.Start(txn)

	s.lockPrepareOrdered.Lock()
	s.PrepareOrdered(txn)
	s.enqueue(thd)
	leader := s.queueHead.Read()
	leader.lockCommitOrdered.Lock()
	if leader == thd { // open a new group
		if s.variant == ResetFlag {
			leader.groupCommitDone.Write(0)
		} else {
			leader.groupCommitSeq++
		}
	}
	myGroup := leader.groupCommitSeq
	s.lockPrepareOrdered.Unlock()
	if leader != thd {
		for !s.isGroupDone(leader, myGroup) {
			leader.condCommitOrdered.Wait()
		}
		leader.lockCommitOrdered.Unlock()
		return s.XidLogAfter(&thd.THD)
	}
	leader.lockCommitOrdered.Unlock()
	s.groupCommit()
	leader.lockCommitOrdered.Lock()
	if s.variant == ResetFlag {
		leader.groupCommitDone.Write(1)
	} else {
		leader.groupCommitDone.Write(myGroup)
	}
	leader.condCommitOrdered.Broadcast()
	leader.lockCommitOrdered.Unlock()
	return s.XidLogAfter(&thd.THD)
}

// isGroupDone reports whether the leader's group number group has finished.
func (s *Server) isGroupDone(leader *THD, group int) bool {
	if s.variant == ResetFlag {
		return leader.groupCommitDone.Read() != 0
	}
	return leader.groupCommitDone.Read() >= group
}

// commitNaiveGlobal uses one global condition and flag for every group.
func (s *Server) commitNaiveGlobal(thread int, txn checkers.Txn) error {
	thd := s.thds[thread]
	thd.Start(txn)

	s.lockPrepareOrdered.Lock()
	s.PrepareOrdered(txn)
	isLeader := s.enqueue(thd) == nil
	s.lockPrepareOrdered.Unlock()
	if isLeader {
		s.lockGroupDone.Lock()
		s.groupDone.Write(false)
		s.lockGroupDone.Unlock()
		s.groupCommit()
		s.lockGroupDone.Lock()
		s.groupDone.Write(true)
		s.condGroupDone.Broadcast()
		s.lockGroupDone.Unlock()
	} else {
		s.lockGroupDone.Lock()
		for !s.groupDone.Read() {
			s.condGroupDone.Wait()
		}
		s.lockGroupDone.Unlock()
	}
	return s.XidLogAfter(&thd.THD)
}
