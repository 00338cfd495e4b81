package checkers

import (
	"testing"

	"github.com/simrun/simrun/sim"
)

// TestCommitOrderTxnNumbers runs CommitOrder over histories whose
// transactions have thread and sequence numbers in and out of its dense
// index (denseKey) side by side, passing and failing, one after another
// so that each reuses the state the one before left: a transaction found
// in the wrong table, or left over from an earlier history, changes the
// verdict.
func TestCommitOrderTxnNumbers(t *testing.T) {
	small := Txn{Thread: 1, Seq: 1}
	pairs := []struct {
		name string
		a, b Txn
	}{
		{"both small", small, Txn{Thread: 2, Seq: 1}},
		{"a big thread number", small, Txn{Thread: denseThreads + 1, Seq: 1}},
		{"a big sequence number", Txn{Thread: 2, Seq: denseSeqs + 1}, small},
		{"thread 0", Txn{Thread: 0, Seq: 1}, Txn{Thread: denseThreads, Seq: denseSeqs}},
	}
	for _, p := range pairs {
		a, b := p.a, p.b
		group := []any{
			Begin{a}, Begin{b}, Prepared{a, 0}, Prepared{b, 0}, Enqueued{a, true}, Enqueued{b, false},
			BinlogWrite{a, 1}, BinlogWrite{b, 1}, BinlogSync{Group: 1},
		}
		with := func(more ...any) []any { return append(append([]any{}, group...), more...) }
		tests := []struct {
			name string
			evs  []any
			want sim.Kind
		}{
			{"ok", with(CommitOrdered{a, 0}, CommitOrdered{b, 0}, Returned{a, false}, Returned{b, false}), ""},
			{"misorder", with(CommitOrdered{b, 0}, CommitOrdered{a, 0}, Returned{a, false}, Returned{b, false}), Misorder},
			{"returned before commit_ordered", with(CommitOrdered{a, 0}, Returned{a, false}, Returned{b, false}), Durability},
			{"returned twice", with(CommitOrdered{a, 0}, CommitOrdered{b, 0}, Returned{a, false}, Returned{b, false}, Returned{b, false}), Durability},
			{"ok again", with(CommitOrdered{a, 0}, CommitOrdered{b, 0}, Returned{a, false}, Returned{b, false}), ""},
		}
		for _, tt := range tests {
			if got := kindOf(CommitOrder(history(tt.evs...))); got != tt.want {
				t.Errorf("%s, %s: got %q, want %q", p.name, tt.name, got, tt.want)
			}
		}
	}
}

// TestCommitOrderGroupNumbers runs CommitOrder, and the monitor's hash,
// over histories whose binlog groups are numbered in and out of the
// slice that holds the groups' fsync state (denseGroups), passing and
// failing, one after another so that each reuses the state the one
// before left: a group found in the wrong table, or an fsync left over
// from an earlier history, changes the verdict.
func TestCommitOrderGroupNumbers(t *testing.T) {
	a, b := Txn{Thread: 1, Seq: 1}, Txn{Thread: 2, Seq: 1}
	for _, g := range []int{0, 1, denseGroups - 1, denseGroups, 1000, -1} {
		prefix := []any{Begin{a}, Begin{b}, Prepared{a, 0}, Prepared{b, 0}, Enqueued{a, true}, Enqueued{b, false},
			BinlogWrite{a, g}, BinlogWrite{b, g}}
		with := func(more ...any) []any { return append(append([]any{}, prefix...), more...) }
		done := []any{CommitOrdered{a, 0}, CommitOrdered{b, 0}, Returned{a, false}, Returned{b, false}}
		tests := []struct {
			name string
			evs  []any
			want sim.Kind
		}{
			{"ok", with(append([]any{BinlogSync{Group: g}}, done...)...), ""},
			{"commit_ordered before the fsync", with(done...), Durability},
			{"fsync failed", with(append([]any{BinlogSync{Group: g, Err: true}}, done...)...), XidErrorKind},
			{"ok again", with(append([]any{BinlogSync{Group: g}}, done...)...), ""},
		}
		for _, tt := range tests {
			if got := kindOf(CommitOrder(history(tt.evs...))); got != tt.want {
				t.Errorf("group %d, %s: got %q, want %q", g, tt.name, got, tt.want)
			}
		}
		// The monitor tells a synced group from a failed one and from
		// none.
		hashes := map[uint64]string{}
		for _, tail := range []struct {
			name string
			evs  []any
		}{
			{"no fsync", nil}, {"synced", []any{BinlogSync{Group: g}}}, {"failed", []any{BinlogSync{Group: g, Err: true}}},
		} {
			h := monitorOf(history(with(tail.evs...)...)).StateHash()
			if other, ok := hashes[h]; ok {
				t.Errorf("group %d: the monitor hashes %s as %s", g, tail.name, other)
			}
			hashes[h] = tail.name
		}
	}
}
