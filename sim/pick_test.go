package sim_test

import (
	"encoding/json"
	"testing"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// hidden is a random walk the runtime does not recognise as one: it asks
// it through Next, with a Decision, as any other strategy.
type hidden struct{ scheduler.Strategy }

// pickScenario makes every kind of decision a random walk is asked:
// schedules with and without spurious wakeups beside them, Choose values,
// and which of several waiters a Signal wakes.
func pickScenario(x *sim.Execution) {
	mu := sim.NewMutex(x, "mu")
	cond := sim.NewCond(x, "cond", mu)
	turn := sim.NewVar(x, "turn", 0)
	for i := range 3 {
		x.Go("waiter", func() {
			mu.Lock()
			for turn.Read() <= i {
				cond.Wait()
			}
			mu.Unlock()
		})
	}
	x.Go("signaller", func() {
		for range 3 {
			mu.Lock()
			turn.Write(turn.Read() + 1 + x.Choose("skip", 2))
			cond.Signal()
			mu.Unlock()
		}
		mu.Lock()
		turn.Write(10)
		cond.Broadcast()
		mu.Unlock()
	})
}

// TestRandomAskedDirectly: the traces of a random walk, which the runtime
// asks without a Decision (scheduler.Random.Pick), are byte for byte those
// of the same walk asked through Next. Control: the comparison sees a
// different seed, and the scenario makes the decisions it is meant to.
func TestRandomAskedDirectly(t *testing.T) {
	trace := func(strat scheduler.Strategy, run int) ([]byte, map[op.Op]int) {
		t.Helper()
		_, tr, err := sim.Run(pickScenario, sim.Options{Strategy: strat, Races: true}, run)
		if err != nil {
			t.Fatal(err)
		}
		ops := map[op.Op]int{}
		for _, e := range tr.Events {
			ops[e.Op]++
		}
		b, err := json.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		return b, ops
	}
	seen := map[op.Op]int{}
	differ := 0
	for run := range 300 {
		direct, ops := trace(scheduler.NewRandom(3), run)
		viaNext, _ := trace(hidden{scheduler.NewRandom(3)}, run)
		if string(direct) != string(viaNext) {
			t.Fatalf("run %d: the trace asked directly differs from the one asked through Next:\n%s\n%s", run, direct, viaNext)
		}
		if other, _ := trace(scheduler.NewRandom(4), run); string(other) != string(direct) {
			differ++
		}
		for o, n := range ops {
			seen[o] += n
		}
	}
	if differ == 0 {
		t.Error("seeds 3 and 4 gave the same 300 traces: the comparison cannot tell schedules apart")
	}
	for _, o := range []op.Op{op.Spurious, op.Choose, op.Signal, op.Wait} {
		if seen[o] == 0 {
			t.Errorf("no %s in 300 executions: the scenario does not make the decisions it should", o)
		}
	}
}
