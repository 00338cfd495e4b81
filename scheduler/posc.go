package scheduler

// POSC is POS with PCT's change points: partial-order sampling (Yuan,
// Yang, Gu, CAV 2018; see POS) whose executions also get depth-1 change
// points, drawn as PCT draws them (Burckhardt et al., ASPLOS 2010) but
// over the steps that communicate with another actor only, as PCTWM
// counts them (Gao, Chakraborty, Ozkan: "Probabilistic Concurrency
// Testing for Weak Memory Programs", ASPLOS 2023): PCT's bound
// 1/(n·k^(d-1)) decays with k, the number of all steps, although a change
// point can only matter on a step that communicates, so PCTWM draws its
// points among the k_com communication events, for 1/(n·k_com^(d-1)). At
// the communicating step a change point lands on, the actor that took it
// drops below every priority POS draws, and stays there until POS
// re-draws its priority: when another actor's step races with its pending
// step (POS's rule), or after it steps again.
//
// Why both. Some bugs need an actor preempted at one given step and then
// held back for a long stretch of another actor's steps: Sergei's lost
// wakeup needs a follower stopped right after its enqueue and kept back
// for the ~22 steps of the leader's commit, until the leader sets the
// follower's flag. POS re-draws the running actor's priority as it goes,
// so the waiting one stays behind m of those re-draws with probability
// 1/(m+1); PCT holds a lowered actor back for good, but its change point
// lands on a given step with probability 1/k. A change point here lands
// on a given communicating step with probability about 1/k_com, holds the
// actor back exactly until a step that races with its pending one has run
// (the leader's set, which is the order the bug needs), and POS samples
// the rest of the execution as before. Without a change point (depth 1)
// POSC is POS.
//
// A step communicates when it conflicts (Conflicts, DPOR's dependency
// relation on the steps' labels) with an earlier step of another actor in
// the execution (communication): it reads what another wrote, or writes
// what another read or wrote; lock, channel and condition-variable steps
// count as their labels make them conflict, like memory.
//
// Deviations: POS's (priorities per actor; the stepping actor re-drawn
// one time in two); from PCTWM, only the counting of change points is
// taken (the memory model is sequentially consistent, so its history
// depth h does not apply), and a wide channel operation (a select)
// communicates only through its own object; a change point's priority
// 1..depth-1 is below POS's random 64-bit priorities with probability
// 1 - 2^-54 rather than always. PCTWM's counting alone, in PCT without
// POS (tried as "RPCT"), is no good here: the first access to an object
// never communicates, so it cannot preempt an actor right after its first
// lock, and it missed the kernels ab-ba, recursive-rlock,
// atomic-check-then-act and double-close within 1000 executions
// (docs/strategies.md); in POSC those preemptions are POS's.
//
// Measured (docs/strategies.md, `simrun bench strategies`): Sergei's lost
// wakeup at 4 threads in a mean of 16 executions over 400 seeds where POS
// needs 26, no group-commit seeded bug or kernel slower beyond the noise
// of 100 seeds; but two seeded bugs of the in-order commit that need an
// actor to act inside another's window (signal-after-unlock,
// destroy-without-lock) 3.5 and 2.4 times slower than POS and PCT's Mix.
// sim.DefaultPortfolio runs POSC first all the same, since it alone meets
// Sergei's goals; with PCT as its second stage the portfolio still finds
// those two bugs with every seed measured.
//
// Steps (k, the communicating steps of one execution) may be given; when
// it is 0, POSC learns it as the most communicating steps of an execution
// seen so far (starting from commMinSteps), which depends on the order of
// executions: sim.Hunt calibrates it once (sim.CalibrateCommunicating) so
// that every worker uses the same k.
type POSC struct {
	pos POS
	cp  commPoints
}

// NewPOSC returns a POSC strategy of depth depth (depth-1 change points,
// at least 0) whose first execution uses seed; steps is the expected
// number k of communicating steps (0 learns it).
func NewPOSC(seed uint64, depth, steps int) *POSC {
	return &POSC{pos: POS{base: seed}, cp: commPoints{depth: max(depth, 1), steps: steps}}
}

// Begin implements Strategy. POS's draws and the change points come from
// one stream, seeded as POS's own (ExecutionSeed(seed, run)).
func (s *POSC) Begin(run int) bool {
	s.pos.Begin(run)
	s.cp.begin(&s.pos.r)
	return true
}

// Next implements Strategy: POS's re-draws for the steps run since the
// last decision, then the change points reached by them, then POS's
// choice.
func (s *POSC) Next(d *Decision) int {
	if d.Kind == Schedule {
		s.pos.account(d, splitSpurious(d.Choices))
		s.cp.advance(d.Path, func(a int, p uint64) {
			s.pos.priority(a)
			s.pos.prio[a] = p
		})
	}
	return s.pos.Next(d)
}

// End implements Strategy.
func (s *POSC) End(p *Path) { s.cp.end(p) }

// Info implements Strategy.
func (s *POSC) Info() Info {
	return Info{Name: NamePOSC, Seed: s.pos.seed, Depth: s.cp.depth, Steps: s.cp.k}
}

// Clone implements Cloner. A clone learns on its own, so give Steps
// explicitly when running POSC on several workers.
func (s *POSC) Clone() Strategy {
	return &POSC{pos: POS{base: s.pos.base}, cp: s.cp.clone()}
}

// commMinSteps is the k that a POSC learning k starts from.
const commMinSteps = 10

// commPoints are PCT's change points counted over communicating steps, as
// POSC draws and applies them: depth-1 points drawn uniformly from
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

// end learns k from the execution p that ended, once the steps after its
// last decision are judged too, so that it counts as CountCommunicating.
func (c *commPoints) end(p *Path) {
	c.advance(p, func(int, uint64) {})
	c.learned = max(c.learned, c.count)
}

func (c *commPoints) clone() commPoints {
	return commPoints{depth: c.depth, steps: c.steps, learned: c.learned}
}

// communication tells the steps of an execution that communicate with
// another actor, in PCTWM's sense: those that conflict (Conflicts) with an
// earlier step of another actor, that is, read what another actor wrote,
// or write what another read or wrote (a reads-from or coherence edge
// between two actors). It keeps, per object, the actors that read and
// wrote it so far, as bit sets; the actors numbered 63 or more share the
// last bit, and a step of one of them communicates with any access of
// another actor or of that group. The judgement needs only the steps, so CountCommunicating
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
	bit := min(e.Actor, 63)
	self, others := uint64(1)<<bit, ^(uint64(1) << bit)
	if e.Actor >= 63 {
		others = ^uint64(0) // bit 63 stands for every actor from 63 on
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
// another actor (see POSC): POSC's k for one execution.
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
