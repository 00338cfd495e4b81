package checkers

import (
	"testing"

	"github.com/simrun/simrun/sim"
)

// TestCommitOrderReuse checks that CommitOrder's reused state, and a kept
// monitor's, is reset: a history judged right after others (a crash, a
// misorder, an error, two engines) gets the finding it gets first.
func TestCommitOrderReuse(t *testing.T) {
	both := []any{Begin{t1}, Begin{t2}, Prepared{t1, 0}, Prepared{t2, 0}, Prepared{t1, 1}, Prepared{t2, 1},
		PrepareOrdered{t1, 0}, PrepareOrdered{t2, 0}, Enqueued{t1, true}, Enqueued{t2, false},
		BinlogWrite{t1, 1}, BinlogWrite{t2, 1}, BinlogSync{Group: 1}}
	with := func(more ...any) []any { return append(append([]any{}, both...), more...) }
	histories := [][]any{
		with(CommitOrdered{t1, 0}, CommitOrdered{t1, 1}, CommitOrdered{t2, 0}, CommitOrdered{t2, 1}, Returned{t1, false}, Returned{t2, false}),
		with(CommitOrdered{t2, 1}, CommitOrdered{t1, 1}, CommitOrdered{t1, 0}, CommitOrdered{t2, 0}, Returned{t1, false}, Returned{t2, false}),
		with(CommitOrdered{t1, 0}, Returned{t1, false}),
		with(Crash{}),
		{Begin{t1}, Prepared{t1, 0}, XidError{t1, 1}, BinlogSync{Group: 1}, Returned{t1, true}},
		{Begin{t1}, Prepared{t1, 0}, BinlogWrite{t1, 1}, BinlogSync{Group: 1, Err: true}, Returned{t1, false}},
		{Begin{t2}},
	}
	// The judges: CommitOrder (the pool's state), and one monitor kept
	// from one history to the next with Init, as a scenario's server
	// memory keeps it (its own Check state from its second Check),
	// checking only or fed the events first (state matching).
	kept := NewCommitOrderMonitor()
	verdict := func(f *sim.Finding) string {
		if f != nil {
			return string(f.Kind) + ": " + f.Message
		}
		return "clean"
	}
	for _, j := range []struct {
		name  string
		judge func(evs []any) string
	}{
		{"CommitOrder", func(evs []any) string { return verdict(CommitOrder(history(evs...))) }},
		{"monitor kept", func(evs []any) string { return verdict(kept.Init().Check(history(evs...))) }},
		{"monitor kept, fed", func(evs []any) string {
			h := history(evs...)
			m := kept.Init()
			for _, e := range h.Events {
				m.Event(e)
			}
			return verdict(m.Check(h))
		}},
	} {
		t.Run(j.name, func(t *testing.T) {
			judge := j.judge
			var first []string
			for _, evs := range histories {
				first = append(first, judge(evs))
			}
			kinds := map[string]bool{}
			for i := range histories {
				for k := range histories { // every history after every other
					judge(histories[k])
					if got := judge(histories[i]); got != first[i] {
						t.Errorf("history %d after history %d: %s, alone: %s", i, k, got, first[i])
					}
				}
				kinds[first[i]] = true
			}
			if len(kinds) < 4 {
				t.Errorf("the histories should get different verdicts, got %v", first)
			}
		})
	}
}
