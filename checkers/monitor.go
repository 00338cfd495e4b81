package checkers

import (
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
	stopped bool   // a violation or the crash: later events change nothing
	bad     string // the kind of the violation, if any
}

// NewCommitOrderMonitor returns a monitor at the start of a history.
func NewCommitOrderMonitor() *CommitOrderMonitor {
	m := &CommitOrderMonitor{}
	m.c.init()
	return m
}

// Event implements sim.Monitor.
func (m *CommitOrderMonitor) Event(e sim.Event) {
	if m.stopped {
		return
	}
	if _, ok := e.Value.(Crash); ok {
		m.c.crashed, m.stopped = true, true
		return
	}
	if f := m.c.event(&sim.History{}, e); f != nil {
		m.stopped, m.bad = true, string(f.Kind)
	}
}

// Check implements sim.Monitor: CommitOrder on the whole history.
func (m *CommitOrderMonitor) Check(h *sim.History) *sim.Finding { return CommitOrder(h) }

// StateHash implements sim.Monitor.
func (m *CommitOrderMonitor) StateHash() uint64 {
	var h hasher
	c := &m.c
	h.bool(m.stopped)
	h.str(m.bad)
	h.bool(c.crashed)
	h.txns(c.queue)
	h.txns(c.binlog)
	for _, k := range sortedKeys(c.prepOrd) {
		h.int(k)
		h.txns(c.prepOrd[k])
	}
	h.int(-1)
	for _, k := range sortedKeys(c.commitOrd) {
		h.int(k)
		h.txns(c.commitOrd[k])
	}
	h.int(-1)
	// Sets and maps, in a canonical order.
	for _, t := range sortedTxns(c.engines) {
		h.txn(t)
		es := slices.Clone(c.engines[t])
		slices.Sort(es)
		for _, e := range es {
			h.int(e)
		}
		h.int(-1)
	}
	h.int(-2)
	for _, t := range sortedTxns(c.group) {
		h.txn(t)
		h.int(c.group[t])
	}
	h.int(-2)
	for _, g := range sortedInts(c.synced) {
		h.int(g)
		h.bool(c.synced[g])
	}
	h.int(-2)
	for _, g := range sortedInts(c.failed) {
		h.int(g)
		h.bool(c.failed[g])
	}
	h.int(-2)
	for _, t := range sortedTxns(c.committedIn) {
		h.txn(t)
		h.int(c.committedIn[t])
	}
	h.int(-2)
	begun := slices.Clone(c.begun)
	slices.SortFunc(begun, compareTxn)
	h.txns(begun)
	for _, t := range sortedTxns(c.returned) {
		h.txn(t)
		h.bool(c.returned[t])
	}
	h.int(-2)
	for _, t := range sortedTxns(c.xidFailed) {
		h.txn(t)
		h.bool(c.xidFailed[t])
	}
	return h.h
}

func compareTxn(a, b Txn) int {
	if a.Thread != b.Thread {
		return a.Thread - b.Thread
	}
	return a.Seq - b.Seq
}

func sortedTxns[V any](m map[Txn]V) []Txn {
	ks := make([]Txn, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, compareTxn)
	return ks
}

func sortedInts[V any](m map[int]V) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
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

func (h *hasher) txn(t Txn) {
	h.int(t.Thread)
	h.int(t.Seq)
}

func (h *hasher) txns(ts []Txn) {
	h.int(len(ts))
	for _, t := range ts {
		h.txn(t)
	}
}
