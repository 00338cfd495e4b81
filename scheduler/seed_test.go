package scheduler_test

import (
	"testing"

	"github.com/simrun/simrun/scheduler"
)

// TestExecutionSeedsDoNotOverlap: the executions of nearby strategy seeds
// use different seeds (with seed+run, seeds 1 and 2 shared all but one),
// and Random and PCT report the seed they use.
func TestExecutionSeedsDoNotOverlap(t *testing.T) {
	const n = 100000
	seen := map[uint64]uint64{}
	for _, seed := range []uint64{1, 2, 3} {
		for run := range n {
			e := scheduler.ExecutionSeed(seed, run)
			if s, ok := seen[e]; ok {
				t.Fatalf("seed %d run %d uses execution seed %d, as seed %d does", seed, run, e, s)
			}
			seen[e] = seed
		}
	}
	for _, s := range []scheduler.Strategy{scheduler.NewRandom(7), scheduler.NewPCT(7, 3, 10)} {
		for _, run := range []int{0, 1, 99} {
			s.Begin(run)
			if got, want := s.Info().Seed, scheduler.ExecutionSeed(7, run); got != want {
				t.Errorf("%s run %d: seed %d, want %d", s.Info().Name, run, got, want)
			}
		}
	}
}
