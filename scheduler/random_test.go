package scheduler

import (
	"testing"

	"github.com/simrun/simrun/op"
)

// decision builds a decision of kind with real steps and n-real spurious
// wakeups (the order the runtime offers them in).
func decision(kind Kind, n, real int) *Decision {
	cs := make([]Choice, n)
	for i := range cs {
		cs[i] = Choice{Actor: i, Op: op.Store}
		if i >= real {
			cs[i].Op = op.Spurious
		}
	}
	return &Decision{Kind: kind, Choices: cs}
}

// TestRandomPickIsNext: the runtime asks a random walk through Pick,
// without a Decision; every answer, and so every later draw, must be
// Next's for the same decision, or a seed would name another schedule
// than the one its trace recorded.
func TestRandomPickIsNext(t *testing.T) {
	type dec struct {
		kind    Kind
		n, real int
	}
	for _, tc := range []struct {
		name string
		seq  []dec
	}{
		{"schedule", []dec{{Schedule, 2, 2}, {Schedule, 5, 5}, {Schedule, 3, 3}}},
		{"spurious beside steps", []dec{{Schedule, 4, 2}, {Schedule, 3, 1}, {Schedule, 6, 3}}},
		{"spurious only", []dec{{Schedule, 2, 0}, {Schedule, 3, 0}}},
		{"choose and wake", []dec{{Choose, 2, 2}, {Wake, 4, 4}, {Schedule, 5, 3}, {Choose, 7, 7}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for seed := uint64(0); seed < 50; seed++ {
				viaNext, viaPick := NewRandom(seed), NewRandom(seed)
				for run := range 4 {
					viaNext.Begin(run)
					viaPick.Begin(run)
					for round := range 20 {
						for _, d := range tc.seq {
							want := viaNext.Next(decision(d.kind, d.n, d.real))
							if got := viaPick.Pick(d.kind, d.n, d.real); got != want {
								t.Fatalf("seed %d run %d round %d %+v: Pick %d, Next %d", seed, run, round, d, got, want)
							}
						}
					}
				}
			}
		})
	}
}

// TestRandomPickSeesReal is the control of TestRandomPickIsNext: Pick told
// a wrong number of real steps answers differently somewhere, so the
// comparison above would catch a Pick that miscounted.
func TestRandomPickSeesReal(t *testing.T) {
	viaNext, viaPick := NewRandom(1), NewRandom(1)
	viaNext.Begin(0)
	viaPick.Begin(0)
	for range 1000 {
		if viaNext.Next(decision(Schedule, 4, 2)) != viaPick.Pick(Schedule, 4, 4) {
			return
		}
	}
	t.Fatal("Pick with 4 real steps answered as Next with 2 real and 2 spurious for 1000 decisions")
}

// mul64Portable is the 32-bit-halves product Rand.IntN used before
// bits.Mul64: the reference the seeds' schedules were recorded with.
func mul64Portable(x, y uint64) (hi uint64) {
	const mask32 = 1<<32 - 1
	x0, x1 := x&mask32, x>>32
	y0, y1 := y&mask32, y>>32
	w0 := x0 * y0
	t := x1*y0 + w0>>32
	w1, w2 := t&mask32, t>>32
	w1 += x0 * y1
	return x1*y1 + w2 + w1>>32
}

// TestIntNUnchanged: IntN draws what it drew with the portable product,
// so every recorded seed still names its schedule.
func TestIntNUnchanged(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 16, 100, 1 << 20, 1<<62 + 12345} {
		r, ref := NewRand(uint64(n)), NewRand(uint64(n))
		for range 10000 {
			want := int(mul64Portable(ref.Uint64(), uint64(n)))
			if got := r.IntN(n); got != want {
				t.Fatalf("IntN(%d) = %d, the portable product gives %d", n, got, want)
			}
		}
	}
}
