package checkers

import (
	"testing"

	"github.com/simrun/simrun/sim"
)

// history builds a history from events, one visible step apart.
func history(evs ...any) *sim.History {
	h := &sim.History{Actors: []string{"main", "t1", "t2", "r1"}}
	for i, v := range evs {
		actor := 1
		switch ev := v.(type) {
		case Begin:
			actor = ev.Txn.Thread
		case Returned:
			actor = ev.Txn.Thread
		case SnapshotBegin, Snapshot:
			actor = 3
		case Recovered, Crash:
			actor = 0
		}
		h.Events = append(h.Events, sim.Event{Step: 10 * (i + 1), Actor: actor, Value: v})
	}
	h.Steps = 10 * (len(evs) + 1)
	return h
}

var (
	t1 = Txn{Thread: 1, Seq: 1}
	t2 = Txn{Thread: 2, Seq: 1}
	t3 = Txn{Thread: 3, Seq: 1}
)

// TestCheckers runs each checker on small hand-made histories, passing and
// failing, so that no oracle is one that cannot fail.
func TestCheckers(t *testing.T) {
	commitBoth := []any{
		Begin{t1}, Begin{t2}, Prepared{t1, 0}, Prepared{t2, 0}, Enqueued{t1, true}, Enqueued{t2, false},
		BinlogWrite{t1, 1}, BinlogWrite{t2, 1}, BinlogSync{Group: 1},
	}
	with := func(base []any, more ...any) []any { return append(append([]any{}, base...), more...) }
	tests := []struct {
		name  string
		check func(*sim.History) *sim.Finding
		evs   []any
		want  sim.Kind // "" for none
	}{
		{"order ok", CommitOrder, with(commitBoth, CommitOrdered{t1, 0}, CommitOrdered{t2, 0}, Returned{t1, false}, Returned{t2, false}), ""},
		{"order misorder", CommitOrder, with(commitBoth, CommitOrdered{t2, 0}, CommitOrdered{t1, 0}, Returned{t1, false}, Returned{t2, false}), Misorder},
		{"xid error ok", CommitOrder, []any{Begin{t1}, Prepared{t1, 0}, XidError{t1, 1}, BinlogSync{Group: 1}, Returned{t1, true}}, ""},
		{"xid error reported committed", CommitOrder, []any{Begin{t1}, Prepared{t1, 0}, XidError{t1, 1}, BinlogSync{Group: 1}, Returned{t1, false}}, XidErrorKind},
		{"error to an unaffected thread", CommitOrder, with(commitBoth, CommitOrdered{t1, 0}, Returned{t1, false}, Returned{t2, true}), XidErrorKind},
		{"crash cuts the history", CommitOrder, with(commitBoth, Crash{}), ""},
		{"snapshot at a group boundary", Snapshots, with(commitBoth, Snapshot{Reader: 1, Seq: 1, Engines: [][]Txn{{t1, t2}, {t2, t1}}, Pos: 2}), ""},
		{"snapshot inside a group", Snapshots, with(commitBoth, Snapshot{Reader: 1, Seq: 1, Engines: [][]Txn{{t1}, {}}, Pos: 1}), SnapshotKind},
		{"snapshot position past its view", Snapshots, with(commitBoth, Snapshot{Reader: 1, Seq: 1, Engines: [][]Txn{{t1}}, Pos: 2}), SnapshotKind},
		{"recovery ok", Recovery, []any{Returned{t1, false}, Crash{Binlog: []Txn{t1, t2}, Engines: [][]Txn{{t1}}}, Recovered{Binlog: []Txn{t1, t2}, Engines: [][]Txn{{t1, t2}}}}, ""},
		{"recovery loses an ack", Recovery, []any{Returned{t2, false}, Crash{Binlog: []Txn{t1}}, Recovered{Binlog: []Txn{t1}, Engines: [][]Txn{{t1}}}}, RecoveryKind},
		{"recovery in another order", Recovery, []any{Crash{Binlog: []Txn{t1, t2}}, Recovered{Binlog: []Txn{t1, t2}, Engines: [][]Txn{{t2, t1}}}}, RecoveryKind},
		{"never recovered", Recovery, []any{Crash{}}, RecoveryKind},
		{"linearizable", Linearizable, with(commitBoth, Returned{t1, false}, SnapshotBegin{1, 1}, Snapshot{Reader: 1, Seq: 1, Engines: [][]Txn{{t1, t2}}, Pos: 2}), ""},
		{"snapshot misses an acknowledged commit", Linearizable, []any{Begin{t1}, Returned{t1, false}, SnapshotBegin{1, 1}, Snapshot{Reader: 1, Seq: 1, Engines: [][]Txn{{}}, Pos: 0}}, Linearizability},
		{"snapshot sees a failed commit", Linearizable, []any{Begin{t1}, SnapshotBegin{1, 1}, Snapshot{Reader: 1, Seq: 1, Engines: [][]Txn{{t1}}, Pos: 1}, Returned{t1, true}}, Linearizability},
		{"commit cut off by the crash, observed", Linearizable, []any{Begin{t1}, Crash{}, Returned{t1, false}, Recovered{Binlog: []Txn{t1}, Engines: [][]Txn{{t1}}}}, ""},
		{"commit cut off by the crash, lost", Linearizable, []any{Begin{t1}, Crash{}, Recovered{Binlog: nil, Engines: [][]Txn{{}}}}, ""},
		{"acknowledged commit lost in recovery", Linearizable, []any{Begin{t1}, Returned{t1, false}, Crash{}, Recovered{Engines: [][]Txn{{}}}}, Linearizability},
		// In-order parallel replication and rollbacks.
		{"in order", InOrder, []any{CommitOrdered{t1, 0}, CommitOrdered{t2, 0}, CommitOrdered{t3, 0}}, ""},
		{"in order, a prefix", InOrder, []any{CommitOrdered{t1, 0}, RolledBack{t2, "killed"}}, ""},
		{"overtakes", InOrder, []any{CommitOrdered{t2, 0}, CommitOrdered{t1, 0}}, OutOfOrder},
		{"commits past a rollback", InOrder, []any{CommitOrdered{t1, 0}, RolledBack{t2, "killed"}, CommitOrdered{t3, 0}}, OutOfOrder},
		{"rollback, nothing binlogged", CommitOrder, []any{Begin{t1}, Prepared{t1, 0}, RolledBack{t1, "killed"}, Returned{t1, true}}, ""},
		{"rollback after binlog", CommitOrder, []any{Begin{t1}, Prepared{t1, 0}, Enqueued{t1, true}, BinlogWrite{t1, 1}, RolledBack{t1, "killed"}}, RollbackBinlogged},
		{"binlog after rollback", CommitOrder, []any{Begin{t1}, Prepared{t1, 0}, RolledBack{t1, "killed"}, Enqueued{t1, true}, BinlogWrite{t1, 1}}, RollbackBinlogged},
		{"rollback of a failed write", CommitOrder, []any{Begin{t1}, Prepared{t1, 0}, Enqueued{t1, true}, XidError{t1, 1}, BinlogSync{Group: 1}, RolledBack{t1, "xid_error"}, Returned{t1, true}}, ""},
		// Group commit delay.
		{"delay cut short", StalledDelay, []any{RowLockGranted{t1}, RowLockWait{t2, t1}, GroupDelayEnd{Queue: []Txn{t1}}}, ""},
		{"timeout without a blocked waiter", StalledDelay, []any{RowLockGranted{t1}, GroupDelayEnd{Queue: []Txn{t1}, TimedOut: true}}, ""},
		{"waiter granted before the timeout", StalledDelay, []any{RowLockWait{t2, t1}, RowLockGranted{t2}, GroupDelayEnd{Queue: []Txn{t1}, TimedOut: true}}, ""},
		{"timeout with a waiter blocked on the queue", StalledDelay, []any{RowLockGranted{t1}, RowLockWait{t2, t1}, GroupDelayEnd{Queue: []Txn{t1}, TimedOut: true}}, LatencyKind},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.check(history(tc.evs...))
			var got sim.Kind
			if f != nil {
				got = f.Kind
				t.Logf("%s: %s", f.Kind, f.Message)
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q (%v)", got, tc.want, f)
			}
		})
	}
}
