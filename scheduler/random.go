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

// Pick is Next for a decision of kind with n choices, of which the first
// real are steps and the others spurious wakeups (for Schedule; for the
// other kinds real is n): the same answer, and the same draws, as Next
// gives for such a decision, since a random walk looks at nothing else.
// The runtime calls it directly, without building a Decision, when the
// strategy of an execution is a *Random.
func (s *Random) Pick(kind Kind, n, real int) int {
	return pickUniform(&s.r, kind, n, real)
}

func pickRandom(r *Rand, d *Decision) int {
	real := len(d.Choices)
	if d.Kind == Schedule {
		real = splitSpurious(d.Choices)
	}
	return pickUniform(r, d.Kind, len(d.Choices), real)
}

func pickUniform(r *Rand, kind Kind, n, real int) int {
	if kind != Schedule {
		return r.IntN(n)
	}
	if i, ok := pickSpuriousN(r, n, real); ok {
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
