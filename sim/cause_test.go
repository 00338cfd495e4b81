package sim_test

import (
	"slices"
	"testing"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// A finding records the steps of its cause (Finding.Cause, written to the
// trace) so that viewers open there: a deadlock, the steps that took the
// mutexes of its cycle; a lost wakeup, the last signal on its condition
// variable; a race, the two
// accesses. An assertion has none.
func TestFindingCause(t *testing.T) {
	abba := func(x *sim.Execution) {
		a, b := sim.NewMutex(x, "A"), sim.NewMutex(x, "B")
		x.Go("t1", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
		x.Go("t2", func() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock() })
	}
	racy := func(x *sim.Execution) {
		v := sim.NewVar(x, "v", 0)
		x.Go("t1", func() { v.Write(1) })
		x.Go("t2", func() { v.Write(2) })
	}
	tests := []struct {
		name     string
		scenario func(*sim.Execution)
		kind     sim.Kind
		races    bool
		// want checks the trace's events at the cause steps.
		want func(tr *traces.Trace, events []traces.Event) bool
	}{
		{"deadlock", abba, sim.Deadlock, false, func(tr *traces.Trace, evs []traces.Event) bool {
			// Both locks of the cycle, one by each actor, of each mutex.
			return len(evs) == 2 && evs[0].Op == op.Lock && evs[1].Op == op.Lock &&
				evs[0].Actor != evs[1].Actor && evs[0].Object != evs[1].Object
		}},
		{"lost wakeup", signalFirst, sim.LostWakeup, false, func(tr *traces.Trace, evs []traces.Event) bool {
			// The last signal on the condition variable (here one that
			// woke the waiter before it waited again).
			return len(evs) == 1 && evs[0].Op == op.Signal
		}},
		{"race", racy, sim.Race, true, func(tr *traces.Trace, evs []traces.Event) bool {
			return len(evs) == 2 && evs[0].Op == op.Write && evs[1].Op == op.Write && evs[0].Actor != evs[1].Actor
		}},
		{"assertion", counter, sim.Assertion, false, func(tr *traces.Trace, evs []traces.Event) bool { return len(evs) == 0 }},
	}
	for _, tc := range tests {
		rep, err := sim.Explore(tc.scenario, sim.Options{Runs: 200, StopOnKind: tc.kind, Races: tc.races})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(rep.Findings, func(f *sim.Finding) bool { return f.Kind == tc.kind })
		if i < 0 {
			t.Fatalf("%s: no %s in %d runs", tc.name, tc.kind, rep.Runs)
		}
		f := rep.Findings[i]
		if f.Trace == nil || !slices.Equal(f.Trace.Finding.Cause, f.Cause) {
			t.Fatalf("%s: trace's cause differs from the finding's %v", tc.name, f.Cause)
		}
		var evs []traces.Event
		for _, e := range f.Trace.Events {
			if slices.Contains(f.Cause, e.Step) && e.Op != op.Event {
				evs = append(evs, e)
			}
		}
		if !tc.want(f.Trace, evs) {
			t.Errorf("%s: cause steps %v are %+v", tc.name, f.Cause, evs)
		}
	}
}
