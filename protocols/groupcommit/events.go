package groupcommit

import "github.com/simrun/simrun/checkers"

// events holds the events the shared plumbing records, boxed once per
// scenario instead of once per execution. Recording a struct as an `any`
// allocates, and these events were most of an execution's allocations
// (31 of 57 for lockfree at 4 threads); their values depend only on the
// workload (thread, sequence number, engine, group number), so every
// execution of a scenario can record the same boxed values. A boxed
// value cannot be changed, so sharing one between executions, even
// between workers running at once, is safe, and a trace cannot tell a
// shared box from a fresh one.
//
// A value outside the tables (a transaction a protocol made up, a group
// number past the workload's transactions, a workload too big to table)
// is boxed when recorded, as before.
type events struct {
	threads, txns, engines int
	begin                  []any              // by txn index
	returned               [2][]any           // by Err, txn index
	enqueued               [2][]any           // by Leader, txn index
	byEngine               [engineSteps][]any // by step, txn index * engines + engine
	binlogWrite            []any              // by txn index * txns in all + group-1
	binlogSync             [2][]any           // by Err, group-1
}

// engineStep is an engine's step, the kind of event it records.
type engineStep int

const (
	stepPrepared       engineStep = iota // checkers.Prepared
	stepPrepareOrdered                   // checkers.PrepareOrdered
	stepCommitOrdered                    // checkers.CommitOrdered
	stepCommitted                        // checkers.Committed
	engineSteps
)

// engineEventOf is the event of step for t in engine, boxed afresh.
func engineEventOf(step engineStep, t checkers.Txn, engine int) any {
	switch step {
	case stepPrepared:
		return checkers.Prepared{Txn: t, Engine: engine}
	case stepPrepareOrdered:
		return checkers.PrepareOrdered{Txn: t, Engine: engine}
	case stepCommitOrdered:
		return checkers.CommitOrdered{Txn: t, Engine: engine}
	default:
		return checkers.Committed{Txn: t, Engine: engine}
	}
}

// Limits of the tables: a bigger workload records what the tables leave
// out boxed afresh, rather than spend memory and build time on tables.
const (
	maxTabledTxns       = 256 // transactions in all, for the per-transaction events
	maxTabledGroupTxns  = 64  // transactions in all, for BinlogWrite (a table of n*n)
	tabledEventsPerTxns = 7   // Begin, Returned twice, Enqueued twice, BinlogSync twice (a group per transaction at most)
)

// newEvents boxes the events of cfg's workload; nil when it is too big.
func newEvents(cfg Config) *events {
	n := cfg.Threads * cfg.Txns
	if n > maxTabledTxns {
		return nil
	}
	ev := &events{threads: cfg.Threads, txns: cfg.Txns, engines: cfg.Engines}
	// One array holds every table but BinlogWrite's.
	all := make([]any, n*(tabledEventsPerTxns+int(engineSteps)*cfg.Engines))
	take := func(k int) []any {
		s := all[:k:k]
		all = all[k:]
		return s
	}
	ev.begin = take(n)
	ev.returned = [2][]any{take(n), take(n)}
	ev.enqueued = [2][]any{take(n), take(n)}
	for step := range ev.byEngine {
		ev.byEngine[step] = take(n * cfg.Engines)
	}
	ev.binlogSync = [2][]any{take(n), take(n)}
	if n <= maxTabledGroupTxns {
		ev.binlogWrite = make([]any, n*n)
	}
	for th := 1; th <= cfg.Threads; th++ {
		for seq := 1; seq <= cfg.Txns; seq++ {
			t := checkers.Txn{Thread: th, Seq: seq}
			i := ev.txn(t)
			ev.begin[i] = checkers.Begin{Txn: t}
			ev.returned[0][i] = checkers.Returned{Txn: t}
			ev.returned[1][i] = checkers.Returned{Txn: t, Err: true}
			ev.enqueued[0][i] = checkers.Enqueued{Txn: t}
			ev.enqueued[1][i] = checkers.Enqueued{Txn: t, Leader: true}
			for e := 0; e < cfg.Engines; e++ {
				for step := range ev.byEngine {
					ev.byEngine[step][i*cfg.Engines+e] = engineEventOf(engineStep(step), t, e)
				}
			}
			if ev.binlogWrite != nil {
				for g := 1; g <= n; g++ {
					ev.binlogWrite[i*n+g-1] = checkers.BinlogWrite{Txn: t, Group: g}
				}
			}
		}
	}
	for g := 1; g <= n; g++ {
		ev.binlogSync[0][g-1] = checkers.BinlogSync{Group: g}
		ev.binlogSync[1][g-1] = checkers.BinlogSync{Group: g, Err: true}
	}
	return ev
}

// txn is t's index in the tables, or -1 when it is not in the workload
// (or there are no tables).
func (ev *events) txn(t checkers.Txn) int {
	if ev == nil || t.Thread < 1 || t.Thread > ev.threads || t.Seq < 1 || t.Seq > ev.txns {
		return -1
	}
	return (t.Thread-1)*ev.txns + t.Seq - 1
}

// engine is the index of t and engine in the per-engine tables, or -1
// when they leave it out.
func (ev *events) engine(t checkers.Txn, engine int) int {
	if i := ev.txn(t); i >= 0 && engine >= 0 && engine < ev.engines {
		return i*ev.engines + engine
	}
	return -1
}

func (ev *events) beginOf(t checkers.Txn) any {
	if i := ev.txn(t); i >= 0 {
		return ev.begin[i]
	}
	return checkers.Begin{Txn: t}
}

func (ev *events) returnedOf(t checkers.Txn, err bool) any {
	if i := ev.txn(t); i >= 0 {
		return ev.returned[b2i(err)][i]
	}
	return checkers.Returned{Txn: t, Err: err}
}

func (ev *events) enqueuedOf(t checkers.Txn, leader bool) any {
	if i := ev.txn(t); i >= 0 {
		return ev.enqueued[b2i(leader)][i]
	}
	return checkers.Enqueued{Txn: t, Leader: leader}
}

// Enqueued is the event a protocol records when t enters the commit
// queue, leader if t found it empty: checkers.Enqueued, boxed once per
// scenario like the events the plumbing records.
func (s *Server) Enqueued(t checkers.Txn, leader bool) any { return s.events.enqueuedOf(t, leader) }

// engineEvent is the event of step for t in engine.
func (ev *events) engineEvent(step engineStep, t checkers.Txn, engine int) any {
	if k := ev.engine(t, engine); k >= 0 {
		return ev.byEngine[step][k]
	}
	return engineEventOf(step, t, engine)
}

func (ev *events) binlogWriteOf(t checkers.Txn, group int) any {
	if i := ev.txn(t); i >= 0 && ev.binlogWrite != nil && group >= 1 && group <= len(ev.begin) {
		return ev.binlogWrite[i*len(ev.begin)+group-1]
	}
	return checkers.BinlogWrite{Txn: t, Group: group}
}

func (ev *events) binlogSyncOf(group int, err bool) any {
	if ev != nil && group >= 1 && group <= len(ev.begin) {
		return ev.binlogSync[b2i(err)][group-1]
	}
	return checkers.BinlogSync{Group: group, Err: err}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
