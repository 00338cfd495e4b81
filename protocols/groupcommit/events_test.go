package groupcommit

import (
	"fmt"
	"testing"

	"github.com/simrun/simrun/checkers"
)

// TestEventsSameValues checks that the boxed events are the values the
// plumbing recorded before, in the tables and out of them (a transaction,
// engine or group outside the workload, a workload too big to table, no
// tables at all), so that traces cannot change.
func TestEventsSameValues(t *testing.T) {
	configs := []Config{
		{Threads: 4, Txns: 1, Engines: 1},
		{Threads: 3, Txns: 2, Engines: 2},
		{Threads: 16, Txns: 5, Engines: 2},  // too big for BinlogWrite's table
		{Threads: 300, Txns: 1, Engines: 1}, // too big for any table
	}
	for _, cfg := range configs {
		n := cfg.Threads * cfg.Txns
		ev := newEvents(cfg)
		for _, e := range []*events{ev, nil} {
			name := fmt.Sprintf("%dx%dx%d/tables=%v", cfg.Threads, cfg.Txns, cfg.Engines, e != nil)
			t.Run(name, func(t *testing.T) {
				check := func(got, want any) {
					t.Helper()
					if got != want {
						t.Errorf("got %#v, want %#v", got, want)
					}
				}
				for th := 0; th <= cfg.Threads+1; th++ {
					for seq := 0; seq <= cfg.Txns+1; seq++ {
						txn := checkers.Txn{Thread: th, Seq: seq}
						check(e.beginOf(txn), checkers.Begin{Txn: txn})
						for _, err := range []bool{false, true} {
							check(e.returnedOf(txn, err), checkers.Returned{Txn: txn, Err: err})
							check(e.enqueuedOf(txn, err), checkers.Enqueued{Txn: txn, Leader: err})
						}
						for engine := -1; engine <= cfg.Engines; engine++ {
							check(e.engineEvent(stepPrepared, txn, engine), checkers.Prepared{Txn: txn, Engine: engine})
							check(e.engineEvent(stepPrepareOrdered, txn, engine), checkers.PrepareOrdered{Txn: txn, Engine: engine})
							check(e.engineEvent(stepCommitOrdered, txn, engine), checkers.CommitOrdered{Txn: txn, Engine: engine})
							check(e.engineEvent(stepCommitted, txn, engine), checkers.Committed{Txn: txn, Engine: engine})
						}
						for _, g := range []int{0, 1, n, n + 1} {
							check(e.binlogWriteOf(txn, g), checkers.BinlogWrite{Txn: txn, Group: g})
						}
					}
				}
				for g := -1; g <= n+1; g++ {
					for _, err := range []bool{false, true} {
						check(e.binlogSyncOf(g, err), checkers.BinlogSync{Group: g, Err: err})
					}
				}
			})
		}
	}
}

// TestEventsNoAllocation checks that an event in the tables costs no
// allocation when recorded, and that one outside them does (the
// measurement sees an allocation when there is one).
func TestEventsNoAllocation(t *testing.T) {
	ev := newEvents(Config{Threads: 4, Txns: 1, Engines: 1})
	var sink any
	tests := []struct {
		name   string
		record func()
		allocs float64
	}{
		{"Begin in the table", func() { sink = ev.beginOf(checkers.Txn{Thread: 2, Seq: 1}) }, 0},
		{"Prepared in the table", func() { sink = ev.engineEvent(stepPrepared, checkers.Txn{Thread: 4, Seq: 1}, 0) }, 0},
		{"BinlogWrite in the table", func() { sink = ev.binlogWriteOf(checkers.Txn{Thread: 3, Seq: 1}, 4) }, 0},
		{"BinlogSync in the table", func() { sink = ev.binlogSyncOf(2, true) }, 0},
		{"Enqueued in the table", func() { sink = ev.enqueuedOf(checkers.Txn{Thread: 1, Seq: 1}, true) }, 0},
		{"Enqueued past the txns", func() { sink = ev.enqueuedOf(checkers.Txn{Thread: 1, Seq: 2}, false) }, 1},
		{"Begin past the threads", func() { sink = ev.beginOf(checkers.Txn{Thread: 5, Seq: 1}) }, 1},
		{"BinlogSync past the groups", func() { sink = ev.binlogSyncOf(5, false) }, 1},
	}
	for _, tt := range tests {
		if got := testing.AllocsPerRun(100, tt.record); got != tt.allocs {
			t.Errorf("%s: %v allocations, want %v", tt.name, got, tt.allocs)
		}
	}
	_ = sink
}
