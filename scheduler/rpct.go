package scheduler

// RPCT is PCT whose change points count only the steps that communicate
// with another actor, after PCTWM (Gao, Chakraborty, Ozkan: "Probabilistic
// Concurrency Testing for Weak Memory Programs", ASPLOS 2023). PCT's bound,
// 1/(n·k^(d-1)), decays with k, the number of all steps, although a change
// point can only matter on a step that communicates with another thread:
// PCTWM draws its d-1 change points among the k_com communication events
// only (reads that read from, and writes that overwrite, another
// thread's access), for a bound of 1/(n·k_com^(d-1)). Every actor gets a
// random priority when it first appears; at the communicating step
// numbered by a change point, the actor that took it drops below every
// initial priority, as in PCT.
//
// Deviations from PCTWM: the memory model is sequentially consistent, so
// PCTWM's history depth h (how stale a weak read may be) does not apply
// and only its counting of change points is taken. A step communicates
// when it conflicts (Conflicts, DPOR's dependency relation on the steps'
// labels) with an earlier step of another actor in the execution
// (communication); locks, channels and condition variables count like
// memory, since their labels are conflicts as much as a write's. As in
// PCT here, actors appear dynamically, Choose and Wake decisions are
// uniform random, and a spurious wakeup is taken with probability 1/16
// where one is on offer.
//
// A first try counted only the steps that race with the pending step of
// another enabled actor (the brief's "racing steps"): under a priority
// scheduler the other actors are mostly blocked or pending on other
// objects when the running one communicates, and that RPCT missed every
// seeded group-commit bug at 4 threads within 1000 executions
// (docs/strategies.md).
//
// Steps (k, here the communicating steps of one execution) may be given;
// when it is 0, RPCT learns it as the most communicating steps of an
// execution seen so far (starting from commMinSteps), which depends on the
// order of executions: sim.Hunt calibrates it once
// (sim.CalibrateCommunicating) so that every worker uses the same k.
type RPCT struct {
	base uint64
	seed uint64
	r    Rand
	cp   commPoints
	prio []uint64 // by actor; 0 = not seen yet
}

// NewRPCT returns an RPCT strategy of bug depth depth (>= 1) whose first
// execution uses seed; steps is the expected number k of communicating
// steps (0 learns it).
func NewRPCT(seed uint64, depth, steps int) *RPCT {
	return &RPCT{base: seed, cp: commPoints{depth: max(depth, 1), steps: steps}}
}

// Begin implements Strategy.
func (s *RPCT) Begin(run int) bool {
	s.seed = ExecutionSeed(s.base, run)
	s.r = NewRand(s.seed)
	s.prio = s.prio[:0]
	s.cp.begin(&s.r)
	return true
}

// priority of actor a, drawn when first seen: above every change-point
// priority (which are 1..depth-1).
func (s *RPCT) priority(a int) uint64 {
	for len(s.prio) <= a {
		s.prio = append(s.prio, 0)
	}
	if s.prio[a] == 0 {
		s.prio[a] = uint64(s.cp.depth) + 1 + s.r.Uint64()>>8
	}
	return s.prio[a]
}

// Next implements Strategy.
func (s *RPCT) Next(d *Decision) int {
	if d.Kind != Schedule {
		return s.r.IntN(len(d.Choices))
	}
	s.cp.advance(d.Path, func(a int, p uint64) {
		s.priority(a)
		s.prio[a] = p
	})
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
func (s *RPCT) End(*Path) { s.cp.end() }

// Info implements Strategy.
func (s *RPCT) Info() Info {
	return Info{Name: NameRPCT, Seed: s.seed, Depth: s.cp.depth, Steps: s.cp.k}
}

// Clone implements Cloner. A clone learns on its own, so give Steps
// explicitly when running RPCT on several workers.
func (s *RPCT) Clone() Strategy {
	return &RPCT{base: s.base, cp: s.cp.clone()}
}

// commMinSteps is the k that an RPCT or POSC learning k starts from.
const commMinSteps = 10

// commPoints are PCT's change points counted over communicating steps, as
// RPCT and POSC draw and apply them: depth-1 points drawn uniformly from
// 1..k at the start of an execution, point i lowering the actor of the
// communicating step it lands on to priority i+1 (the points in a random
// order of time, so the actor lowered last is not always the lowest).
type commPoints struct {
	depth   int
	steps   int // given k, or 0 to learn
	learned int // most communicating steps of an execution so far
	k       int // k of the current execution

	changes []changePoint // ascending by communicating step
	next    int           // the first change point not reached
	count   int           // communicating steps of the current execution so far
	seen    int           // steps of the current execution already judged
	comm    communication
}

func (c *commPoints) begin(r *Rand) {
	c.k = c.steps
	if c.k == 0 {
		c.k = max(c.learned, commMinSteps)
	}
	c.changes = c.changes[:0]
	c.next, c.count, c.seen = 0, 0, 0
	c.comm.reset()
	for i := 0; i < c.depth-1; i++ {
		c.changes = append(c.changes, changePoint{step: 1 + r.IntN(c.k), prio: uint64(i + 1)})
	}
	sortChanges(c.changes)
}

// advance judges the steps run since the last decision and calls lower
// with the actor and the new priority for every change point reached.
func (c *commPoints) advance(p *Path, lower func(actor int, prio uint64)) {
	if p == nil {
		return
	}
	for ; c.seen < len(p.Steps); c.seen++ {
		e := p.Steps[c.seen]
		if !c.comm.step(e) {
			continue
		}
		c.count++
		for c.next < len(c.changes) && c.changes[c.next].step <= c.count {
			lower(e.Actor, c.changes[c.next].prio)
			c.next++
		}
	}
}

// end learns k from the execution that ended. advance has judged all its
// steps but those after the last decision, which cannot hold a change
// point that matters.
func (c *commPoints) end() { c.learned = max(c.learned, c.count) }

func (c *commPoints) clone() commPoints {
	return commPoints{depth: c.depth, steps: c.steps, learned: c.learned}
}

// communication tells the steps of an execution that communicate with
// another actor, in PCTWM's sense: those that conflict (Conflicts) with an
// earlier step of another actor, that is, read what another actor wrote,
// or write what another read or wrote (a reads-from or coherence edge
// between two actors). It keeps, per object, the actors that read and
// wrote it so far, as bit sets; an actor numbered 64 or more counts as
// every other. The judgement needs only the steps, so CountCommunicating
// gives the same count from a finished Path (calibration).
type communication struct {
	readers, writers []uint64 // by object
}

func (c *communication) reset() {
	c.readers, c.writers = c.readers[:0], c.writers[:0]
}

// step records e and reports whether it communicates.
func (c *communication) step(e Choice) bool {
	if e.Op.Local() || e.Object < 0 {
		return false
	}
	for len(c.readers) <= e.Object {
		c.readers, c.writers = append(c.readers, 0), append(c.writers, 0)
	}
	self, others := uint64(1)<<e.Actor, ^uint64(0)
	if e.Actor < 64 {
		others = ^self
	} else {
		self = 0
	}
	seen := c.writers[e.Object]
	if e.Op.ReadOnly() {
		c.readers[e.Object] |= self
	} else {
		seen |= c.readers[e.Object]
		c.writers[e.Object] |= self
	}
	return seen&others != 0
}

// CountCommunicating returns the number of steps that communicate with
// another actor (see RPCT): the k of RPCT and POSC for one execution.
func CountCommunicating(steps []Choice) int {
	var c communication
	n := 0
	for _, e := range steps {
		if c.step(e) {
			n++
		}
	}
	return n
}
