package checkers

import (
	"maps"
	"slices"

	"github.com/simrun/simrun/sim"
)

// CommitOrderMonitor is CommitOrder as an incremental monitor (sim.Monitor):
// it folds each event into the same state CommitOrder builds, stops at the
// first violation (or the crash), as CommitOrder does, and hashes that
// state canonically. The state keeps the orders CommitOrder compares
// (queue, binlog, prepare_ordered and commit_ordered per engine) and, as
// sets, what it only looks up (begun, returned, groups, failures); the
// relative order of events on different projections is not in it, which
// is what lets a stateful search merge the executions that differ only in
// that order. Check is CommitOrder itself, so verdicts and messages are
// those of the history check.
type CommitOrderMonitor struct {
	c       orderCheck
	started bool   // c is initialised: an event came (state matching only)
	stopped bool   // a violation or the crash: later events change nothing
	bad     string // the kind of the violation, if any
	hash    uint64 // StateHash, valid while !dirty
	dirty   bool
	// whole is Check's state, kept (as mem) by Init, and checked says
	// Check has run once on m.
	whole   orderCheck
	checked bool
	// mem is the first memory of c's slices. A scenario makes its
	// monitor anew every execution, in memory it allocates anyway (see
	// Init): with this the monitor allocates nothing more at up to
	// monitorTxns threads of one transaction each, monitorEngines
	// engines and monitorTxns binlog groups, where its slices grew one
	// append at a time (a third of a stateful search's allocations). So
	// a monitor must not be copied once it has had an event.
	mem struct {
		dense                [monitorTxns]int32
		txns                 [monitorTxns]txnState
		queue, binlog, begun [monitorTxns]Txn
		orders               [2][monitorEngines]engineOrder
		seqs                 [2 * monitorEngines][monitorTxns]Txn
		spare                [2 * monitorEngines][]Txn
		groups               [monitorTxns]groupState
	}
}

// The workload a CommitOrderMonitor has memory for (mem) before it
// allocates.
const monitorTxns, monitorEngines = 8, 2

// NewCommitOrderMonitor returns a monitor at the start of a history. It
// sets its state up at the first event, so that it costs little more
// than its memory when only its Check runs.
func NewCommitOrderMonitor() *CommitOrderMonitor { return new(CommitOrderMonitor).Init() }

// Init makes m a monitor at the start of a history, as
// NewCommitOrderMonitor returns one, and returns it: a scenario that
// makes a monitor every execution can keep it in memory it allocates
// anyway.
func (m *CommitOrderMonitor) Init() *CommitOrderMonitor {
	// Field by field, mem left as it is: start slices its arrays to
	// length 0 and every use writes an element before reading it
	// (orderCheck.state and setGroup grow dense and groups with zeroes),
	// and zeroing mem's 1.5 KB was most of the monitor's cost an
	// execution.
	m.c = orderCheck{}
	m.started, m.stopped, m.bad, m.hash, m.dirty = false, false, "", 0, true
	return m
}

// Event implements sim.Monitor.
func (m *CommitOrderMonitor) Event(e sim.Event) {
	if !m.started {
		m.start()
	}
	if m.stopped {
		return
	}
	m.dirty = true
	if _, ok := e.Value.(Crash); ok {
		m.c.crashed, m.stopped = true, true
		return
	}
	if f := m.c.event(&sim.History{}, e); f != nil {
		m.stopped, m.bad = true, string(f.Kind)
	}
}

// start readies m's state for its first event, in m's own memory.
func (m *CommitOrderMonitor) start() {
	m.started = true
	k := &m.mem
	m.c = orderCheck{
		dense: k.dense[:0], txns: k.txns[:0],
		queue: k.queue[:0], binlog: k.binlog[:0], begun: k.begun[:0],
		prepOrd: k.orders[0][:0], commitOrd: k.orders[1][:0],
		groups: k.groups[:0],
		spare:  k.spare[:0],
	}
	for i := range k.seqs {
		m.c.spare = append(m.c.spare, k.seqs[i][:0])
	}
}

// Check implements sim.Monitor: CommitOrder on the whole history.
func (m *CommitOrderMonitor) Check(h *sim.History) *sim.Finding {
	if !m.checked {
		// A monitor's first check: made anew every execution, it would
		// grow its own state's slices every time; the pool's are grown.
		m.checked = true
		return CommitOrder(h)
	}
	// A monitor kept from one execution to the next (Init): its own
	// check state, grown by earlier checks, saves the pool's get and put.
	m.whole.reset()
	return m.whole.check(h)
}

// StateHash implements sim.Monitor.
func (m *CommitOrderMonitor) StateHash() uint64 {
	if m.dirty {
		m.hash, m.dirty = m.RenamedStateHash(sameThread), false
	}
	return m.hash
}

func sameThread(t int) int { return t }

// RenamedStateHash implements sim.SymmetricMonitor: StateHash of the
// state with every thread number t renamed to rename(t), for symmetry
// reduction over the group-commit threads (the check's verdict does not
// depend on which thread is which). The orders are hashed in order, the
// per-transaction state and the sets order-free, since sorting them by
// thread number would not survive the renaming. An engine with no call
// yet hashes as absent, whether or not an earlier execution left its
// slot.
func (m *CommitOrderMonitor) RenamedStateHash(rename func(thread int) int) uint64 {
	var h hasher
	c := &m.c
	txn := func(h *hasher, t Txn) {
		h.int(rename(t.Thread))
		h.int(t.Seq)
	}
	txns := func(ts []Txn) {
		h.int(len(ts))
		for _, t := range ts {
			txn(&h, t)
		}
	}
	h.bool(m.stopped)
	h.str(m.bad)
	h.bool(c.crashed)
	txns(c.queue)
	txns(c.binlog)
	for _, os := range [][]engineOrder{c.prepOrd, c.commitOrd} {
		for _, o := range os {
			if len(o.seq) > 0 {
				h.int(o.engine)
				txns(o.seq)
			}
		}
		h.int(-1)
	}
	var sum uint64 // order-free over transactions
	for i := range c.txns {
		st := &c.txns[i]
		var e hasher
		txn(&e, st.txn)
		e.int(st.engines)
		e.int(st.group)
		e.bool(st.binlogged)
		e.int(st.committedIn)
		e.bool(st.returned)
		e.bool(st.xidFailed)
		e.bool(st.rolledBack)
		e.bool(st.delayed)
		sum += spread(e.h)
	}
	h.int(int(sum))
	h.int(len(c.txns))
	// The groups fsynced so far, by ascending number.
	group := func(g int, st groupState) {
		h.int(g)
		h.bool(st.synced)
		h.bool(st.failed)
	}
	if len(c.groupsFar) == 0 {
		for g, st := range c.groups {
			if st != (groupState{}) {
				group(g, st)
			}
		}
	} else {
		keys := slices.Collect(maps.Keys(c.groupsFar))
		for g, st := range c.groups {
			if st != (groupState{}) {
				keys = append(keys, g)
			}
		}
		slices.Sort(keys)
		for _, g := range keys {
			group(g, c.group(g))
		}
	}
	h.int(-2)
	sum = 0
	for _, t := range c.begun {
		var e hasher
		txn(&e, t)
		sum += spread(e.h)
	}
	h.int(int(sum))
	h.int(len(c.begun))
	return h.h
}

// spread mixes the bits of a hash, so that a sum of spread hashes (an
// order-free combination) stays well mixed.
func spread(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb93fe53ccd4b
	return h ^ (h >> 33)
}

// CompareTxn orders transactions by thread, then by sequence number.
func CompareTxn(a, b Txn) int {
	if a.Thread != b.Thread {
		return a.Thread - b.Thread
	}
	return a.Seq - b.Seq
}

// hasher is a small deterministic hash (a multiply-xorshift chain): the
// same state hashes the same in every process, so searches stay
// reproducible.
type hasher struct{ h uint64 }

func (h *hasher) int(n int) {
	h.h ^= uint64(n) + 0x9e3779b97f4a7c15
	h.h *= 0xbf58476d1ce4e5b9
	h.h ^= h.h >> 31
}

func (h *hasher) bool(b bool) {
	if b {
		h.int(1)
	} else {
		h.int(0)
	}
}

func (h *hasher) str(s string) {
	h.int(len(s))
	for i := 0; i < len(s); i++ {
		h.int(int(s[i]))
	}
}
