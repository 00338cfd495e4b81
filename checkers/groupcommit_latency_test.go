package checkers

import (
	"strings"
	"testing"

	"github.com/simrun/simrun/sim"
)

// TestStalledDelayWaitsAgain: a transaction that waits again, on another
// holder, is judged by its latest wait only, and the finding names the
// first blocked transaction whose holder is queued, in the order they
// blocked (TestCheckers has the single-wait cases).
func TestStalledDelayWaitsAgain(t *testing.T) {
	t4 := Txn{Thread: 4, Seq: 1}
	timeout := func(q ...Txn) GroupDelayEnd { return GroupDelayEnd{Queue: q, TimedOut: true} }
	for _, tc := range []struct {
		name string
		evs  []any
		want sim.Kind
		// who is the waiter the finding must name.
		who string
	}{
		{"waits again on a holder outside the queue", []any{RowLockWait{t2, t1}, RowLockWait{t2, t3}, timeout(t1)}, "", ""},
		{"waits again on a queued holder", []any{RowLockWait{t2, t3}, RowLockWait{t2, t1}, timeout(t1)}, LatencyKind, t2.String()},
		{"two waiters: the first to block is named", []any{RowLockWait{t4, t1}, RowLockWait{t2, t1}, RowLockWait{t4, t1}, timeout(t1)}, LatencyKind, t4.String()},
		{"the first waiter granted: the second is named", []any{RowLockWait{t4, t1}, RowLockWait{t2, t1}, RowLockGranted{t4}, timeout(t1)}, LatencyKind, t2.String()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := StalledDelay(history(tc.evs...))
			var got sim.Kind
			if f != nil {
				got = f.Kind
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q (%v)", got, tc.want, f)
			}
			if f != nil && !strings.Contains(f.Message, tc.who+" was blocked") {
				t.Errorf("message %q does not name %s as the blocked transaction", f.Message, tc.who)
			}
		})
	}
}
