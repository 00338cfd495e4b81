package checkers

import (
	"fmt"
	"slices"

	"github.com/simrun/simrun/sim"
)

// LatencyKind: a group commit delay ran to its timeout although a
// transaction it could never gain was blocked behind the group: the
// blocked transaction's commit latency includes a whole useless delay.
const LatencyKind sim.Kind = "latency"

// Events of the group commit delay.
type (
	// RowLockWait: Waiter blocks on a row lock that Holder holds.
	RowLockWait struct{ Waiter, Holder Txn }
	// RowLockGranted: Txn holds the row lock it waited for, or took.
	RowLockGranted struct{ Txn Txn }
	// GroupDelayEnd: the leader's wait for more commits
	// (wait_for_sufficient_commits) ended with Queue queued, by its
	// timeout (TimedOut) or because enough had queued.
	GroupDelayEnd struct {
		Queue    []Txn
		TimedOut bool
	}
)

func (e RowLockWait) String() string {
	return fmt.Sprintf("%v waits for %v's row lock", e.Waiter, e.Holder)
}
func (e RowLockGranted) String() string { return fmt.Sprintf("%v holds the row lock", e.Txn) }
func (e GroupDelayEnd) String() string {
	if e.TimedOut {
		return fmt.Sprintf("group delay timed out with %v queued", e.Queue)
	}
	return fmt.Sprintf("group delay ended with %v queued", e.Queue)
}

// StalledDelay is the oracle of bounded commit latency under a group
// commit delay: no delay runs to its timeout while a transaction is
// blocked on a row lock held by a transaction of the queue. That
// transaction can join no group before the queue commits, so the delay
// only adds its whole length to both (the stall that binlog_report_wait_for
// and has_waiter remove). Judging the delay's outcome rather than a
// latency in virtual time keeps the oracle free of schedules in which a
// runnable thread is simply not run for the length of the delay.
func StalledDelay(h *sim.History) *sim.Finding {
	var blocked []RowLockWait // the blocked transactions, in the order they blocked
	for _, e := range h.Events {
		switch ev := e.Value.(type) {
		case RowLockWait:
			if i := slices.IndexFunc(blocked, func(w RowLockWait) bool { return w.Waiter == ev.Waiter }); i >= 0 {
				blocked[i].Holder = ev.Holder // waits again: keeps its place
			} else {
				blocked = append(blocked, ev)
			}
		case RowLockGranted:
			blocked = slices.DeleteFunc(blocked, func(w RowLockWait) bool { return w.Waiter == ev.Txn })
		case GroupDelayEnd:
			if !ev.TimedOut {
				continue
			}
			for _, w := range blocked {
				if slices.Contains(ev.Queue, w.Holder) {
					return fail(LatencyKind, e, h, "the group delay ran to its timeout with %v queued, although %v was blocked on %v's row lock and could not join", ev.Queue, w.Waiter, w.Holder)
				}
			}
		}
	}
	return nil
}
