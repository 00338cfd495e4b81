package scheduler_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// writers: main spawns n actors; actor i writes its own Var (distinct) or
// the one shared Var, and records that it did.
func writers(n int, shared, record bool) sim.Scenario {
	return func(x *sim.Execution) {
		vs := make([]*sim.Var[int], n)
		for i := range vs {
			vs[i] = sim.NewVar(x, fmt.Sprintf("v%d", i), 0)
		}
		for i := 0; i < n; i++ {
			v := vs[i]
			if shared {
				v = vs[0]
			}
			x.Go(fmt.Sprintf("w%d", i), func() {
				v.Write(i + 1)
				if record {
					x.Record(i)
				}
			})
		}
	}
}

// counter is the lost-update counter: n actors each read the counter and
// write it back plus one, without synchronization.
func counter(n int) sim.Scenario {
	return func(x *sim.Execution) {
		c := sim.NewVar(x, "count", 0)
		for i := 0; i < n; i++ {
			x.Go(fmt.Sprintf("t%d", i), func() {
				v := c.Read()
				c.Write(v + 1)
			})
		}
	}
}

// recorder wraps a strategy and records every execution's decisions and
// preemption count, computed independently of DFS.
type recorder struct {
	scheduler.Strategy
	cur   []int
	pre   int
	execs []recorded
}

type recorded struct {
	decisions []int
	pre       int
}

func (r *recorder) Begin(run int) bool {
	r.cur, r.pre = nil, 0
	return r.Strategy.Begin(run)
}

func (r *recorder) Next(d *scheduler.Decision) int {
	i := r.Strategy.Next(d)
	r.cur = append(r.cur, i)
	if d.Kind == scheduler.Schedule {
		c := d.Choices[i]
		switch {
		case c.Op == op.Spurious:
			r.pre++
		case i > 0 && d.Choices[0].Actor == d.Current && d.Choices[0].Op != op.Spurious:
			r.pre++
		}
	}
	return i
}

// End records the execution unless the strategy ran it only to find its
// way (Rerunner), as the exploration counts it.
func (r *recorder) End(p *scheduler.Path) {
	r.Strategy.End(p)
	if !r.Rerun() {
		r.execs = append(r.execs, recorded{slices.Clone(r.cur), r.pre})
	}
}

func (r *recorder) Rerun() bool {
	rr, ok := r.Strategy.(scheduler.Rerunner)
	return ok && rr.Rerun()
}

func explore(t *testing.T, s sim.Scenario, strat scheduler.Strategy, workers int) *sim.Report {
	t.Helper()
	rep, err := sim.Explore(s, sim.Options{Strategy: strat, Runs: 1 << 30, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Fatalf("strategy errors: %v", rep.Errors)
	}
	return rep
}

func key(d []int) string { return fmt.Sprint(d) }

func TestDFSBoundsAreExact(t *testing.T) {
	tests := []struct {
		name  string
		s     sim.Scenario
		total int // executions without a bound (0: not checked)
	}{
		// w_i: start, write (Go is not a step). Interleavings of two
		// two-step actors: C(4,2) = 6.
		{"two-writers", writers(2, false, false), 6},
		{"two-writers-shared", writers(2, true, true), 6},
		{"three-writers", writers(3, true, true), 0},
		{"counter-2", counter(2), 0},
		{"counter-3", counter(3), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := &recorder{Strategy: scheduler.NewDFS(-1)}
			rep := explore(t, tt.s, all, 1)
			if !rep.Exhausted {
				t.Fatal("unbounded DFS not exhausted")
			}
			if tt.total != 0 && len(all.execs) != tt.total {
				t.Errorf("unbounded: %d executions, want %d", len(all.execs), tt.total)
			}
			seen := map[string]bool{}
			for i, e := range all.execs {
				if seen[key(e.decisions)] {
					t.Fatalf("execution %v ran twice", e.decisions)
				}
				seen[key(e.decisions)] = true
				if i > 0 && e.pre < all.execs[i-1].pre {
					t.Fatalf("execution %d has %d preemptions after one with %d", i, e.pre, all.execs[i-1].pre)
				}
			}
			for bound := 0; bound <= 3; bound++ {
				b := &recorder{Strategy: scheduler.NewDFS(bound)}
				rep := explore(t, tt.s, b, 1)
				if !rep.Exhausted {
					t.Fatalf("bound %d: not exhausted", bound)
				}
				var want []string
				for _, e := range all.execs {
					if e.pre <= bound {
						want = append(want, key(e.decisions))
					}
				}
				var got []string
				for _, e := range b.execs {
					got = append(got, key(e.decisions))
				}
				if !slices.Equal(got, want) {
					t.Errorf("bound %d: got %d executions, want %d\ngot  %v\nwant %v", bound, len(got), len(want), got, want)
				}
				if rep.Runs != len(want) {
					t.Errorf("bound %d: report says %d runs, want %d", bound, rep.Runs, len(want))
				}
			}
		})
	}
}

func TestDFSCounts(t *testing.T) {
	fact := func(n int) int {
		f := 1
		for i := 2; i <= n; i++ {
			f *= i
		}
		return f
	}
	tests := []struct {
		name   string
		s      sim.Scenario
		states int // distinct terminal states
	}{
		{"distinct-vars-3", writers(3, false, true), fact(3)}, // records order
		{"distinct-vars-norecord-3", writers(3, false, false), 1},
		{"shared-var-3", writers(3, true, true), fact(3)},
		{"shared-var-4", writers(4, true, true), fact(4)},
		{"counter-2", counter(2), 2},
		{"counter-3", counter(3), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := explore(t, tt.s, scheduler.NewDFS(-1), 1)
			if rep.TerminalStates != tt.states {
				t.Errorf("%d terminal states, want %d", rep.TerminalStates, tt.states)
			}
		})
	}
}

func TestDFSWorkersAgree(t *testing.T) {
	for _, bound := range []int{0, 1, 2, -1} {
		t.Run(fmt.Sprint(bound), func(t *testing.T) {
			var reps []string
			for _, w := range []int{1, 2, 3} {
				rep := explore(t, counter(3), scheduler.NewDFS(bound), w)
				reps = append(reps, summary(rep))
			}
			if reps[0] != reps[1] || reps[0] != reps[2] {
				t.Errorf("reports differ by worker count:\n%s", strings.Join(reps, "\n"))
			}
		})
	}
}

func TestDFSBudget(t *testing.T) {
	for _, w := range []int{1, 2} {
		rep, err := sim.Explore(counter(3), sim.Options{Strategy: scheduler.NewDFS(-1), Runs: 17, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Runs != 17 || rep.Exhausted {
			t.Errorf("workers %d: runs %d exhausted %v, want 17 false", w, rep.Runs, rep.Exhausted)
		}
	}
}

func summary(r *sim.Report) string {
	s := fmt.Sprintf("runs=%d steps=%d max=%d states=%d exhausted=%v pruned=%d counts=%v", r.Runs, r.Steps, r.MaxSteps, r.TerminalStates, r.Exhausted, r.Pruned, r.Counts)
	for _, f := range r.Findings {
		s += fmt.Sprintf(" [%s run=%d steps=%d %v]", f.Kind, f.Run, f.Steps, f.Trace.Decisions)
	}
	return s
}

// ExampleDFS verifies a lost-update counter with two actors: every
// interleaving within two preemptions runs once, and the final counter is
// 1 in some and 2 in others.
func ExampleDFS() {
	s := func(x *sim.Execution) {
		c := sim.NewVar(x, "count", 0)
		for i := 0; i < 2; i++ {
			x.Go(fmt.Sprintf("t%d", i), func() {
				v := c.Read()
				c.Write(v + 1)
			})
		}
	}
	rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewDFS(2), Runs: 1 << 20})
	if err != nil {
		panic(err)
	}
	fmt.Println("exhaustive:", rep.Exhausted, "executions:", rep.Runs, "final states:", rep.TerminalStates)
	// Output: exhaustive: true executions: 14 final states: 2
}
