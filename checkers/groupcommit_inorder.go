package checkers

import (
	"fmt"

	"github.com/simrun/simrun/sim"
)

// Finding kinds of in-order parallel replication.
const (
	// OutOfOrder: the transactions a replica committed are not the
	// replication stream's first ones in its order: one committed before
	// a transaction that precedes it, or without it.
	OutOfOrder sim.Kind = "out-of-order"
	// RollbackBinlogged: a transaction that its thread rolled back was
	// binlogged or commit_ordered all the same (the waitee committed it
	// for the waiter, which gave up).
	RollbackBinlogged sim.Kind = "rollback-binlogged"
)

// RolledBack: Txn's thread rolled the transaction back instead of
// committing it; Why says why (killed, its prior commit failed).
type RolledBack struct {
	Txn Txn
	Why string
}

func (e RolledBack) String() string { return fmt.Sprintf("rollback %v (%s)", e.Txn, e.Why) }

// DelayedError: Txn committed, and its thread then reports an error that
// arose after its binlog group was durable (a failed binlog rotate,
// returned from unlog()); the commit stands.
type DelayedError struct {
	Txn Txn
	Why string
}

func (e DelayedError) String() string {
	return fmt.Sprintf("%v committed, then reports %s", e.Txn, e.Why)
}

// InOrder checks in-order commit of a parallel replica, where transaction
// Txn{Thread: i} is the i-th of the replication stream (Seq is not part of
// the order): the transactions that became visible in engine 0
// (CommitOrdered events) are, in the order they did, the stream's first
// ones: T1, T2, ..., Tm. A transaction committed before one that precedes
// it, or without it (after it rolled back or failed), is an OutOfOrder
// finding at its CommitOrdered event.
func InOrder(h *sim.History) *sim.Finding {
	next := 1
	for _, e := range h.Events {
		ev, ok := e.Value.(CommitOrdered)
		if !ok || ev.Engine != 0 {
			continue
		}
		if ev.Txn.Thread != next {
			return fail(OutOfOrder, e, h, "%v commit_ordered after %d transactions of the stream, where T%d is next", ev.Txn, next-1, next)
		}
		next++
	}
	return nil
}
