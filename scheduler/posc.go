package scheduler

// POSC is POS with PCT's change points: partial-order sampling (Yuan,
// Yang, Gu, CAV 2018; see POS) whose executions also get depth-1 change
// points, drawn as PCT draws them (Burckhardt et al., ASPLOS 2010) but
// over the steps that communicate with another actor, as PCTWM counts
// them (Gao, Chakraborty, Ozkan, ASPLOS 2023; see RPCT). At the
// communicating step a change point lands on, the actor that took it drops
// below every priority POS draws, and it stays there until POS re-draws
// its priority: when another actor's step races with its pending step
// (POS's rule), or after it steps again.
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
// Deviations: both of POS's (priorities per actor; the stepping actor
// re-drawn one time in two) and PCTWM's (see RPCT); and a change point's
// priority 1..depth-1 is below POS's random 64-bit priorities with
// probability 1 - 2^-54 rather than always. Measured (docs/strategies.md,
// `simrun bench strategies`): Sergei's lost wakeup at 4 threads in a mean
// of 16 executions over 400 seeds where POS needs 26, and no other
// seeded bug or kernel slower beyond the noise of 100 seeds.
//
// Steps (k, the communicating steps of one execution) as for RPCT:
// sim.Hunt calibrates it; with 0 the strategy learns it.
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
func (s *POSC) End(*Path) { s.cp.end() }

// Info implements Strategy.
func (s *POSC) Info() Info {
	return Info{Name: NamePOSC, Seed: s.pos.seed, Depth: s.cp.depth, Steps: s.cp.k}
}

// Clone implements Cloner. A clone learns on its own, so give Steps
// explicitly when running POSC on several workers.
func (s *POSC) Clone() Strategy {
	return &POSC{pos: POS{base: s.pos.base}, cp: s.cp.clone()}
}
