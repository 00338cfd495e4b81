package sim

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/simrun/simrun/scheduler"
)

// Replayed prefixes. A stateful search re-creates a state by replaying the
// decisions that lead to it from the root (Go cannot fork a coroutine), so
// most of its steps replay the previous execution's prefix: at 4 threads
// ~95%. Their state-matching bookkeeping (each actor's observation hash,
// the member references its local state collects, the call chains of
// Objects without a declared state: what stateStep, observe and
// observeValue write) is read only by a state hash, and the strategy asks
// for none before the first decision that differs from the previous
// execution. When the strategy says how many decisions replay
// (scheduler.PrefixReplayer), those steps skip it, and at the first
// decision that differs it is restored from what the previous execution
// saved at that decision: the steps before a decision are the same in
// every execution whose earlier decisions are the same (determinism), so
// what they computed then is what they would compute now.
//
// The log keeps, by decision index j, a mark of the bookkeeping at the
// moment decision j was asked. A mark is saved lazily, by the first
// bookkeeping write after it (the state is unchanged between a decision
// and the next write, so one copy serves every decision in between), and
// stays valid as long as the path's decisions before j do: an execution
// that replays n decisions keeps the marks up to n and writes those after.
// Under SIMRUN_HASHCHECK=1 nothing is skipped: the bookkeeping is computed
// step by step and compared with what the restore gives.

// replayLog is the bookkeeping saved by decision, kept from one execution
// to the next while they are consecutive executions of one strategy.
type replayLog struct {
	owner scheduler.PrefixReplayer // whose executions the marks are of; nil: none
	run   uint64                   // the owner's execution that wrote it last
	at    []replayMark             // by decision index: the bookkeeping when it was asked
	upto  int                      // at[:upto] hold for the current path
	vals  []uint64                 // the marks' values (replayMark)
	// refs holds, by actor id, the member references its local state
	// collected (symmetry.refs): every valid mark's are a prefix of it.
	refs   [][]int8
	synced []int // by actor id: refs[a] holds this execution's references up to here
	// chains are the writes of Objects' call chains (stateStep), in
	// order: every valid mark's are a prefix. (Not the chains
	// themselves: objects are created, and declare their state, between
	// a decision and the write that saves its mark.)
	chains []chainWrite

	// The current execution's.
	skip    int  // the hooks skip while at most skip decisions are made; -1: none
	pending bool // the restore at decision skip is still to do
	broke   bool // a step has set symmetry.broken (stateStep), whose place among its other writers a restore cannot know
	logging bool // chain writes go to chains: past the replayed prefix
}

// chainWrite is a step's write of an Object's call chain.
type chainWrite struct {
	obj int
	val uint64
}

// replayMark is the bookkeeping at a decision: vals[lo:] holds nObs
// observation hashes (stateRec.obs) and nRefs lengths of the actors'
// member references; chains[:nChains] are the call chains' writes.
type replayMark struct {
	lo          int
	nObs, nRefs int
	nChains     int
	broke       bool
}

func (m *replayMark) end() int { return m.lo + m.nObs + m.nRefs }

// noReplaySkip turns the skipping off (tests: the reference); replayBug
// restores from the decision before the right one (a seeded bug for the
// check to catch).
var noReplaySkip, replayBug bool

// begin prepares the log for an execution under strat, which has begun
// (Begin): it returns nil unless strat is a PrefixReplayer. The previous
// execution's marks serve only if it was strat's previous one.
func (l *replayLog) begin(strat scheduler.Strategy) *replayLog {
	p, ok := strat.(scheduler.PrefixReplayer)
	if !ok {
		if l != nil {
			l.owner = nil
		}
		return nil
	}
	if l == nil {
		l = &replayLog{}
	}
	run, n := p.ReplayedPrefix()
	r := -1
	if l.owner != nil && reflect.TypeOf(p).Comparable() && l.owner == p && l.run+1 == run && !noReplaySkip {
		r = min(n, l.upto-1)
		if r >= 0 && l.at[r].broke {
			r = -1
		}
	}
	l.owner, l.run = p, run
	l.skip, l.pending, l.broke, l.logging = r, r >= 0, false, r < 0
	if r < 0 {
		l.chains = l.chains[:0]
	}
	l.upto = r + 1
	l.vals = l.vals[:0]
	if r >= 0 {
		l.vals = l.vals[:l.at[r].end()]
	}
	l.synced = clear0(l.synced)
	return l
}

// replayed is the hooks' gate (stateStep, observe, observeValue): it
// reports whether the step is in the replayed prefix, whose bookkeeping
// is skipped. Otherwise it restores the bookkeeping the prefix skipped,
// the first time, and saves the mark of every decision asked since the
// last write.
func (x *Execution) replayed() bool {
	l := x.stateRec.prefix
	if l == nil {
		return false
	}
	d := len(x.path.Decisions)
	if d <= l.skip {
		return !checkStateCache // the check computes it, to compare
	}
	if l.pending {
		x.replayRestore()
	}
	if d > l.upto {
		l.save(x, d)
	}
	return false
}

// save marks the bookkeeping as that of decisions upto..d-1: it has not
// changed since they were asked.
func (l *replayLog) save(x *Execution, d int) {
	s := &x.stateRec
	m := replayMark{lo: len(l.vals), nObs: len(s.obs), nChains: len(l.chains), broke: l.broke}
	l.vals = append(l.vals, s.obs...)
	if sym := s.sym; sym != nil {
		m.nRefs = len(sym.refs)
		for len(l.refs) < len(sym.refs) {
			l.refs = append(l.refs, nil)
		}
		for len(l.synced) < len(sym.refs) {
			l.synced = append(l.synced, 0)
		}
		for a, refs := range sym.refs {
			// An actor's references only grow during an execution: the
			// ones synced are there already.
			k := min(l.synced[a], len(refs))
			l.refs[a] = append(l.refs[a][:k], refs[k:]...)
			l.synced[a] = len(refs)
			l.vals = append(l.vals, uint64(len(refs)))
		}
	}
	for len(l.at) < d {
		l.at = append(l.at, replayMark{})
	}
	for j := l.upto; j < d; j++ {
		l.at[j] = m
	}
	l.upto = d
}

// replayRestore sets the bookkeeping to the mark of decision skip, the
// first that may differ from the previous execution: the steps before it
// skipped theirs. The call chains' writes are done again, but for
// objects that declared their state (StateOf, not skipped): a declared
// object's chain is the mark, whether declared before a write or after.
func (x *Execution) replayRestore() {
	s := &x.stateRec
	l := s.prefix
	l.pending = false
	// At the first write past decision skip; or at a hash before it (a
	// strategy that hashes in its replayed prefix), whose decision's
	// mark holds too: the hooks from there on compute.
	j := min(l.skip, len(x.path.Decisions))
	l.skip = j
	if replayBug && j > 0 {
		j--
	}
	m := l.at[j]
	v := l.vals[m.lo:m.end()]
	obs, lens := v[:m.nObs], v[m.nObs:]
	if m.nRefs > 0 && s.sym == nil {
		x.replayDiverged(j)
		return
	}
	var was *replayCheck
	if checkStateCache {
		was = x.replayStash()
	}
	s.obs = append(s.obs[:0], obs...)
	for _, w := range l.chains[:m.nChains] {
		if w.obj >= len(s.chain) {
			x.replayDiverged(j)
			return
		}
		if s.chain[w.obj] != declaredChain {
			s.chain[w.obj] = w.val
		}
	}
	l.chains, l.logging = l.chains[:m.nChains], true
	if sym := s.sym; sym != nil {
		for len(sym.refs) < len(lens) {
			sym.refs = append(sym.refs, nil)
		}
		for len(l.synced) < len(sym.refs) {
			l.synced = append(l.synced, 0)
		}
		for a := range sym.refs {
			// (sym.refs may list more actors: a previous execution's
			// arrays.)
			n := 0
			if a < len(lens) {
				n = int(lens[a])
			}
			if n > 0 && (a >= len(l.refs) || n > len(l.refs[a])) {
				x.replayDiverged(j)
				return
			}
			sym.refs[a] = sym.refs[a][:0]
			if n > 0 {
				sym.refs[a] = append(sym.refs[a], l.refs[a][:n]...)
			}
			l.synced[a] = n
		}
	}
	l.broke = m.broke
	if was != nil {
		x.replayCompare(was, j)
	}
}

// replayDiverged stops a search whose replayed prefix did not re-create
// the state it had: the scenario is not deterministic.
func (x *Execution) replayDiverged(j int) {
	x.stateRec.prefix.skip = -1
	x.refuseStatesAs(fmt.Sprintf("stateful: replaying a decision prefix gave a different state at decision %d (the scenario is not deterministic)", j))
}

// replayCheck is the bookkeeping the steps of a replayed prefix computed,
// under SIMRUN_HASHCHECK=1.
type replayCheck struct {
	obs, chain []uint64
	refs       [][]int8
}

func (x *Execution) replayStash() *replayCheck {
	s := &x.stateRec
	c := &replayCheck{obs: slices.Clone(s.obs), chain: slices.Clone(s.chain)}
	if s.sym != nil {
		for _, r := range s.sym.refs {
			c.refs = append(c.refs, slices.Clone(r))
		}
	}
	return c
}

// replayCompare records a difference between the bookkeeping the steps
// computed (was) and what the restore from decision j's mark gave.
func (x *Execution) replayCompare(was *replayCheck, j int) {
	s := &x.stateRec
	same := slices.Equal(was.obs, s.obs) && slices.Equal(was.chain, s.chain)
	if s.sym != nil {
		for a, r := range s.sym.refs {
			var w []int8
			if a < len(was.refs) {
				w = was.refs[a]
			}
			same = same && slices.Equal(w, r)
		}
	}
	if !same {
		stateCacheCheck.differ(fmt.Sprintf("sim: the bookkeeping restored at decision %d of a replayed prefix differs from the steps' own (observations %x, restored %x), at step %d",
			j, was.obs, s.obs, x.step))
	}
}
