package scheduler

// Random is a random walk: at every decision it picks uniformly among the
// enabled steps (spurious wakeups with a small probability). Execution run
// uses seed ExecutionSeed(seed, run), so every execution can be re-created
// from the strategy's seed and its run number (and replayed from its
// decisions), and different seeds give independent executions.
type Random struct {
	base uint64
	seed uint64
	r    Rand
}

// NewRandom returns a random walk whose first execution uses seed.
func NewRandom(seed uint64) *Random { return &Random{base: seed} }

// Begin implements Strategy.
func (s *Random) Begin(run int) bool {
	s.seed = ExecutionSeed(s.base, run)
	s.r = NewRand(s.seed)
	return true
}

// Next implements Strategy.
func (s *Random) Next(d *Decision) int {
	return pickRandom(&s.r, d)
}

func pickRandom(r *Rand, d *Decision) int {
	if d.Kind != Schedule {
		return r.IntN(len(d.Choices))
	}
	real := splitSpurious(d.Choices)
	if i, ok := pickSpurious(r, d, real); ok {
		return i
	}
	return r.IntN(real)
}

// End implements Strategy.
func (s *Random) End(*Path) {}

// Info implements Strategy.
func (s *Random) Info() Info { return Info{Name: NameRandom, Seed: s.seed} }

// Clone implements Cloner.
func (s *Random) Clone() Strategy { return &Random{base: s.base} }
