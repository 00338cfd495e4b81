package scheduler

import (
	"cmp"
	"slices"
)

// PCT is probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
// Nagarakatte: "A Randomized Scheduler with Probabilistic Guarantees of
// Finding Bugs", ASPLOS 2010). Every actor gets a random priority when it
// first appears, all above Depth; Depth-1 change points are drawn uniformly
// from the first Steps steps; at a change point the actor that took that
// step drops to a priority below every initial one. At every scheduling
// decision the enabled actor with the highest priority runs. A bug of depth
// d among n actors and k steps is found in one execution with probability at
// least 1/(n·k^(d-1)).
//
// Deviations from the paper: actors are created dynamically, so priorities
// are drawn when an actor is first seen rather than up front; Choose and
// Wake decisions are uniform random; a spurious wakeup is taken with
// probability 1/16 where one is on offer, so that a high-priority waiter
// does not spin on spurious wakeups forever.
//
// Steps (k) may be given; when it is 0, PCT learns it as the longest
// execution seen so far by this strategy (starting from 100).
type PCT struct {
	base    uint64
	seed    uint64
	r       Rand
	depth   int
	steps   int // given k, or 0 to learn
	learned int
	k       int // k of the current execution

	prio    []uint64      // by actor; 0 = not seen yet
	changes []changePoint // ascending by step
	nextCP  int
}

// NewPCT returns a PCT strategy of bug depth depth (>= 1) whose first
// execution uses seed; steps is the expected number of steps k (0 learns it).
func NewPCT(seed uint64, depth, steps int) *PCT {
	if depth < 1 {
		depth = 1
	}
	return &PCT{base: seed, depth: depth, steps: steps}
}

// Begin implements Strategy.
func (s *PCT) Begin(run int) bool {
	s.seed = ExecutionSeed(s.base, run)
	s.r = NewRand(s.seed)
	s.k = s.steps
	if s.k == 0 {
		s.k = max(s.learned, 100)
	}
	s.prio = s.prio[:0]
	s.changes = s.changes[:0]
	s.nextCP = 0
	// Change point i lowers to priority i+1. The points are drawn in a
	// random order of time, so the actor lowered last is not always the
	// highest of the lowered ones.
	for i := 0; i < s.depth-1; i++ {
		s.changes = append(s.changes, changePoint{step: 1 + s.r.IntN(s.k), prio: uint64(i + 1)})
	}
	sortChanges(s.changes)
	return true
}

type changePoint struct {
	step int
	prio uint64
}

// priority of actor a, drawn when first seen: above every change-point
// priority (which are 1..depth-1).
func (s *PCT) priority(a int) uint64 {
	for len(s.prio) <= a {
		s.prio = append(s.prio, 0)
	}
	if s.prio[a] == 0 {
		s.prio[a] = uint64(s.depth) + 1 + s.r.Uint64()>>8
	}
	return s.prio[a]
}

// Next implements Strategy.
func (s *PCT) Next(d *Decision) int {
	if d.Kind != Schedule {
		return s.r.IntN(len(d.Choices))
	}
	// Change points reached since the last decision lower the actor that
	// took the previous step.
	for s.nextCP < len(s.changes) && s.changes[s.nextCP].step <= d.Step {
		if d.Current >= 0 {
			s.priority(d.Current)
			s.prio[d.Current] = s.changes[s.nextCP].prio
		}
		s.nextCP++
	}
	real := splitSpurious(d.Choices)
	if i, ok := pickSpurious(&s.r, d, real); ok {
		return i
	}
	best, bestP := 0, uint64(0)
	for i := 0; i < real; i++ {
		if p := s.priority(d.Choices[i].Actor); p > bestP {
			best, bestP = i, p
		}
	}
	return best
}

// End implements Strategy.
func (s *PCT) End(p *Path) {
	if len(p.Steps) > s.learned {
		s.learned = len(p.Steps)
	}
}

// Info implements Strategy.
func (s *PCT) Info() Info {
	return Info{Name: NamePCT, Seed: s.seed, Depth: s.depth, Steps: s.k}
}

// Clone implements Cloner. A clone learns on its own, so give Steps
// explicitly when running PCT on several workers.
func (s *PCT) Clone() Strategy {
	return &PCT{base: s.base, depth: s.depth, steps: s.steps, learned: s.learned}
}

// Bound returns PCT's lower bound on the probability of finding a bug of
// depth d in one execution with n actors and k steps: 1/(n·k^(d-1)).
func Bound(n, k, d int) float64 {
	p := 1 / float64(max(n, 1))
	for i := 1; i < d; i++ {
		p /= float64(max(k, 1))
	}
	return p
}

// sortChanges sorts change points by step, stably so that equal steps
// keep their draw order (as the insertion sort it replaces did).
func sortChanges(a []changePoint) {
	slices.SortStableFunc(a, func(x, y changePoint) int { return cmp.Compare(x.step, y.step) })
}
