package gort

import (
	"math"

	"github.com/simrun/simrun/sim"
)

// math/rand and math/rand/v2: a draw is a recorded choice of the
// execution, so a replay reproduces it. A draw from a small range (n <= 8)
// is a real choice that the strategy explores (Execution.Choose, named
// "rand"): every value is tried by an exhaustive search. A draw from a
// larger range is a deterministic pseudo-random value: the i-th draw of an
// execution is splitmix64(i) (a fixed sequence, the same in every
// execution and in its replay) reduced to the range; the strategy does not
// vary it, so a bug that needs one particular large value is not
// searched for. Outside an execution (package initialisation) the same
// sequence continues from the process's start.
//
// SmallRange is the largest range a draw explores as a choice.
const SmallRange = 8

var draws uint64 // the draws of the current execution (or of the process, outside one)

func splitmix(i uint64) uint64 {
	z := i*0x9e3779b97f4a7c15 + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// next is the next pseudo-random 64 bits.
func next() uint64 {
	draws++
	return splitmix(draws)
}

// intn draws a value in [0, n).
func intn(n uint64) uint64 {
	if n == 0 {
		panic("invalid argument to Intn")
	}
	if n <= SmallRange && cur != nil {
		return uint64(choose("rand", int(n)))
	}
	return next() % n
}

// choose is Execution.Choose on the current execution.
func choose(name string, n int) int { return cur.Choose(name, n) }

// RandIntn is rand.Intn.
func RandIntn(n int) int {
	if n <= 0 {
		panic("invalid argument to Intn")
	}
	return int(intn(uint64(n)))
}

// RandInt31n is rand.Int31n.
func RandInt31n(n int32) int32 {
	if n <= 0 {
		panic("invalid argument to Int31n")
	}
	return int32(intn(uint64(n)))
}

// RandInt63n is rand.Int63n.
func RandInt63n(n int64) int64 {
	if n <= 0 {
		panic("invalid argument to Int63n")
	}
	return int64(intn(uint64(n)))
}

// RandUint64n is rand/v2's Uint64N.
func RandUint64n(n uint64) uint64 { return intn(n) }

// RandInt is rand.Int: a non-negative pseudo-random int.
func RandInt() int { return int(next() >> 1) }

// RandInt63 is rand.Int63.
func RandInt63() int64 { return int64(next() >> 1) }

// RandInt31 is rand.Int31.
func RandInt31() int32 { return int32(next() >> 33) }

// RandUint32 is rand.Uint32.
func RandUint32() uint32 { return uint32(next() >> 32) }

// RandUint64 is rand.Uint64.
func RandUint64() uint64 { return next() }

// RandFloat64 is rand.Float64: in [0, 1).
func RandFloat64() float64 { return float64(next()>>11) / (1 << 53) }

// RandFloat32 is rand.Float32: in [0, 1).
func RandFloat32() float32 { return float32(next()>>40) / (1 << 24) }

// RandPerm is rand.Perm: a permutation of [0, n), drawn as RandShuffle.
func RandPerm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	RandShuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// RandShuffle is rand.Shuffle (Fisher-Yates): with n <= SmallRange every
// order is a choice the strategy explores.
func RandShuffle(n int, swap func(i, j int)) {
	if n < 0 {
		panic("invalid argument to Shuffle")
	}
	for i := n - 1; i > 0; i-- {
		swap(i, RandIntn(i+1))
	}
}

// RandN is rand/v2's N for integer types and durations.
func RandN[T ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr](n T) T {
	if n <= 0 {
		panic("invalid argument to N")
	}
	return T(intn(uint64(n)))
}

// resetRand starts an execution's draws: the sequence restarts, so every
// execution (and its replay) sees the same values for the same draws.
func resetRand(*sim.Execution) { draws = 0 }

// RandSeed is rand.Seed: nothing, draws are the simulator's.
func RandSeed(int64) {}

// RandRead is rand.Read: fills p with pseudo-random bytes.
func RandRead(p []byte) (n int, err error) {
	for i := range p {
		p[i] = byte(next())
	}
	return len(p), nil
}

// RandNormFloat64 is rand.NormFloat64 (Box-Muller over two draws).
func RandNormFloat64() float64 {
	u1, u2 := 1-RandFloat64(), RandFloat64()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// RandExpFloat64 is rand.ExpFloat64 (inversion).
func RandExpFloat64() float64 { return -math.Log(1 - RandFloat64()) }

// The names of math/rand/v2 that v1 lacks, on the same draws.

// RandUintN is rand/v2's UintN.
func RandUintN(n uint) uint { return uint(RandUint64n(uint64(n))) }

// RandUint32N is rand/v2's Uint32N.
func RandUint32N(n uint32) uint32 { return uint32(RandUint64n(uint64(n))) }

// RandUint is rand/v2's Uint.
func RandUint() uint { return uint(next()) }
