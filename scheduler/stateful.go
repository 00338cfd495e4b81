package scheduler

import (
	"cmp"
	"slices"

	"github.com/simrun/simrun/op"
)

// Stateful is exhaustive depth-first search with state matching: at every
// Schedule decision it asks the runtime for the hash of the global state
// (Decision.State) and cuts the execution (Cut) if it has seen that state
// before. Each state is thus expanded once, from its first visit, and every
// one of its successors is explored from there: the terminal states and
// findings reachable are exactly those of the search without matching.
//
// It has no preemption bound and no levels on purpose: a bounded search
// that cuts a state first seen with less budget left would lose the
// executions the larger budget allows (and iterative bounding revisits
// every state of the lower levels). Without a bound, "seen" is enough.
//
// Sleep sets (Godefroid's thesis, LNCS 1032, ch. 5; unless NoSleep):
// once a step has been explored from a state, it sleeps in the states
// reached by steps independent of it (Dependent, the labels DPOR uses), and
// a sleeping step is not taken again there, since the state it leads to is
// reached by the other order too. Sleep sets prune transitions, never
// states: every reachable state is still visited. With state caching a
// state stores the sleep set Z1 of its first visit; a revisit with sleep
// set Z2 explores the steps of Z1 \ Z2 (asleep then, awake now: nobody
// explored them from here) and stores Z1 ∩ Z2. (Cutting the revisit
// outright is the known pitfall of combining the two; see also Yang et
// al., "Efficient stateful dynamic partial order reduction", SPIN 2008.
// It lost no state in any configuration we tried, but nothing proves it
// sound.) Sleep sets are stored by canonical step
// names (SleepMatcher.ActorNames), so that under symmetry reduction a
// state's sleep set is mapped through the permutation that canonicalises
// it. The state graph is acyclic (every step extends its actor's
// observation sequence, which is part of the state), so DFS never
// revisits a state that is still on its stack.
//
// Like DFS it is stateless in memory otherwise: it re-creates a state by
// replaying the decision prefix that leads to it (and tells the runtime
// how long that prefix is, PrefixReplayer, so that the replayed steps
// skip the state bookkeeping), so memory is the current path plus 16
// bytes per stored state (in tables at most 7/8 full). With
// matching off (NewBruteForce) it is plain depth-first search over every
// decision, the reference the reductions are tested against.
//
// It is a Splitter with a single task, so that the exploration reports its
// terminal states; that task runs on one worker (the set of seen states is
// sequential), so every count is the same whatever the worker count.
type Stateful struct {
	// NoSymmetry keeps states that differ only by a permutation of a
	// scenario's declared symmetric actors apart (see SymmetryMatcher):
	// the reference that symmetry reduction is tested against.
	NoSymmetry bool
	// NoSleep turns the sleep sets off: every enabled step is explored
	// from every new state, the reference the sleep sets are tested
	// against.
	NoSleep bool

	match  bool
	frames []statefulFrame
	pos    int
	kept   int // frames[:kept] are the previous execution's, replayed
	more   bool
	begun  bool
	taken  bool
	// seen maps a state's hash to its stored sleep set: a bit per step
	// name (bits) that slept at every visit so far.
	seen stateSet
	cut  int
	err  string
	// refused: the scenario uses a primitive whose state the hash does
	// not cover (RefuseStates); the search stops with err.
	refused bool
	// timed: the cost model makes time depend on the order of steps
	// (SleepMatcher.Timed): independent steps do not commute, so no
	// sleep sets.
	timed bool
	names []uint64 // by actor id: its canonical name at the last hashed state
	bits  []uint64 // step names, by their bit in a stored sleep set
	// recordsCommute is a seeded bug for the tests (export_test.go):
	// steps that record history are taken as independent of each other.
	recordsCommute bool
	reexplored     int    // revisits that explored steps asleep at the first visit
	runs           uint64 // executions begun (PrefixReplayer)
}

// SymmetryMatcher is a StateMatcher that says whether its state hashes
// may identify states that differ by a permutation of the members of a
// symmetric group the scenario declares (sim.Execution.SymmetricMember).
type SymmetryMatcher interface {
	Symmetric() bool
}

// Symmetric implements SymmetryMatcher.
func (s *Stateful) Symmetric() bool { return !s.NoSymmetry }

// SleepMatcher is a StateMatcher that keeps sleep sets with its states:
// the runtime tells it, each time it hashes a state (Decision.State), a
// canonical name for every actor at that state, the same for an actor and
// its image in every state the hash identifies (under symmetry reduction:
// the member's position in the canonicalising permutation); and it tells
// it at the start of an execution whose cost model makes the time depend
// on the order of independent steps.
type SleepMatcher interface {
	ActorNames(names []uint64)
	Timed()
}

// ActorNames implements SleepMatcher.
func (s *Stateful) ActorNames(names []uint64) { s.names = append(s.names[:0], names...) }

// Timed implements SleepMatcher: no sleep sets from now on. (The runtime
// says so before the first decision, as the cost model is the
// exploration's.)
func (s *Stateful) Timed() { s.timed = true }

// StateRefuser is a StateMatcher that the runtime tells when a scenario
// uses something its state hash does not cover: matching states would
// then merge states that differ, so the search must stop, with reason as
// its error, rather than give a verdict.
type StateRefuser interface {
	RefuseStates(reason string)
}

// RefuseStates implements StateRefuser: the search stops at the next
// decision and reports reason as its error, so the exploration is not
// verified.
func (s *Stateful) RefuseStates(reason string) {
	if !s.match {
		return // brute force hashes nothing: every scenario is fine
	}
	if s.err == "" {
		s.err = reason
	}
	s.refused = true
}

// PrefixReplayer is a StateMatcher that re-creates a state by replaying
// a prefix of its previous execution's decisions (Go cannot fork a
// coroutine). Asked once an execution has begun (Begin), ReplayedPrefix
// returns the execution's number (1, 2, ... for the executions it has
// begun, so that the runtime can tell the previous one) and how many of
// its first decisions are the previous execution's, with the same
// choices: everything before its decision n happens as it did in the
// previous execution (actor code is deterministic, which replaying
// assumes anyway). The runtime may then skip the state-matching
// bookkeeping of those steps, which only a state hash reads and the
// strategy asks for none before decision n, and restore what it would
// have computed from what the previous execution saved.
type PrefixReplayer interface {
	ReplayedPrefix() (run uint64, n int)
}

// ReplayedPrefix implements PrefixReplayer: frames[:kept] replay the
// previous execution, and frames[kept] takes its next alternative.
func (s *Stateful) ReplayedPrefix() (run uint64, n int) { return s.runs, s.kept }

// statefulFrame is a decision of the current path. A Schedule decision
// with sleep sets keeps its labels, its sleep set on arrival, the
// alternatives to explore (todo) and those explored (done).
type statefulFrame struct {
	n, chosen int
	step      int       // steps executed before the decision
	sleepy    bool      // sleep sets here; otherwise every alternative in turn
	choices   []Choice  // the alternatives, if sleepy
	sleep     []sleeper // asleep on arrival
	done      []sleeper // explored from here, with whether they recorded
	todo      []int     // the alternatives to explore, in order; chosen is todo[ti]
	ti        int
	rec       bool // the chosen alternative recorded history in some execution
}

// NameStateful and NameBrute are the Spec names of Stateful with and
// without state matching.
const (
	NameStateful = "stateful"
	NameBrute    = "brute"
)

// NewStateful returns depth-first search with state matching and sleep
// sets.
func NewStateful() *Stateful { return &Stateful{match: true} }

// NewBruteForce returns depth-first search over every decision, with no
// state matching, reduction or bound.
func NewBruteForce() *Stateful { return &Stateful{} }

// MatchesStates implements StateMatcher.
func (s *Stateful) MatchesStates() bool { return s.match }

// Begin implements Strategy.
func (s *Stateful) Begin(run int) bool {
	s.pos = 0
	if s.begun && !s.more {
		return false
	}
	s.begun = true
	s.runs++
	return true
}

// Next implements Strategy.
func (s *Stateful) Next(d *Decision) int {
	n := len(d.Choices)
	if s.refused && d.State != nil {
		return Cut
	}
	if s.pos < len(s.frames) {
		f := &s.frames[s.pos]
		s.pos++
		if f.n != n && s.err == "" {
			s.err = "stateful: replaying a decision prefix gave a different decision (the scenario is not deterministic)"
		}
		return min(f.chosen, n-1)
	}
	f := s.push(n, d.Step)
	if s.match && d.Kind == Schedule && d.State != nil {
		h := d.State()
		if s.NoSleep || s.timed {
			if _, seen := s.seen.slot(h); seen {
				s.cut++
				s.frames = s.frames[:len(s.frames)-1]
				return Cut
			}
		} else if !s.sleepFrame(d, h, f) {
			s.cut++
			s.frames = s.frames[:len(s.frames)-1]
			return Cut
		}
	}
	s.pos++
	return f.chosen
}

// push appends a frame for a decision with n alternatives after step
// steps and returns it. The frame reuses the slices of the one that
// last held its place on the path (cut or backtracked since): a decision
// otherwise allocates its labels, sleep set and alternatives anew, which
// were most of the search's own allocations.
func (s *Stateful) push(n, step int) *statefulFrame {
	if len(s.frames) < cap(s.frames) {
		s.frames = s.frames[:len(s.frames)+1]
	} else {
		s.frames = append(s.frames, statefulFrame{})
	}
	f := &s.frames[len(s.frames)-1]
	*f = statefulFrame{n: n, step: step,
		choices: f.choices[:0], sleep: f.sleep[:0], done: f.done[:0], todo: f.todo[:0]}
	return f
}

// sleepFrame fills f, a Schedule decision at the state hashed h, with its
// sleep set and the alternatives to explore, and stores the state. It
// returns false when there is nothing to explore: the state was seen with
// no step asleep then that is awake now, or every enabled step sleeps.
func (s *Stateful) sleepFrame(d *Decision, h uint64, f *statefulFrame) bool {
	z, zmask := s.sleepAt(d, f.sleep)
	stored, seen := s.seen.slot(h)
	old := *stored
	if seen {
		need := old &^ zmask
		if need == 0 {
			return false
		}
		*stored = old & zmask
		s.reexplored++
		for i, c := range d.Choices {
			if s.bit(c)&need != 0 {
				f.todo = append(f.todo, i)
			}
		}
		// Godefroid's algorithm goes on with the sleep set both visits
		// share. (Going on with z measured the same.)
		kept := z[:0]
		for _, t := range z {
			if s.bit(t.c)&old != 0 {
				kept = append(kept, t)
			}
		}
		z = kept
	} else {
		*stored = zmask
		for i, c := range d.Choices {
			if !asleep(z, c) {
				f.todo = append(f.todo, i)
			}
		}
	}
	if len(f.todo) == 0 {
		return false
	}
	// In a fixed order of the actors rather than the decision's
	// (previous actor first): the sleep sets of two paths to a state then
	// agree more often, so revisits explore less (at 4 threads: 35% to
	// 55% fewer executions).
	slices.SortFunc(f.todo, func(a, b int) int { return cmp.Compare(keyOf(d.Choices[a]), keyOf(d.Choices[b])) })
	f.choices = append(f.choices, d.Choices...)
	f.sleepy = true
	f.sleep = z
	f.chosen = f.todo[0]
	return true
}

// bit returns the bit of step c's canonical name in a stored sleep set,
// or 0 when the names have used up the 64 bits (such a step is never put
// to sleep: sleepAt leaves it out).
func (s *Stateful) bit(c Choice) uint64 {
	if c.Actor < 0 || c.Actor >= len(s.names) {
		return 0
	}
	name := s.names[c.Actor] * 2
	if c.Op == op.Spurious {
		name++
	}
	// A scan of at most 64 names: faster than a map at the few names a
	// scenario has.
	b := slices.Index(s.bits, name)
	if b < 0 {
		if len(s.bits) >= 64 {
			return 0
		}
		b = len(s.bits)
		s.bits = append(s.bits, name)
	}
	return 1 << b
}

// sleepAt computes the sleep set of the state of decision d: that of the
// previous Schedule decision, plus the steps explored there before the
// current one, less those dependent with any step executed since, and
// less any step without a bit (which therefore never sleeps). It appends
// the set to out, an empty slice to reuse, and returns it with the mask
// of its steps' bits.
func (s *Stateful) sleepAt(d *Decision, out []sleeper) ([]sleeper, uint64) {
	var prev *statefulFrame
	// The last frame is d's own (push): the previous decision is before.
	for k := len(s.frames) - 2; k >= 0; k-- {
		if s.frames[k].sleepy {
			prev = &s.frames[k]
			break
		}
	}
	if prev == nil || d.Path == nil {
		return out, 0
	}
	var mask uint64
	steps, recs := d.Path.Steps, d.Path.Records
	// The steps executed since prev (usually one), for every sleeper.
	since := steps[min(prev.step, len(steps)):min(d.Step, len(steps))]
	for _, ts := range [2][]sleeper{prev.sleep, prev.done} {
	sleepers:
		for _, t := range ts {
			recT := t.rec && !s.recordsCommute
			for j, c := range since {
				if Dependent(t.c, c, recT, recorded(recs, prev.step+j)) {
					continue sleepers
				}
			}
			if b := s.bit(t.c); b != 0 {
				out = append(out, t)
				mask |= b
			}
		}
	}
	return out, mask
}

// End implements Strategy: it backtracks to the deepest decision with an
// untried alternative.
func (s *Stateful) End(p *Path) {
	if s.refused {
		s.frames, s.more = s.frames[:0], false
		return
	}
	s.frames = s.frames[:min(len(s.frames), s.pos)]
	// Whether a step records may depend on what it chose inside: a
	// sleeping step counts as recording if any of its executions did.
	// The frames below s.kept replayed the execution before, and the
	// steps they chose did what they did then, but for the last one with
	// sleep sets, whose step may have chosen inside at a frame from
	// s.kept on: the look-ups start there rather than at the root.
	from := min(s.kept, len(s.frames)) - 1
	for from > 0 && !s.frames[from].sleepy {
		from--
	}
	for k := max(from, 0); k < len(s.frames); k++ {
		if f := &s.frames[k]; f.sleepy && !f.rec {
			f.rec = recorded(p.Records, f.step)
		}
	}
	for k := len(s.frames) - 1; k >= 0; k-- {
		f := &s.frames[k]
		if f.sleepy {
			if f.ti+1 < len(f.todo) {
				f.done = append(f.done, sleeper{f.choices[f.chosen], f.rec})
				f.ti++
				f.chosen, f.rec = f.todo[f.ti], false
				s.frames, s.kept = s.frames[:k+1], k
				s.more = true
				return
			}
			continue
		}
		if f.chosen+1 < f.n {
			f.chosen++
			s.frames, s.kept = s.frames[:k+1], k
			s.more = true
			return
		}
	}
	s.frames, s.kept = s.frames[:0], 0
	s.more = false
}

// Info implements Strategy.
func (s *Stateful) Info() Info {
	if s.match {
		return Info{Name: NameStateful}
	}
	return Info{Name: NameBrute}
}

// Stats implements Reporter.
func (s *Stateful) Stats() SearchStats {
	return SearchStats{States: s.seen.n, Cut: s.cut, Err: s.err}
}

// Take implements Splitter: the whole search is one task.
func (s *Stateful) Take() (Task, bool) {
	if s.taken {
		return Task{}, false
	}
	s.taken = true
	return Task{}, true
}

// Fork implements Splitter: the one task is the search itself.
func (s *Stateful) Fork(Task) Strategy { return s }

// Spawned implements Splitter: the search splits off nothing.
func (s *Stateful) Spawned() []Task { return nil }

// stateSet is the set of seen states: by state hash, its stored sleep set.
// Open-addressing tables with linear probing rather than a Go map: one
// probe sequence finds or inserts (a map needs a lookup and then a
// store), which matters at millions of states whose look-ups miss the
// cache. The states are spread over stateShards tables by their hash's
// top bits, each growing on its own, so that a growth copies a small
// table rather than all states at once (which doubled the peak memory).
type stateSet struct {
	shards [stateShards][]stateEntry // each a power of two long; key 0 marks a free entry
	used   [stateShards]int          // entries used in each shard
	n      int                       // states stored, zero's included
	zero   bool                      // the state hashed 0 is stored, in zeroV
	// zeroV is the sleep set of the state hashed 0.
	zeroV uint64
}

// stateShards is the number of tables of a stateSet, a power of two.
const stateShards = 256

type stateEntry struct{ key, val uint64 }

// slot returns where the sleep set of state h is stored, inserting it
// with an empty one if it is new, and whether it was there.
func (t *stateSet) slot(h uint64) (*uint64, bool) {
	if h == 0 {
		seen := t.zero
		if !seen {
			t.zero, t.n = true, t.n+1
		}
		return &t.zeroV, seen
	}
	// The top bits pick the shard, the low bits the entry. A shard
	// grows at a Go map's load (7/8): its memory, and fewer probes than
	// the map's two look-ups.
	sh := h >> 56
	if 8*(t.used[sh]+1) > 7*len(t.shards[sh]) {
		t.grow(sh)
	}
	tab := t.shards[sh]
	mask := uint64(len(tab) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := &tab[i]
		switch e.key {
		case h:
			return &e.val, true
		case 0:
			e.key = h
			t.used[sh]++
			t.n++
			return &e.val, false
		}
	}
}

// grow doubles shard sh.
func (t *stateSet) grow(sh uint64) {
	old := t.shards[sh]
	tab := make([]stateEntry, max(2*len(old), 16))
	mask := uint64(len(tab) - 1)
	for _, e := range old {
		if e.key == 0 {
			continue
		}
		i := e.key & mask
		for tab[i].key != 0 {
			i = (i + 1) & mask
		}
		tab[i] = e
	}
	t.shards[sh] = tab
}
