package scheduler

// Mix samples each execution with a strategy drawn for it: POS in two
// executions of three, PCT in the third. POS finds the bugs that need one
// actor held back across a long stretch of another's steps (a lost
// wakeup) several times faster than PCT, whose bound decays with the
// number of steps; PCT finds the bugs that need two or three ordering
// constraints at once (a snapshot taken between two engines' commits)
// faster than POS. A Hunt runs its strategies one after another, so a
// portfolio of the two would spend half its budget before the second
// began; Mix interleaves them run by run, so that every bug is found at
// the rate of the better of the two, less a third (see docs/strategies.md
// for the measurements behind the choice and the ratio).
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
	if r.IntN(3) == 0 {
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
