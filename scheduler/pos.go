package scheduler

// POS is partial-order sampling (Yuan, Yang, Gu: "Partial Order Aware
// Concurrency Sampling", CAV 2018). Every pending event carries a random
// priority; at every scheduling decision the enabled event of highest
// priority runs. After an event e runs, the event its actor issues next gets
// a fresh priority, and so does every pending event that races with e: the
// events whose order relative to e decides the outcome are re-shuffled,
// while independent events keep their priorities, so that interleavings
// which differ only in the order of independent events are not sampled
// again and again. A random walk favours the executions with many
// equivalent interleavings; POS samples each partial order with a
// probability that does not depend on how many interleavings it has, up to
// the dependencies it sees (the paper's Theorem 2).
//
// Deviations from the paper: an actor has one pending event at a time, so
// priorities are kept per actor and stand for its pending event. After a
// step, the stepping actor's next event gets a fresh priority only with
// probability 1/2 (posRedraw); otherwise it keeps the priority of the
// step, as if the two steps were one event of the paper. Why: with a
// fresh draw per step, one actor runs a stretch of m steps while another
// waits with probability 1/(m+1), and the bugs of the seeded protocols
// need such stretches (the leader's whole commit while a follower is
// held back between its enqueue and its clear; a snapshot taken inside
// another thread's commit). Keeping the priority half the time halves the
// draws over a stretch. Measured over 50 seeds at 4 and 8 threads
// (docs/strategies.md): the unlocked snapshot at 8 threads went from a
// median/worst of 31/202 executions to 13/70, the mutexqueue lost wakeup
// at 4 threads from 9/65 to 6/28, and no seeded bug got slower beyond
// the noise of 50 seeds (Sergei's lost wakeup at 4 threads, over 200
// seeds: 17/139 before, 17/124 after). The price: a preemption at one
// given step is half as likely, so the kernels that need exactly one
// (kernels' ab-ba, recursive-rlock) take about 1.6 times as many
// executions (means over 200 seeds: 5.8 to 9.4, 8.5 to 15.2), all still
// found in a median of at most 12. The pending events that race with
// the step are still always re-drawn, so the order of every race stays
// random. "Races with" is Conflicts, the dependency relation DPOR uses (same object, at
// least one of the two not read-only), applied to the labels of the
// choices of the next decision; the steps run between two decisions (where
// only one actor was enabled) each count as an executed event. Choose and
// Wake decisions are uniform random, and a spurious wakeup is taken with
// probability 1/16 where one is on offer, as in Random and PCT.
//
// Execution run uses seed ExecutionSeed(seed, run); POS learns nothing
// across executions, so its clones give the same executions on any number
// of workers.
type POS struct {
	base uint64
	seed uint64
	r    Rand
	prio []uint64 // by actor: the priority of its pending event; 0 = not drawn yet
	seen int      // steps of the current execution already accounted for
}

// posRedraw: after a step, the stepping actor's next event gets a fresh
// priority with probability 1/posRedraw (see POS).
const posRedraw = 2

// NewPOS returns a POS strategy whose first execution uses seed.
func NewPOS(seed uint64) *POS { return &POS{base: seed} }

// Begin implements Strategy.
func (s *POS) Begin(run int) bool {
	s.seed = ExecutionSeed(s.base, run)
	s.r = NewRand(s.seed)
	s.prio = s.prio[:0]
	s.seen = 0
	return true
}

// draw gives actor a's pending event a fresh priority (never 0).
func (s *POS) draw(a int) {
	for len(s.prio) <= a {
		s.prio = append(s.prio, 0)
	}
	s.prio[a] = s.r.Uint64() | 1
}

// priority returns the priority of a's pending event, drawing it when a
// is seen for the first time.
func (s *POS) priority(a int) uint64 {
	if a >= len(s.prio) || s.prio[a] == 0 {
		s.draw(a)
	}
	return s.prio[a]
}

// Next implements Strategy.
func (s *POS) Next(d *Decision) int {
	if d.Kind != Schedule {
		return s.r.IntN(len(d.Choices))
	}
	real := splitSpurious(d.Choices)
	// Account for the steps run since the last decision: each is an
	// executed event e; the pending events that race with e get fresh
	// priorities, and so, one time in posRedraw, does its actor's next
	// event.
	s.account(d, real)
	if i, ok := pickSpurious(&s.r, d, real); ok {
		return i
	}
	best, bestP := 0, uint64(0)
	for i, c := range d.Choices[:real] {
		if p := s.priority(c.Actor); p > bestP {
			best, bestP = i, p
		}
	}
	return best
}

// account re-draws the priorities for the steps run since the last
// decision: each is an executed event e; the pending events that race
// with e get fresh priorities, and so, one time in posRedraw, does its
// actor's next event.
func (s *POS) account(d *Decision, real int) {
	p := d.Path
	if p == nil {
		return
	}
	for ; s.seen < len(p.Steps); s.seen++ {
		e := p.Steps[s.seen]
		if s.r.IntN(posRedraw) == 0 {
			s.draw(e.Actor)
		}
		for _, c := range d.Choices[:real] {
			if c.Actor != e.Actor && Conflicts(c, e) {
				s.draw(c.Actor)
			}
		}
	}
}

// End implements Strategy.
func (s *POS) End(*Path) {}

// Info implements Strategy.
func (s *POS) Info() Info { return Info{Name: NamePOS, Seed: s.seed} }

// Clone implements Cloner.
func (s *POS) Clone() Strategy { return &POS{base: s.base} }
