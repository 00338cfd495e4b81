package scheduler

// Mix samples each execution with a strategy drawn for it: POS in five
// executions of six, PCT in the sixth. POS finds the bugs that need one
// actor held back across a long stretch of another's steps (a lost
// wakeup) several times faster than PCT, whose bound decays with the
// number of steps; PCT finds some bugs that need two or three ordering
// constraints at once (a snapshot taken between two engines' commits)
// somewhat faster than POS. A Hunt runs its strategies one after another,
// so a portfolio of the two would spend half its budget before the second
// began; Mix interleaves them run by run, so that every bug is found at
// about the rate of the better of the two, less its share. The share:
// with POS re-drawing the stepping actor one time in two (see POS), POS
// is within a factor of two of PCT on the bugs PCT finds first, and
// Sergei's lost wakeup at 4 threads needs POS's share at 0.8 or more for
// a median of 20 executions (POS finds it in 1 execution of 24, PCT in 1
// of 165): 5/6 gives a median of 19 over 200 seeds where 2/3 gave 24, and
// no other seeded bug at 4 or 8 threads moved beyond the noise (see
// docs/strategies.md).
//
// The draw of execution run is a function of the seed and run alone, and
// POS and PCT each seed execution run as they would on their own
// (ExecutionSeed(seed, run)), so Mix is as deterministic and cloneable as
// they are. PCT's k (Steps) should be given, as for PCT (sim.Hunt
// calibrates it); with 0, PCT learns it from every execution of the Mix.
// Info reports the strategy that ran the current execution.
type Mix struct {
	base uint64
	pos  *POS
	pct  *PCT
	cur  Strategy
}

// mixPCTOneIn: one execution in mixPCTOneIn is PCT's, the others POS's.
const mixPCTOneIn = 6

// mixSalt separates Mix's draw from the executions' own random streams.
const mixSalt = 0x6d69785f706f7370

// NewMix returns a Mix whose first execution uses seed; depth and steps
// configure its PCT as in NewPCT.
func NewMix(seed uint64, depth, steps int) *Mix {
	return &Mix{base: seed, pos: NewPOS(seed), pct: NewPCT(seed, depth, steps)}
}

// Begin implements Strategy.
func (s *Mix) Begin(run int) bool {
	r := NewRand(ExecutionSeed(s.base^mixSalt, run))
	s.cur = s.pos
	if r.IntN(mixPCTOneIn) == 0 {
		s.cur = s.pct
	}
	return s.cur.Begin(run)
}

// Next implements Strategy.
func (s *Mix) Next(d *Decision) int { return s.cur.Next(d) }

// End implements Strategy. PCT learns k from every execution.
func (s *Mix) End(p *Path) {
	s.pos.End(p)
	s.pct.End(p)
}

// Info implements Strategy: the Spec of the strategy that runs the
// current execution.
func (s *Mix) Info() Info {
	if s.cur == nil {
		return Info{Name: NameMix, Seed: s.base, Depth: s.pct.depth, Steps: s.pct.steps}
	}
	return s.cur.Info()
}

// Clone implements Cloner.
func (s *Mix) Clone() Strategy {
	return &Mix{base: s.base, pos: s.pos.Clone().(*POS), pct: s.pct.Clone().(*PCT)}
}
