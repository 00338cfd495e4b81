package scheduler

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
// Like DFS it is stateless in memory otherwise: it re-creates a state by
// replaying the decision prefix that leads to it, so memory is the current
// path plus 8 bytes (and a map entry) per stored state. With matching off
// (NewBruteForce) it is plain depth-first search over every decision, the
// reference the reductions are tested against.
//
// It is a Splitter with a single task, so that the exploration reports its
// terminal states; that task runs on one worker (the set of seen states is
// sequential), so every count is the same whatever the worker count.
type Stateful struct {
	// NoSymmetry keeps states that differ only by a permutation of a
	// scenario's declared symmetric actors apart (see SymmetryMatcher):
	// the reference that symmetry reduction is tested against.
	NoSymmetry bool

	match  bool
	frames []statefulFrame
	pos    int
	more   bool
	begun  bool
	taken  bool
	seen   map[uint64]struct{}
	cut    int
	err    string
	// refused: the scenario uses a primitive whose state the hash does
	// not cover (RefuseStates); the search stops with err.
	refused bool
}

// SymmetryMatcher is a StateMatcher that says whether its state hashes
// may identify states that differ by a permutation of the members of a
// symmetric group the scenario declares (sim.Execution.SymmetricMember).
type SymmetryMatcher interface {
	Symmetric() bool
}

// Symmetric implements SymmetryMatcher.
func (s *Stateful) Symmetric() bool { return !s.NoSymmetry }

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

type statefulFrame struct {
	n, chosen int
}

// NameStateful and NameBrute are the Spec names of Stateful with and
// without state matching.
const (
	NameStateful = "stateful"
	NameBrute    = "brute"
)

// NewStateful returns depth-first search with state matching.
func NewStateful() *Stateful { return &Stateful{match: true, seen: map[uint64]struct{}{}} }

// NewBruteForce returns depth-first search over every decision, with no
// state matching, reduction or bound.
func NewBruteForce() *Stateful { return &Stateful{} }

// MatchesStates implements StateMatcher.
func (s *Stateful) MatchesStates() bool { return s.match }

// Begin implements Strategy.
func (s *Stateful) Begin(run int) bool {
	s.pos = 0
	if !s.begun {
		s.begun = true
		return true
	}
	return s.more
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
	if s.match && d.Kind == Schedule && d.State != nil {
		h := d.State()
		if _, ok := s.seen[h]; ok {
			s.cut++
			return Cut
		}
		s.seen[h] = struct{}{}
	}
	s.frames = append(s.frames, statefulFrame{n: n})
	s.pos++
	return 0
}

// End implements Strategy: it backtracks to the deepest decision with an
// untried alternative.
func (s *Stateful) End(p *Path) {
	if s.refused {
		s.frames, s.more = s.frames[:0], false
		return
	}
	s.frames = s.frames[:min(len(s.frames), s.pos)]
	for k := len(s.frames) - 1; k >= 0; k-- {
		if f := &s.frames[k]; f.chosen+1 < f.n {
			f.chosen++
			s.frames = s.frames[:k+1]
			s.more = true
			return
		}
	}
	s.frames = s.frames[:0]
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
	return SearchStats{States: len(s.seen), Cut: s.cut, Err: s.err}
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
