package sim_test

import (
	"errors"
	"testing"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// yielder lets the running actor go on, except that a Yield hands over to
// the next actor.
type yielder struct{}

func (yielder) Begin(int) bool { return true }
func (yielder) Next(d *scheduler.Decision) int {
	if d.Kind == scheduler.Schedule && d.Choices[0].Op == op.Yield {
		return 1
	}
	return 0
}
func (yielder) End(*scheduler.Path)  {}
func (yielder) Info() scheduler.Info { return scheduler.Info{Name: "yielder"} }

// eventsOf runs s once under yielder and returns its trace.
func eventsOf(t *testing.T, s sim.Scenario) *traces.Trace {
	t.Helper()
	_, tr, err := sim.Run(s, sim.Options{Strategy: yielder{}, NoSpurious: true, Meta: sim.Meta{Protocol: "test", Variant: "door"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// find returns the n-th event (from 0) of op k, failing if there is none.
func find(t *testing.T, tr *traces.Trace, k op.Op, n int) traces.Event {
	t.Helper()
	for _, e := range tr.Events {
		if e.Op == k {
			if n == 0 {
				return e
			}
			n--
		}
	}
	t.Fatalf("no %s event #%d in %+v", k, n, tr.Events)
	return traces.Event{}
}

func objectID(t *testing.T, tr *traces.Trace, name string) int {
	t.Helper()
	for _, o := range tr.Objects {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no object %q in %+v", name, tr.Objects)
	return -1
}

// TestEventsCarryArgAndFailed: the structure issue 10 asks events to carry
// (the mutex of a wait, the actor a signal woke or a join awaited, whether
// an op failed), with each Value as it always was.
func TestEventsCarryArgAndFailed(t *testing.T) {
	// main locks mu and spawns w, which waits on c; main signals twice
	// (one wakes w, one is lost), broadcasts to nobody, fails a TryLock
	// and a CAS, joins w, and finally unlocks a mutex it does not hold.
	s := func(x *sim.Execution) {
		mu := sim.NewMutexNamed(x, sim.Indexed("mu", "t1"))
		c := sim.NewCond(x, "c", mu)
		v := sim.NewAtomic(x, "v", 0)
		other := sim.NewMutex(x, "other")
		ready := sim.NewVar(x, "ready", false)
		w := x.Go("w", func() {
			mu.Lock()
			for !ready.Read() {
				c.Wait()
			}
			mu.Unlock()
		})
		x.Yield() // w runs to its Wait
		mu.Lock()
		ready.Write(true)
		c.Signal()
		c.Signal()
		c.Broadcast()
		mu.Unlock()
		other.Lock()
		x.Go("t", func() {})
		other.TryLock()
		v.CompareAndSwap(1, 2)
		w.Join()
		mu.Unlock()
	}
	tr := eventsOf(t, s)
	mu := objectID(t, tr, "mu[t1]")
	const w = 1 // actor ids: main 0, w 1
	for _, c := range []struct {
		name   string
		ev     traces.Event
		arg    int
		failed bool
		value  string
	}{
		{"wait", find(t, tr, op.Wait, 0), mu, false, ""},
		{"wake", find(t, tr, op.Wake, 0), mu, false, ""},
		{"signal that wakes", find(t, tr, op.Signal, 0), w, false, "wakes w"},
		{"signal lost", find(t, tr, op.Signal, 1), 0, true, "lost: nobody waits"},
		{"broadcast lost", find(t, tr, op.Broadcast, 0), 0, true, "lost: nobody waits"},
		{"trylock failed", find(t, tr, op.TryLock, 0), 0, true, "false"},
		{"cas failed", find(t, tr, op.CAS, 0), 0, true, "1 -> 2 fails"},
		{"join", find(t, tr, op.Join, 0), w, false, ""},
		{"unlock not held", find(t, tr, op.Unlock, 2), 0, true, "not held: it is not locked"},
		{"lock", find(t, tr, op.Lock, 0), 0, false, ""},
	} {
		if c.ev.Arg != c.arg || c.ev.Failed != c.failed || c.ev.Value != c.value {
			t.Errorf("%s: got arg %d failed %v value %q, want %d %v %q", c.name, c.ev.Arg, c.ev.Failed, c.ev.Value, c.arg, c.failed, c.value)
		}
	}
	if tr.Finding == nil || tr.Finding.Kind != string(sim.BadUnlock) || tr.Finding.Actor != 0 {
		t.Errorf("finding %+v, want bad-unlock by main (actor 0)", tr.Finding)
	}
}

// TestReplayComparesArgAndFailedFromVersion2: a version-1 trace carries
// neither Arg nor Failed, and replays; from version 2 on they are compared.
func TestReplayComparesArgAndFailedFromVersion2(t *testing.T) {
	s := programs[3].s // wait with if: waits, signals
	for _, c := range []struct {
		name    string
		version int
		diverge bool
	}{
		{"v1 without arg and failed", 1, false},
		{"v2 without arg and failed", 2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := eventsOf(t, s)
			stripped := 0
			for i := range tr.Events {
				if tr.Events[i].Arg != 0 || tr.Events[i].Failed {
					stripped++
				}
				tr.Events[i].Arg, tr.Events[i].Failed = 0, false
			}
			if stripped == 0 {
				t.Fatal("the scenario records no Arg or Failed: the test proves nothing")
			}
			tr.Version = c.version
			_, _, err := sim.Replay(s, tr)
			if got := errors.Is(err, sim.ErrDivergence); got != c.diverge {
				t.Fatalf("replay error %v, want divergence %v", err, c.diverge)
			}
		})
	}
}

// TestFindingWithoutActor: a trace's finding names actor -1 when the
// finding concerns no actor (a check over the history).
func TestFindingWithoutActor(t *testing.T) {
	s := func(x *sim.Execution) {
		x.Go("a", func() { x.Record("e") })
		x.Check(func(h *sim.History) *sim.Finding {
			return &sim.Finding{Kind: "history", Message: "always"}
		})
	}
	tr := eventsOf(t, s)
	if tr.Finding == nil || tr.Finding.Actor != -1 {
		t.Fatalf("finding %+v, want actor -1", tr.Finding)
	}
}

// TestRunnerSurvivesAbortsAndPanics: executions that end with actors
// parked (a deadlock), actors that panic and actors that Failf run one
// after another on one worker's reused coroutines; each still gives its
// own finding, and the same seed gives the same report twice.
func TestRunnerSurvivesAbortsAndPanics(t *testing.T) {
	s := func(x *sim.Execution) {
		a, b := sim.NewMutex(x, "A"), sim.NewMutex(x, "B")
		v := sim.NewVar(x, "v", 0)
		x.Go("ab", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
		x.Go("ba", func() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock() })
		x.Go("p", func() {
			switch x.Choose("what", 3) {
			case 0:
				var m map[int]int
				m[v.Read()]++
			case 1:
				x.Failf(sim.Assertion, "asserted")
			}
		})
	}
	var reps []*sim.Report
	for range 2 {
		rep, err := sim.Explore(s, sim.Options{Runs: 300, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, rep)
	}
	for _, k := range []sim.Kind{sim.Deadlock, sim.Panic, sim.Assertion} {
		if reps[0].Counts[k] == 0 {
			t.Errorf("no %s finding in %v", k, reps[0].Counts)
		}
		if reps[0].Counts[k] != reps[1].Counts[k] {
			t.Errorf("%s: %d then %d findings with the same seed", k, reps[0].Counts[k], reps[1].Counts[k])
		}
	}
}
