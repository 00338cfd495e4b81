package checkers

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/simrun/simrun/sim"
)

// monitorOp is a step of a monitor's life in TestCommitOrderMonitorCache:
// an event, a hash query (renamed by perm unless it is nil) or Init.
type monitorOp struct {
	event any
	query bool
	perm  []int // the thread numbers 1, 2, 3 renamed to perm[0], perm[1], perm[2]
	init  bool
}

// cacheMismatch runs ops on one monitor and answers every hash query
// with it (StateHash caches its value between events) and with a monitor
// made fresh and fed the events since the last Init, whose hash is
// computed anew (RenamedStateHash, which caches nothing). afterEvent, if
// not nil, runs on the monitor after each of its events. It describes
// the first query they answer differently, or returns "".
func cacheMismatch(ops []monitorOp, afterEvent func(*CommitOrderMonitor)) string {
	m := NewCommitOrderMonitor()
	var evs []sim.Event
	for i, o := range ops {
		switch {
		case o.init:
			m.Init()
			evs = evs[:0]
		case o.query:
			fresh := NewCommitOrderMonitor()
			for _, e := range evs {
				fresh.Event(e)
			}
			got, want := m.StateHash(), fresh.RenamedStateHash(sameThread)
			if o.perm != nil {
				rename := func(t int) int {
					if t >= 1 && t <= len(o.perm) {
						return o.perm[t-1]
					}
					return t
				}
				got, want = m.RenamedStateHash(rename), fresh.RenamedStateHash(rename)
			}
			if got != want {
				return fmt.Sprintf("op %d (rename %v) after %d events: hash %x, computed anew %x", i, o.perm, len(evs), got, want)
			}
		default:
			e := sim.Event{Step: len(evs) + 1, Actor: 1, Value: o.event}
			evs = append(evs, e)
			m.Event(e)
			if afterEvent != nil {
				afterEvent(m)
			}
		}
	}
	return ""
}

// drawEvent draws a group-commit event over three threads, two
// transactions each and two engines, in binlog groups of the monitor's
// dense range and out of it.
func drawEvent(t *rapid.T) any {
	txn := Txn{Thread: rapid.IntRange(1, 3).Draw(t, "thread"), Seq: rapid.IntRange(1, 2).Draw(t, "seq")}
	engine := rapid.IntRange(0, 1).Draw(t, "engine")
	group := rapid.SampledFrom([]int{0, 1, 2, denseGroups + 6}).Draw(t, "group")
	flag := rapid.Bool().Draw(t, "flag")
	return rapid.SampledFrom([]any{
		Begin{txn}, Prepared{txn, engine}, PrepareOrdered{txn, engine}, Enqueued{txn, flag},
		BinlogWrite{txn, group}, BinlogSync{group, flag}, XidError{txn, group}, RolledBack{txn, "kill"},
		CommitOrdered{txn, engine}, Committed{txn, engine}, DelayedError{txn, "rotate"}, Returned{txn, flag},
		Crash{},
	}).Draw(t, "event")
}

// TestCommitOrderMonitorCache: the monitor's hashes, StateHash cached
// between events and RenamedStateHash under any renaming of the threads,
// are those of a monitor fed the same events and asked once, over random
// event sequences with queries and Inits between; and with a seeded bug
// (an event that does not invalidate the cached hash) the comparison
// fails.
func TestCommitOrderMonitorCache(t *testing.T) {
	perms := [][]int{nil, {1, 2, 3}, {2, 1, 3}, {3, 2, 1}, {2, 3, 1}}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 60).Draw(t, "ops")
		ops := make([]monitorOp, n)
		for i := range ops {
			switch k := rapid.IntRange(0, 9).Draw(t, "kind"); {
			case k < 6:
				ops[i].event = drawEvent(t)
			case k < 9:
				ops[i].query = true
				ops[i].perm = rapid.SampledFrom(perms).Draw(t, "perm")
			default:
				ops[i].init = true
			}
		}
		if msg := cacheMismatch(ops, nil); msg != "" {
			t.Fatal(msg)
		}
	})

	t.Run("seeded bug", func(t *testing.T) {
		ops := []monitorOp{{event: Begin{t1}}, {query: true}, {event: Begin{t2}}, {query: true}}
		keepHash := func(m *CommitOrderMonitor) { m.dirty = false } // the event leaves the cached hash
		if msg := cacheMismatch(ops, keepHash); msg == "" {
			t.Error("an event that leaves the cached hash is not caught")
		}
	})
}
