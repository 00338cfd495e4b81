package sim_test

import (
	"fmt"
	"strings"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// printTB stands in for *testing.T in the example; it prints the first line
// of the failure.
type printTB struct{}

func (printTB) Helper()             {}
func (printTB) Name() string        { return "ExampleCheck" }
func (printTB) Logf(string, ...any) {}
func (printTB) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	lines := strings.Split(msg, "\n")
	fmt.Println(lines[0])
	fmt.Println(lines[1])
}

// signalFirst is a waker that signals before it sets the flag the waiter
// checks: if the waiter has not started waiting yet, the signal is lost.
func signalFirst(x *sim.Execution) {
	mu := sim.NewMutex(x, "mu")
	cond := sim.NewCond(x, "cond", mu)
	ready := sim.NewVar(x, "ready", false)
	x.Go("waiter", func() {
		mu.Lock()
		for !ready.Read() {
			cond.Wait()
		}
		mu.Unlock()
	})
	x.Go("waker", func() {
		cond.Signal() // bug: signal outside the lock, before the write
		mu.Lock()
		ready.Write(true)
		mu.Unlock()
	})
}

// Check a scenario with a lost wakeup (signalFirst). In a test, pass the
// test's t instead of printTB{}.
func ExampleCheck() {
	sim.Check(printTB{}, signalFirst)
	// Output:
	// sim.Check: lost-wakeup in execution 2 (2 executions run; posc, seed 9506087726907147786, 13 steps)
	// lost-wakeup: waiter waits on cond forever: every other actor has finished or is blocked, so nobody can signal it; the last signal on cond was at step 7 by waker
}

// counter spawns two incrementers that share a Var without a lock; main
// joins them and asserts that both increments landed.
func counter(x *sim.Execution) {
	n := sim.NewVar(x, "n", 0)
	a := x.Go("inc1", func() { n.Write(n.Read() + 1) })
	b := x.Go("inc2", func() { n.Write(n.Read() + 1) })
	a.Join()
	b.Join()
	x.Assert(n.Read() == 2, "n = %d after two increments", n.Read())
}

// A scenario (counter) spawns actors that share primitives of the
// execution; Explore runs it under a strategy and reports what it finds:
// here a lost update, which main's assertion catches after joining both
// incrementers.
func ExampleExplore() {
	rep, err := sim.Explore(counter, sim.Options{Runs: 100})
	if err != nil {
		panic(err)
	}
	f := rep.Findings[0]
	fmt.Printf("%s in %d of %d runs: %s\n", f.Kind, rep.Counts[f.Kind], rep.Runs, f.Message)
	// Output: assertion in 33 of 100 runs: n = 1 after two increments
}

// A Hunt runs a variant's whole search: here PCT (depth 3, its k
// calibrated first) and then a random walk share 400 executions of
// signalFirst, stop at its seeded bug, shrink its trace, and judge it
// against the variant.
func ExampleHunt() {
	h := sim.Hunt{
		Strategies:     []scheduler.Spec{{Name: "pct", Depth: 3}, {Name: "random"}},
		Runs:           400,
		StopOnExpected: true,
		Minimize:       true,
	}
	v, err := h.Run(signalFirst, sim.Variant{Name: "signal-first", Expected: sim.LostWakeup})
	if err != nil {
		panic(err)
	}
	f := v.Findings[0]
	fmt.Printf("verdict %s (as expected: %v) after %d runs\n", v.Kind, v.OK, v.Runs)
	fmt.Printf("found by %s at run %d; trace of %d steps\n", f.Strategy, f.Run, f.Minimized.StepsAfter)
	// Output:
	// verdict lost-wakeup (as expected: true) after 8 runs
	// found by pct:depth=3,steps=13,seed=1 at run 7; trace of 13 steps
}
