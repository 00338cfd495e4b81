package scheduler

import (
	"math/bits"

	"github.com/simrun/simrun/op"
)

// Rand is a small deterministic generator (SplitMix64). Its output for a
// seed never changes between Go versions, so a seed reproduces the same
// schedule, or the same generated workload, forever. The strategies use it,
// and so may scenario builders that generate their input from a seed (math/rand
// promises no such stability). The zero value is the generator of seed 0.
type Rand struct{ s uint64 }

// NewRand returns the generator of seed.
func NewRand(seed uint64) Rand { return Rand{s: seed} }

// Uint64 returns the next 64 random bits.
func (r *Rand) Uint64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// mix is SplitMix64's finalizer: a bijection of 64 bits in which every
// input bit affects every output bit.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// ExecutionSeed returns the seed of execution run of a sampling strategy
// (Random, PCT) seeded with seed. It mixes the two, rather than adding
// them, so that the executions of different seeds are independent: with
// seed+run, seeds 1 and 2 shared all but one execution.
func ExecutionSeed(seed uint64, run int) uint64 {
	return mix(seed ^ mix(uint64(run)))
}

// IntN returns a value in [0, n), n > 0 (Lemire's multiply-shift; the tiny
// bias is irrelevant here). bits.Mul64 is one instruction on amd64 and
// arm64, and gives the same high word as the portable product did.
func (r *Rand) IntN(n int) int {
	hi, _ := bits.Mul64(r.Uint64(), uint64(n))
	return int(hi)
}

// spuriousOdds: at a scheduling decision that offers spurious wakeups, one
// is taken with probability 1/spuriousOdds. Uniform choice would spend most
// steps waking waiters that only wait again.
const spuriousOdds = 16

// pickSpurious draws whether a scheduling decision takes one of its
// spurious wakeups (the choices from real on), and which: always when
// nothing else is on offer, else with probability 1/spuriousOdds. The
// sampling strategies share it, so they spend the same share of steps on
// spurious wakeups.
func pickSpurious(r *Rand, d *Decision, real int) (int, bool) {
	return pickSpuriousN(r, len(d.Choices), real)
}

// pickSpuriousN is pickSpurious for a decision of n choices.
func pickSpuriousN(r *Rand, n, real int) (int, bool) {
	if real < n && (real == 0 || r.IntN(spuriousOdds) == 0) {
		return real + r.IntN(n-real), true
	}
	return 0, false
}

// splitSpurious returns how many of the choices are real steps; spurious
// wakeups come last in a decision.
func splitSpurious(cs []Choice) int {
	n := len(cs)
	for n > 0 && cs[n-1].Op == op.Spurious {
		n--
	}
	return n
}
