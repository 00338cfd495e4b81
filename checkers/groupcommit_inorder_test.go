package checkers

import (
	"testing"

	"github.com/simrun/simrun/sim"
)

// TestInOrderCheckers proves the in-order and rollback oracles both ways
// on hand-made histories.
func TestInOrderCheckers(t *testing.T) {
	t3 := Txn{Thread: 3, Seq: 1}
	tests := []struct {
		name  string
		check func(*sim.History) *sim.Finding
		evs   []any
		want  sim.Kind // "" for none
	}{
		{"in order", InOrder, []any{CommitOrdered{t1, 0}, CommitOrdered{t2, 0}, CommitOrdered{t3, 0}}, ""},
		{"a prefix", InOrder, []any{CommitOrdered{t1, 0}, RolledBack{t2, "killed"}}, ""},
		{"overtakes", InOrder, []any{CommitOrdered{t2, 0}, CommitOrdered{t1, 0}}, OutOfOrder},
		{"commits past a rollback", InOrder, []any{CommitOrdered{t1, 0}, RolledBack{t2, "killed"}, CommitOrdered{t3, 0}}, OutOfOrder},
		{"rollback, nothing binlogged", CommitOrder, []any{Begin{t1}, Prepared{t1, 0}, RolledBack{t1, "killed"}, Returned{t1, true}}, ""},
		{"rollback after binlog", CommitOrder, []any{Begin{t1}, Prepared{t1, 0}, Enqueued{t1, true}, BinlogWrite{t1, 1}, RolledBack{t1, "killed"}}, RollbackBinlogged},
		{"binlog after rollback", CommitOrder, []any{Begin{t1}, Prepared{t1, 0}, RolledBack{t1, "killed"}, Enqueued{t1, true}, BinlogWrite{t1, 1}}, RollbackBinlogged},
		{"rollback of a failed write", CommitOrder, []any{Begin{t1}, Prepared{t1, 0}, Enqueued{t1, true}, XidError{t1, 1}, BinlogSync{Group: 1}, RolledBack{t1, "xid_error"}, Returned{t1, true}}, ""},
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

// TestStalledDelay proves the group-delay oracle both ways.
func TestStalledDelay(t *testing.T) {
	tests := []struct {
		name string
		evs  []any
		want sim.Kind
	}{
		{"delay cut short", []any{RowLockGranted{t1}, RowLockWait{t2, t1}, GroupDelayEnd{Queue: []Txn{t1}}}, ""},
		{"timeout without a blocked waiter", []any{RowLockGranted{t1}, GroupDelayEnd{Queue: []Txn{t1}, TimedOut: true}}, ""},
		{"waiter granted before the timeout", []any{RowLockWait{t2, t1}, RowLockGranted{t2}, GroupDelayEnd{Queue: []Txn{t1}, TimedOut: true}}, ""},
		{"timeout with a waiter blocked on the queue", []any{RowLockGranted{t1}, RowLockWait{t2, t1}, GroupDelayEnd{Queue: []Txn{t1}, TimedOut: true}}, LatencyKind},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := StalledDelay(history(tc.evs...))
			var got sim.Kind
			if f != nil {
				got = f.Kind
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q (%v)", got, tc.want, f)
			}
		})
	}
}
