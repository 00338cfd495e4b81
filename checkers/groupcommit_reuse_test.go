package checkers

import "testing"

// TestCommitOrderReuse checks that CommitOrder's reused state is reset: a
// history judged right after others (a crash, a misorder, an error, two
// engines) gets the finding it gets first.
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
	judge := func(evs []any) string {
		if f := CommitOrder(history(evs...)); f != nil {
			return string(f.Kind) + ": " + f.Message
		}
		return "clean"
	}
	var first []string
	for _, evs := range histories {
		first = append(first, judge(evs))
	}
	kinds := map[string]bool{}
	for i := range histories {
		for j := range histories { // every history after every other
			judge(histories[j])
			if got := judge(histories[i]); got != first[i] {
				t.Errorf("history %d after history %d: %s, alone: %s", i, j, got, first[i])
			}
		}
		kinds[first[i]] = true
	}
	if len(kinds) < 4 {
		t.Errorf("the histories should get different verdicts, got %v", first)
	}
}
