package checkers

import (
	"testing"

	"github.com/simrun/simrun/sim"
)

// monitorOf feeds a history's events to a fresh monitor.
func monitorOf(h *sim.History) *CommitOrderMonitor {
	m := NewCommitOrderMonitor()
	for _, e := range h.Events {
		m.Event(e)
	}
	return m
}

// TestCommitOrderMonitor: the monitor's hash tells apart what CommitOrder
// compares (the binlog order) and not what it does not (the order of
// events on different projections), and its verdict is CommitOrder's,
// passing and failing.
func TestCommitOrderMonitor(t *testing.T) {
	prefix := []any{Begin{t1}, Begin{t2}, Prepared{t1, 0}, Prepared{t2, 0}, Enqueued{t1, true}, Enqueued{t2, false}}
	end := []any{BinlogSync{Group: 1}, CommitOrdered{t1, 0}, CommitOrdered{t2, 0}, Returned{t1, false}, Returned{t2, false}}
	cat := func(parts ...[]any) []any {
		var out []any
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	good := cat(prefix, []any{BinlogWrite{t1, 1}, BinlogWrite{t2, 1}}, end)
	// Begin and Prepared of different transactions swapped: a different
	// history, the same monitor state.
	swapped := cat([]any{Begin{t2}, Begin{t1}, Prepared{t2, 0}, Prepared{t1, 0}, Enqueued{t1, true}, Enqueued{t2, false},
		BinlogWrite{t1, 1}, BinlogWrite{t2, 1}}, end)
	// The binlog in the other order: a misorder.
	bad := cat(prefix, []any{BinlogWrite{t2, 1}, BinlogWrite{t1, 1}}, end)
	for _, c := range []struct {
		name string
		a, b []any
		same bool
	}{
		{"independent events reordered", good, swapped, true},
		{"binlog order differs", good, bad, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ha, hb := monitorOf(history(c.a...)).StateHash(), monitorOf(history(c.b...)).StateHash()
			if (ha == hb) != c.same {
				t.Errorf("hashes %x and %x: same %v, want %v", ha, hb, ha == hb, c.same)
			}
		})
	}
	for _, c := range []struct {
		name string
		evs  []any
		want sim.Kind
	}{
		{"good", good, ""},
		{"bad", bad, Misorder},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := history(c.evs...)
			m := monitorOf(h)
			f := m.Check(h)
			if got := kindOf(f); got != c.want {
				t.Errorf("Check: %q, want %q", got, c.want)
			}
			if g := kindOf(CommitOrder(h)); g != kindOf(f) {
				t.Errorf("Check %q differs from CommitOrder %q", kindOf(f), g)
			}
		})
	}
}

func kindOf(f *sim.Finding) sim.Kind {
	if f == nil {
		return ""
	}
	return f.Kind
}

// TestCommitOrderMonitorInit: a monitor used on one history and made new
// with Init is in the state of a fresh one, before and after the events
// of another history; fed on without Init it is not (the test can fail).
func TestCommitOrderMonitorInit(t *testing.T) {
	bad := history(Begin{t1}, Prepared{t1, 0}, Enqueued{t1, true}, BinlogWrite{t1, 1}, Returned{t1, false})
	good := history(Begin{t2}, Prepared{t2, 0}, Enqueued{t2, true}, BinlogWrite{t2, 1}, BinlogSync{Group: 1},
		CommitOrdered{t2, 0}, Returned{t2, false})
	feed := func(m *CommitOrderMonitor, h *sim.History) *CommitOrderMonitor {
		for _, e := range h.Events {
			m.Event(e)
		}
		return m
	}
	tests := []struct {
		name string
		init bool
		same bool
	}{
		{"with Init", true, true},
		{"without Init", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			used := monitorOf(bad)
			used.StateHash()
			if tt.init {
				used.Init()
				if got, want := used.StateHash(), NewCommitOrderMonitor().StateHash(); got != want {
					t.Errorf("after Init: hash %x, a fresh monitor's %x", got, want)
				}
			}
			got, want := feed(used, good).StateHash(), monitorOf(good).StateHash()
			if (got == want) != tt.same {
				t.Errorf("hash %x, a fresh monitor's %x: same %v, want %v", got, want, got == want, tt.same)
			}
		})
	}
}
