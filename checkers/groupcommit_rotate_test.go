package checkers

import (
	"fmt"
	"testing"

	"github.com/simrun/simrun/sim"
)

// TestDelayedErrors proves the delayed-error oracle both ways on hand-made
// histories: the shipped delivery passes, each way of losing or
// misrouting the error fails, and CommitOrder accepts the error of a
// committed transaction only when it is a delayed one; and
// CommittedBeforeAck, a success only after commit().
func TestDelayedErrors(t *testing.T) {
	group := []any{
		Begin{t1}, Begin{t2}, Prepared{t1, 0}, Prepared{t2, 0}, Enqueued{t1, true}, Enqueued{t2, false},
		BinlogWrite{t1, 1}, BinlogWrite{t2, 1}, BinlogSync{Group: 1}, RotateFailed{Leader: t1},
		CommitOrdered{t1, 0}, CommitOrdered{t2, 0},
	}
	with := func(more ...any) []any { return append(append([]any{}, group...), more...) }
	delayed := DelayedError{Txn: t1, Why: "binlog rotate failed"}
	tests := []struct {
		name  string
		check func(*sim.History) *sim.Finding
		evs   []any
		want  sim.Kind
	}{
		{"to the leader after its commit", DelayedErrors, with(Committed{t1, 0}, delayed, Returned{t1, true}, Committed{t2, 0}, Returned{t2, false}), ""},
		{"no rotate failed", DelayedErrors, []any{Begin{t1}, Prepared{t1, 0}, Committed{t1, 0}, Returned{t1, false}}, ""},
		{"lost", DelayedErrors, with(Committed{t1, 0}, Returned{t1, false}), DelayedErrorKind},
		{"misrouted", DelayedErrors, with(Committed{t2, 0}, DelayedError{Txn: t2, Why: "binlog rotate failed"}, Returned{t2, true}), DelayedErrorKind},
		{"before the commit", DelayedErrors, with(delayed, Committed{t1, 0}, Returned{t1, true}), DelayedErrorKind},
		{"reported, then success", DelayedErrors, with(Committed{t1, 0}, delayed, Returned{t1, false}), DelayedErrorKind},
		{"leader rolled back", DelayedErrors, with(RolledBack{Txn: t1, Why: "binlog rotate failed"}, Returned{t1, true}), ""},
		{"crash cuts the history", DelayedErrors, with(Crash{}, Returned{t1, false}), ""},
		{"acknowledged after commit()", CommittedBeforeAck, with(Committed{t1, 0}, Returned{t1, true}, Committed{t2, 0}, Returned{t2, false}), ""},
		{"acknowledged before commit()", CommittedBeforeAck, with(Returned{t2, false}, Committed{t2, 0}), Durability},
		{"crash before the commit", CommittedBeforeAck, with(Crash{}, Returned{t2, false}), ""},
		{"commit order: delayed error of a committed transaction", CommitOrder, with(Committed{t1, 0}, delayed, Returned{t1, true}, Committed{t2, 0}, Returned{t2, false}), ""},
		{"commit order: plain error of a committed transaction", CommitOrder, with(Committed{t1, 0}, Returned{t1, true}, Committed{t2, 0}, Returned{t2, false}), Durability},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.check(history(tc.evs...))
			switch {
			case tc.want == "" && f != nil:
				t.Fatalf("unexpected finding: %v", f)
			case tc.want != "" && (f == nil || f.Kind != tc.want):
				t.Fatalf("got %v, want a %s finding", f, tc.want)
			}
		})
	}
}

// The leader of a group whose binlog rotate failed returns success: the
// delayed error is lost.
func ExampleDelayedErrors() {
	t1 := Txn{Thread: 1, Seq: 1}
	h := history(
		Begin{t1}, Prepared{t1, 0}, Enqueued{t1, true}, BinlogWrite{t1, 1}, BinlogSync{Group: 1},
		RotateFailed{Leader: t1}, CommitOrdered{t1, 0}, Committed{t1, 0}, Returned{t1, false},
	)
	f := DelayedErrors(h)
	fmt.Println(f.Kind, f.Actor, f.Message)
	// Output: delayed-error t1 T1.1 led a failed binlog rotate but returned without its error (the error is lost)
}
