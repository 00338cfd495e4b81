package checkers

import (
	"fmt"

	"github.com/simrun/simrun/sim"
)

// DelayedErrorKind: the error of a failed binlog rotate did not reach the
// transaction that rotated, after its commit in the engines: it was lost,
// reported by another transaction, reported before the commit, or the
// transaction reported success all the same.
const DelayedErrorKind sim.Kind = "delayed-error"

// Events of the binlog's files: rotate, its failure, the binlog
// checkpoints, and the recovery's scan.
type (
	// RotateFailed: the leader of Leader's group rotated the binlog after
	// the group's fsync, and rotate() failed (ER_ERROR_ON_WRITE, raised in
	// the leader's THD).
	RotateFailed struct{ Leader Txn }
	// BinlogRotate: the binlog moved on to file File (the files are
	// numbered from 1); the Binlog_checkpoint event at its head names
	// file Checkpoint, the oldest whose transactions recovery may need.
	BinlogRotate struct{ File, Checkpoint int }
	// BinlogCheckpoint: a Binlog_checkpoint event in file File names file
	// Names: every transaction of the files before it is durably
	// committed in the engines.
	BinlogCheckpoint struct{ File, Names int }
	// BinlogRecovery: crash recovery scanned the binlog from file From (the
	// last checkpoint of the last file) and found the transactions Xids.
	BinlogRecovery struct {
		From int
		Xids []Txn
	}
)

func (e RotateFailed) String() string { return fmt.Sprintf("rotate FAILED (leader %v)", e.Leader) }
func (e BinlogRotate) String() string {
	return fmt.Sprintf("rotate to binlog file %d, Binlog_checkpoint names file %d", e.File, e.Checkpoint)
}
func (e BinlogCheckpoint) String() string {
	return fmt.Sprintf("Binlog_checkpoint in file %d names file %d", e.File, e.Names)
}
func (e BinlogRecovery) String() string {
	return fmt.Sprintf("recovery scans the binlog from file %d: xids %v", e.From, e.Xids)
}

// DelayedErrors checks that the error of a failed binlog rotate
// (RotateFailed) reaches exactly the transaction that led the rotate, as
// MariaDB's delayed_error does: that transaction, and no other, reports
// it (DelayedError) after its commit() in every engine it prepared in,
// then returns an error to its client. A leader that rolled back instead
// is CommitOrder's finding (rollback-binlogged), not this one. The
// history up to a crash is judged.
func DelayedErrors(h *sim.History) *sim.Finding {
	var c engineCommits
	failed, reported, rolledBack := map[Txn]bool{}, map[Txn]bool{}, map[Txn]bool{}
	for _, e := range h.Events {
		if c.crashed(e.Value) {
			return nil
		}
		switch ev := e.Value.(type) {
		case RolledBack:
			rolledBack[ev.Txn] = true
		case RotateFailed:
			failed[ev.Leader] = true
		case DelayedError:
			switch {
			case !failed[ev.Txn]:
				return fail(DelayedErrorKind, e, h, "%v reports %s, but no rotate it led failed (the error is misrouted)", ev.Txn, ev.Why)
			case !c.done(ev.Txn):
				return fail(DelayedErrorKind, e, h, "%v reports %s before its commit in every engine (%s)", ev.Txn, ev.Why, c.of(ev.Txn))
			}
			reported[ev.Txn] = true
		case Returned:
			switch {
			case failed[ev.Txn] && !reported[ev.Txn] && !rolledBack[ev.Txn]:
				return fail(DelayedErrorKind, e, h, "%v led a failed binlog rotate but returned without its error (the error is lost)", ev.Txn)
			case reported[ev.Txn] && !ev.Err:
				return fail(DelayedErrorKind, e, h, "%v reports a delayed error but returned success", ev.Txn)
			}
		}
	}
	return nil
}

// CommittedBeforeAck checks the other half of durability that CommitOrder
// leaves to commit_ordered: a transaction reported to its client as
// committed (Returned without Err) ran commit() in every engine it
// prepared in before the return. A Durability finding otherwise. The
// history up to a crash is judged.
func CommittedBeforeAck(h *sim.History) *sim.Finding {
	var c engineCommits
	for _, e := range h.Events {
		if c.crashed(e.Value) {
			return nil
		}
		if ev, ok := e.Value.(Returned); ok && !ev.Err && !c.done(ev.Txn) {
			return fail(Durability, e, h, "%v returned committed before its commit() in every engine (%s)", ev.Txn, c.of(ev.Txn))
		}
	}
	return nil
}

// engineCommits counts, per transaction, the engines it prepared in and
// those whose commit() it ran, from a history's events up to a crash.
type engineCommits struct{ prepared, committed map[Txn]int }

// crashed counts ev and reports whether it is the crash.
func (c *engineCommits) crashed(ev any) bool {
	if c.prepared == nil {
		c.prepared, c.committed = map[Txn]int{}, map[Txn]int{}
	}
	switch ev := ev.(type) {
	case Crash:
		return true
	case Prepared:
		c.prepared[ev.Txn]++
	case Committed:
		c.committed[ev.Txn]++
	}
	return false
}

// done reports whether t ran commit() in every engine it prepared in.
func (c *engineCommits) done(t Txn) bool { return c.committed[t] >= c.prepared[t] }

// of says how many of t's engines ran its commit().
func (c *engineCommits) of(t Txn) string {
	return fmt.Sprintf("%d of %d", c.committed[t], c.prepared[t])
}
