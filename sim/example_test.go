package sim_test

import (
	"fmt"
	"strings"

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

// A waker that signals before it sets the flag the waiter checks: if the
// waiter has not started waiting yet, the signal is lost. In a test, pass
// the test's t instead of printTB{}.
func ExampleCheck() {
	sim.Check(printTB{}, func(x *sim.Execution) {
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
	})
	// Output:
	// sim.Check: lost-wakeup after 2 executions (random, seed 9506087726907147786, 13 steps)
	// lost-wakeup: waiter waits on cond forever: every other actor has finished or is blocked, so nobody can signal it; the last signal on cond was at step 7 by waker
}

// A scenario spawns actors that share primitives of the execution; Explore
// runs it under a strategy and reports what it finds: here a lost update,
// which main's assertion catches after joining both incrementers.
func ExampleExplore() {
	counter := func(x *sim.Execution) {
		n := sim.NewVar(x, "n", 0)
		a := x.Go("inc1", func() { n.Write(n.Read() + 1) })
		b := x.Go("inc2", func() { n.Write(n.Read() + 1) })
		a.Join()
		b.Join()
		x.Assert(n.Read() == 2, "n = %d after two increments", n.Read())
	}
	rep, err := sim.Explore(counter, sim.Options{Runs: 100})
	if err != nil {
		panic(err)
	}
	f := rep.Findings[0]
	fmt.Printf("%s in %d of %d runs: %s\n", f.Kind, rep.Counts[f.Kind], rep.Runs, f.Message)
	// Output: assertion in 33 of 100 runs: n = 1 after two increments
}
