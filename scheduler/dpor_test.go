package scheduler_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// lockedCounter: n actors increment a counter under a mutex and record.
func lockedCounter(n int, record bool) sim.Scenario {
	return func(x *sim.Execution) {
		c := sim.NewVar(x, "count", 0)
		m := sim.NewMutex(x, "mu")
		for i := 0; i < n; i++ {
			x.Go(fmt.Sprintf("t%d", i), func() {
				m.Lock()
				c.Write(c.Read() + 1)
				if record {
					x.Record(i)
				}
				m.Unlock()
			})
		}
	}
}

// handoff: a producer sets a flag under a mutex and signals; consumers wait
// with if (bug: a spurious wakeup passes) or for (correct) and assert.
func handoff(consumers int, loop bool) sim.Scenario {
	return func(x *sim.Execution) {
		m := sim.NewMutex(x, "mu")
		c := sim.NewCond(x, "cond", m)
		ready := sim.NewVar(x, "ready", false)
		for i := 0; i < consumers; i++ {
			x.Go(fmt.Sprintf("c%d", i), func() {
				m.Lock()
				if loop {
					for !ready.Read() {
						c.Wait()
					}
				} else if !ready.Read() {
					c.Wait()
				}
				x.Assert(ready.Read(), "woke without ready")
				m.Unlock()
			})
		}
		x.Go("p", func() {
			m.Lock()
			ready.Write(true)
			c.Signal()
			m.Unlock()
		})
	}
}

// chooser: an actor picks a value with Choose and another reads it.
func chooser() sim.Scenario {
	return func(x *sim.Execution) {
		v := sim.NewAtomic(x, "v", 0)
		x.Go("a", func() { v.Store(1 + x.Choose("val", 3)) })
		x.Go("b", func() {
			if v.Load() == 3 {
				x.Assert(false, "saw 3")
			}
		})
	}
}

// lockOrder: two actors take two mutexes in opposite orders (deadlock).
func lockOrder() sim.Scenario {
	return func(x *sim.Execution) {
		a, b := sim.NewMutex(x, "A"), sim.NewMutex(x, "B")
		x.Go("t0", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
		x.Go("t1", func() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock() })
	}
}

type smallCase struct {
	name   string
	s      sim.Scenario
	execs  int // DPOR executions (not redundant), 0: not checked
	states int // distinct terminal states, 0: not checked
}

func smallCases() []smallCase {
	fact := func(n int) int {
		f := 1
		for i := 2; i <= n; i++ {
			f *= i
		}
		return f
	}
	return []smallCase{
		// n actors writing n different Vars: one execution.
		{"distinct-vars-2", writers(2, false, false), 1, 1},
		{"distinct-vars-4", writers(4, false, false), 1, 1},
		// n actors writing one Var, recording their turn: n! orders
		// (Flanagan-Godefroid is not optimal: a few more executions).
		{"shared-var-3", writers(3, true, true), 0, fact(3)},
		{"shared-var-4", writers(4, true, true), 0, fact(4)},
		{"recorded-4", writers(4, false, true), 0, fact(4)},
		// The lost-update counter: final values 1..n.
		{"counter-2", counter(2), 0, 2},
		{"counter-3", counter(3), 0, 3},
		{"counter-4", counter(4), 0, 4}, // DPOR only: too big for DFS here
		{"locked-counter-3", lockedCounter(3, false), 0, 1},
		{"locked-counter-rec-3", lockedCounter(3, true), 0, fact(3)},
		{"handoff-if-2", handoff(2, false), 0, 0},
		{"handoff-for-2", handoff(2, true), 0, 0},
		{"chooser", chooser(), 0, 3},
		{"lock-order", lockOrder(), 0, 0},
	}
}

func kindsOf(r *sim.Report) []string {
	var ks []string
	for k := range r.Counts {
		ks = append(ks, string(k))
	}
	slices.Sort(ks)
	return ks
}

// TestDPORAgreesWithDFS: on small programs, DPOR reaches every terminal
// state and every finding kind that unbounded DFS does, in no more
// executions.
func TestDPORAgreesWithDFS(t *testing.T) {
	for _, tt := range smallCases() {
		t.Run(tt.name, func(t *testing.T) {
			opts := sim.Options{Runs: 1 << 30, MaxSpurious: 1, Races: true}
			opts.Strategy = scheduler.NewDFS(-1)
			if tt.name == "counter-4" {
				opts.Strategy = scheduler.NewDPOR()
			}
			dfs, err := sim.Explore(tt.s, opts)
			if err != nil {
				t.Fatal(err)
			}
			opts.Strategy = scheduler.NewDPOR()
			dpor, err := sim.Explore(tt.s, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(dfs.Errors)+len(dpor.Errors) > 0 {
				t.Fatalf("strategy errors: %v %v", dfs.Errors, dpor.Errors)
			}
			if !dfs.Exhausted || !dpor.Exhausted {
				t.Fatalf("not exhausted: dfs %v dpor %v", dfs.Exhausted, dpor.Exhausted)
			}
			if tt.execs != 0 && dpor.Runs-dpor.Redundant != tt.execs {
				t.Errorf("DPOR: %d executions (%d redundant), want %d", dpor.Runs, dpor.Redundant, tt.execs)
			}
			if tt.states != 0 && dpor.TerminalStates != tt.states {
				t.Errorf("DPOR: %d terminal states, want %d", dpor.TerminalStates, tt.states)
			}
			if dpor.Runs > dfs.Runs {
				t.Errorf("DPOR ran %d executions, DFS %d", dpor.Runs, dfs.Runs)
			}
			if !slices.Equal(kindsOf(dfs), kindsOf(dpor)) {
				t.Errorf("finding kinds: DFS %v, DPOR %v", kindsOf(dfs), kindsOf(dpor))
			}
			if dfs.TerminalStates != dpor.TerminalStates {
				t.Errorf("terminal states: DFS %d, DPOR %d", dfs.TerminalStates, dpor.TerminalStates)
			}
			t.Logf("DFS %d executions, DPOR %d (%d redundant), states %d, kinds %v", dfs.Runs, dpor.Runs, dpor.Redundant, dpor.TerminalStates, kindsOf(dpor))
		})
	}
}

// TestBoundedDPOR: on the small programs, preemption-bounded DPOR finds
// every finding kind that DFS with the same bound finds, in no more
// executions; with bound -1 it is plain DPOR.
func TestBoundedDPOR(t *testing.T) {
	for _, tt := range smallCases() {
		if tt.name == "counter-4" {
			continue
		}
		for _, bound := range []int{0, 1, 2} {
			t.Run(fmt.Sprintf("%s/bound=%d", tt.name, bound), func(t *testing.T) {
				opts := sim.Options{Runs: 1 << 30, MaxSpurious: 1, Races: true}
				opts.Strategy = scheduler.NewDFS(bound)
				dfs, err := sim.Explore(tt.s, opts)
				if err != nil {
					t.Fatal(err)
				}
				opts.Strategy = scheduler.NewBoundedDPOR(bound)
				dpor, err := sim.Explore(tt.s, opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(dfs.Errors)+len(dpor.Errors) > 0 || !dfs.Exhausted || !dpor.Exhausted {
					t.Fatalf("errors %v %v, exhausted %v %v", dfs.Errors, dpor.Errors, dfs.Exhausted, dpor.Exhausted)
				}
				for _, k := range kindsOf(dfs) {
					if !slices.Contains(kindsOf(dpor), k) {
						t.Errorf("DFS(%d) found %s, bounded DPOR did not (%v)", bound, k, kindsOf(dpor))
					}
				}
				if dpor.Runs > dfs.Runs {
					t.Errorf("bounded DPOR ran %d executions, DFS(%d) %d", dpor.Runs, bound, dfs.Runs)
				}
				if dpor.Pruned == 0 {
					// Nothing was left out: this was the unbounded search.
					opts.Strategy = scheduler.NewDPOR()
					full, _ := sim.Explore(tt.s, opts)
					if full.Runs != dpor.Runs {
						t.Errorf("bounded DPOR pruned nothing but ran %d executions, DPOR %d", dpor.Runs, full.Runs)
					}
				}
			})
		}
	}
	for _, tt := range smallCases()[:6] {
		a, _ := sim.Explore(tt.s, sim.Options{Runs: 1 << 30, MaxSpurious: 1, Strategy: scheduler.NewDPOR()})
		b, _ := sim.Explore(tt.s, sim.Options{Runs: 1 << 30, MaxSpurious: 1, Strategy: scheduler.NewBoundedDPOR(-1)})
		if a.Runs != b.Runs || a.TerminalStates != b.TerminalStates {
			t.Errorf("%s: NewBoundedDPOR(-1) ran %d (%d states), NewDPOR %d (%d)", tt.name, b.Runs, b.TerminalStates, a.Runs, a.TerminalStates)
		}
	}
}

// TestDependent: the dependence relation on labels.
func TestDependent(t *testing.T) {
	const mu, cond, mu2, o1, o2 = 10, 11, 12, 13, 14
	c := func(a int, op op.Op, obj, arg int) scheduler.Choice {
		return scheduler.Choice{Actor: a, Op: op, Object: obj, Arg: arg}
	}
	for _, tt := range []struct {
		a, b scheduler.Choice
		want bool
	}{
		{c(1, op.Wait, cond, mu), c(2, op.Lock, mu, 0), true},
		{c(1, op.Wait, cond, mu), c(2, op.Unlock, mu, 0), true},
		{c(1, op.Wait, cond, mu), c(2, op.Lock, mu2, 0), false},
		{c(1, op.Wait, cond, mu), c(2, op.Signal, cond, 0), true},
		{c(1, op.Wait, cond, mu), c(2, op.Broadcast, cond, 0), true},
		{c(1, op.Wake, cond, mu), c(2, op.Lock, mu, 0), true},
		{c(1, op.Call, o1, 0), c(2, op.Call, o2, 0), false},
		{c(1, op.Call, o1, 0), c(2, op.Call, o1, 0), true},
		{c(1, op.Read, o1, 0), c(2, op.Read, o1, 0), false},
		{c(1, op.Load, o1, 0), c(2, op.Store, o1, 0), true},
		{c(1, op.Spurious, cond, 0), c(2, op.Spurious, o1, 0), true},
		{c(1, op.Start, o1, 0), c(2, op.Start, o2, 0), false},
		// Go's channel and timer operations: a select, a cancel or a
		// timer's firing touches every channel; timers order against each
		// other; Len only reads.
		{c(1, op.Select, o1, 0), c(2, op.Send, o2, 0), true},
		{c(1, op.Timer, o1, 0), c(2, op.Fire, o2, 0), true},
		{c(1, op.Send, o1, 0), c(2, op.Recv, o2, 0), false},
		{c(1, op.Len, o1, 0), c(2, op.Len, o1, 0), false},
	} {
		if got := scheduler.Dependent(tt.a, tt.b, false, false); got != tt.want {
			t.Errorf("Dependent(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := scheduler.Dependent(tt.b, tt.a, false, false); got != tt.want {
			t.Errorf("Dependent(%v, %v) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
		// Steps that both record history events are dependent.
		if !scheduler.Dependent(tt.a, tt.b, true, true) {
			t.Errorf("Dependent(%v, %v) with records = false", tt.a, tt.b)
		}
	}
}

// TestDPORSleepingRace: the smallest random scenarios on which DPOR once
// missed a terminal state. In the first, t0's load of a1 races with t1's
// store; reversing the race needs t0's load before the store but after
// t2's first record (t0 records after its load). DPOR saw the race while
// t0's load was asleep where the store ran, and dropped it: the reversal
// has to start with t2, which only the race's initials tell. Every split
// depth must reach exactly brute force's terminal states.
func TestDPORSleepingRace(t *testing.T) {
	tests := []struct {
		name   string
		prog   [][]rop
		states int // brute force's terminal states, by whole history
	}{
		{"load-store-record", [][]rop{
			{{kind: 2, obj: 1}},                     // load1
			{{kind: 3, obj: 1, val: 1}, {kind: 0}},  // store1=1 lock0
			{{kind: 7, obj: 1}, {kind: 0, obj: 1}}}, // record1 lock1
			18},
		{"iswap-iload-record", [][]rop{
			{{kind: 13, val: 1}},                    // iswap0=1
			{{kind: 11}, {kind: 13}},                // iload0 iswap0=0
			{{kind: 7, obj: 1}, {kind: 0, val: 2}}}, // record1 lock0
			18},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := randScenario{prog: tt.prog}
			opts := sim.Options{Runs: 20000, MaxSpurious: 1, MaxSteps: 200}
			brute := exploreKeys(t, sc.run, opts, scheduler.NewBruteForce(), historyKey)
			if !brute.rep.Exhausted || len(brute.states) != tt.states {
				t.Fatalf("brute force: exhausted %v, %d terminal states, want %d", brute.rep.Exhausted, len(brute.states), tt.states)
			}
			for _, split := range splits {
				for _, w := range []int{1, 2} {
					opts.Workers = w
					got := exploreKeys(t, sc.run, opts, scheduler.NewDPOR().WithSplit(split), historyKey)
					if !got.rep.Exhausted || len(got.rep.Errors) > 0 {
						t.Fatalf("split %d: exhausted %v, errors %v", split, got.rep.Exhausted, got.rep.Errors)
					}
					sameOutcome(t, fmt.Sprintf("split %d, %d workers", split, w), brute, got)
				}
			}
		})
	}
}
