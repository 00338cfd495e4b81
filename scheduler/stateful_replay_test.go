package scheduler_test

import (
	"slices"
	"testing"

	"github.com/simrun/simrun/scheduler"
)

// TestStatefulReplayedPrefix: what Stateful tells the runtime about each
// execution (PrefixReplayer) is true: executions are numbered 1, 2, ...
// and the first n decisions of one are those of the execution before,
// with the same choices, and its decision n is a different choice: the
// runtime may skip their bookkeeping and restore it at decision n. A
// synthetic tree of decisions whose number of alternatives depends on
// the path, with and without state matching (states merge, so executions
// are cut).
func TestStatefulReplayedPrefix(t *testing.T) {
	for _, c := range []struct {
		name  string
		strat *scheduler.Stateful
		match bool
	}{
		{"brute", scheduler.NewBruteForce(), false},
		{"stateful", scheduler.NewStateful(), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := c.strat
			var prev []int
			var last uint64
			runs, cut := 0, 0
			for run := 0; s.Begin(run); run++ {
				num, n := s.ReplayedPrefix()
				if num != last+1 {
					t.Fatalf("execution %d numbered %d after %d", run, num, last)
				}
				last = num
				var cur []int
				sum := 0
				for depth := range 5 {
					cs := make([]scheduler.Choice, 2+(sum+depth)%2)
					for i := range cs {
						cs[i] = scheduler.Choice{Actor: i}
					}
					d := &scheduler.Decision{Kind: scheduler.Schedule, Index: depth, Step: depth, Choices: cs}
					if c.match {
						d.State = func() uint64 { return uint64(depth*100 + sum) } // paths with the same sum meet
					}
					i := s.Next(d)
					if i == scheduler.Cut {
						cut++
						break
					}
					cur = append(cur, i)
					sum += i
				}
				if run > 0 {
					if n >= len(prev) || n >= len(cur) || !slices.Equal(cur[:n], prev[:n]) || cur[n] == prev[n] {
						t.Fatalf("execution %d: %v after %v, but %d decisions said replayed", run, cur, prev, n)
					}
				} else if n != 0 {
					t.Fatalf("the first execution says %d decisions replayed", n)
				}
				s.End(&scheduler.Path{})
				prev = cur
				runs++
			}
			if runs < 20 || c.match && cut == 0 {
				t.Errorf("%d executions, %d cut: the tree is too small to test", runs, cut)
			}
		})
	}
}
