package scheduler

// rng is a small deterministic generator (SplitMix64). Its output for a
// seed never changes between Go versions, so a seed reproduces the same
// schedule forever.
type rng struct{ s uint64 }

func newRNG(seed uint64) rng { return rng{s: seed} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a value in [0, n) (Lemire's multiply-shift; the tiny bias is
// irrelevant here).
func (r *rng) intn(n int) int {
	hi, _ := mul64(r.next(), uint64(n))
	return int(hi)
}

func mul64(x, y uint64) (hi, lo uint64) {
	const mask32 = 1<<32 - 1
	x0, x1 := x&mask32, x>>32
	y0, y1 := y&mask32, y>>32
	w0 := x0 * y0
	t := x1*y0 + w0>>32
	w1, w2 := t&mask32, t>>32
	w1 += x0 * y1
	hi = x1*y1 + w2 + w1>>32
	lo = x * y
	return
}

// spuriousOdds: at a scheduling decision that offers spurious wakeups, one
// is taken with probability 1/spuriousOdds. Uniform choice would spend most
// steps waking waiters that only wait again.
const spuriousOdds = 16

// splitSpurious returns how many of the choices are real steps; spurious
// wakeups come last in a decision.
func splitSpurious(cs []Choice) int {
	n := len(cs)
	for n > 0 && cs[n-1].Op == OpSpurious {
		n--
	}
	return n
}
