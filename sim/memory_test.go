package sim_test

import (
	"runtime"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// TestUnboundedDFSMemory: an unbounded DFS that runs many executions keeps
// its memory flat (issue 14 measured ~3 KB per execution before the
// runtime reused its executions): the heap after 40,000 executions is
// within 2 MB of the heap after 4,000, both measured during the
// exploration.
func TestUnboundedDFSMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 44,000 executions")
	}
	// Many interleavings and few terminal states: four actors of three
	// critical sections each.
	s := func(x *sim.Execution) {
		m := sim.NewMutex(x, "m")
		v := sim.NewVar(x, "v", 0)
		for _, name := range []string{"a", "b", "c", "d"} {
			x.Go(name, func() {
				for range 3 {
					m.Lock()
					v.Write(v.Read() + 1)
					m.Unlock()
				}
			})
		}
	}
	// The heap while the exploration runs, after 4,000 and 40,000 executions.
	var small, large uint64
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	const runs = 40000
	rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewDFS(-1), Runs: runs, NoSpurious: true,
		OnExecution: func(run int, _ *sim.History, _ *sim.Finding) {
			switch run {
			case runs/10 - 1:
				small = heap()
			case runs - 1:
				large = heap()
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Runs != runs || rep.Exhausted {
		t.Fatalf("%d runs (exhausted %v), want %d: the state space is too small for the test", rep.Runs, rep.Exhausted, runs)
	}
	t.Logf("heap after 4,000 executions: %d KB; after 40,000: %d KB", small>>10, large>>10)
	if large > small+2<<20 {
		t.Errorf("the heap grew by %d KB over 36,000 executions", (large-small)>>10)
	}
}
