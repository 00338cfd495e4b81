package sim_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// recordingCounter is a racy counter whose main records the total before
// asserting it, so that its trace ends with a Record event.
func recordingCounter(x *sim.Execution) {
	c := sim.NewVar(x, "c", 0)
	a := x.Go("a", func() { c.Write(c.Read() + 1) })
	b := x.Go("b", func() { c.Write(c.Read() + 1) })
	a.Join()
	b.Join()
	v := c.Read()
	x.Record(v)
	x.Assert(v == 2, "counter %d, want 2", v)
}

// TestReplayFaithful: Replay refuses a trace that its execution follows
// step by step but does not end as the trace did, whoever calls it; the
// untouched trace replays with its finding.
func TestReplayFaithful(t *testing.T) {
	rep, err := sim.Explore(recordingCounter, sim.Options{Runs: 500, Strategy: scheduler.NewRandom(1), StopOnFinding: true,
		Meta: sim.Meta{Protocol: "test", Variant: "counter"}})
	if err != nil || len(rep.Findings) == 0 || rep.Findings[0].Trace == nil {
		t.Fatalf("no finding with a trace: %v, %+v", err, rep)
	}
	orig := rep.Findings[0].Trace
	if last := orig.Events[len(orig.Events)-1]; last.Value == "" {
		t.Fatalf("the trace does not end with the recorded total: %+v", last)
	}
	for _, c := range []struct {
		name   string
		tamper func(tr *traces.Trace)
		err    string // in the error; "" for none
	}{
		{"untouched", func(*traces.Trace) {}, ""},
		{"a decision more", func(tr *traces.Trace) { tr.Decisions = append(tr.Decisions, 0) }, "decisions, the trace has"},
		{"the recorded event dropped", func(tr *traces.Trace) { tr.Events = tr.Events[:len(tr.Events)-1] }, "events, the trace records"},
		{"the last step dropped", func(tr *traces.Trace) { tr.Events = tr.Events[:len(tr.Events)-2] }, "diverged"},
		{"no finding", func(tr *traces.Trace) { tr.Finding = nil }, "recorded no finding"},
		{"another kind", func(tr *traces.Trace) { tr.Finding.Kind = string(sim.Deadlock) }, "but the replay found " + string(rep.Findings[0].Kind)},
		{"another step", func(tr *traces.Trace) { tr.Finding.Step++ }, "at step"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := cloneTrace(t, orig)
			c.tamper(tr)
			f, _, err := sim.Replay(recordingCounter, tr)
			switch {
			case c.err == "" && (err != nil || f == nil || f.Kind != rep.Findings[0].Kind):
				t.Fatalf("finding %v, error %v; want %s", f, err, rep.Findings[0].Kind)
			case c.err != "" && (!errors.Is(err, sim.ErrDivergence) || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("error %v, want ErrDivergence saying %q", err, c.err)
			case c.err != "" && f != nil:
				t.Errorf("a refused replay returned finding %v", f)
			}
		})
	}
}

// cloneTrace is a deep copy of tr, through its encoding.
func cloneTrace(t *testing.T, tr *traces.Trace) *traces.Trace {
	t.Helper()
	b, err := tr.Encode()
	if err != nil {
		t.Fatal(err)
	}
	c, err := traces.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
