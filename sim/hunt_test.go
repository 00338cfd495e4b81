package sim_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// locked: a correct counter.
func locked(x *sim.Execution) {
	mu := sim.NewMutex(x, "mu")
	n := sim.NewVar(x, "n", 0)
	inc := func() { mu.Lock(); n.Write(n.Read() + 1); mu.Unlock() }
	a, b := x.Go("inc1", inc), x.Go("inc2", inc)
	a.Join()
	b.Join()
	x.Assert(n.Read() == 2, "n = %d", n.Read())
}

var (
	random = scheduler.Spec{Name: scheduler.NameRandom}
	pct    = scheduler.Spec{Name: scheduler.NamePCT}
	dfs    = scheduler.Spec{Name: scheduler.NameDFS, Bound: scheduler.IntPtr(2)}
)

// The budget is split between the strategies in turn, the last taking the
// remainder; seeds and PCT's k are filled in.
func TestHuntSplitsRuns(t *testing.T) {
	v, err := sim.Hunt{Strategies: []scheduler.Spec{random, pct}, Runs: 101}.Run(locked, sim.Variant{Expected: sim.Clean})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Reports) != 2 || v.Reports[0].Runs != 50 || v.Reports[1].Runs != 51 || v.Runs != 101 {
		t.Fatalf("runs %d over %d reports, want 50 + 51", v.Runs, len(v.Reports))
	}
	if v.Steps != v.Reports[0].Steps+v.Reports[1].Steps {
		t.Fatalf("steps %d, want the sum of the reports'", v.Steps)
	}
	got := v.Strategies
	if got[0].Seed != 1 || got[1].Seed != 1 || got[1].Steps < 1 {
		t.Fatalf("strategies as run: %v, want seed 1 and a calibrated k", got)
	}
	if v.Kind != sim.Clean || !v.OK || len(v.Findings) != 0 {
		t.Fatalf("verdict %s ok=%v findings %d, want clean", v.Kind, v.OK, len(v.Findings))
	}
	if v.PCT == nil || v.PCT.Depth != scheduler.DefaultDepth || v.PCT.Actors != 3 || v.PCT.P <= 0 {
		t.Fatalf("PCT bound %+v", v.PCT)
	}
}

// Findings, their runs, counts and the verdict do not depend on the worker
// count: PCT's k is calibrated once, not learned by each worker.
func TestHuntIndependentOfWorkers(t *testing.T) {
	var first *sim.Verdict
	for _, w := range []int{1, 2, 3} {
		h := sim.Hunt{Strategies: []scheduler.Spec{pct, random}, Runs: 400, Options: sim.Options{Workers: w, Races: true}}
		v, err := h.Run(counter, sim.Variant{Expected: sim.Assertion, Also: []sim.Kind{sim.Race}})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = v
			continue
		}
		if summary(v) != summary(first) {
			t.Fatalf("workers %d:\n%s\nworkers 1:\n%s", w, summary(v), summary(first))
		}
	}
	if !first.OK || first.Kind != sim.Assertion {
		t.Fatalf("verdict %s ok=%v", first.Kind, first.OK)
	}
}

func summary(v *sim.Verdict) string {
	var b strings.Builder
	for _, f := range v.Findings {
		b.WriteString(strings.Join([]string{string(f.Finding.Kind), f.Strategy.String(), f.Finding.Message}, " "))
		b.WriteString("\n")
		json.NewEncoder(&b).Encode([]any{f.Run, f.Count, f.Finding.Seed, f.Finding.Steps, f.Finding.Trace.Decisions})
	}
	json.NewEncoder(&b).Encode([]any{v.Kind, v.OK, v.Runs, v.Steps, v.Strategies, v.PCT})
	return b.String()
}

// A kind found by two strategies keeps the first one's finding and adds up
// the counts; the hunt-wide run counts the executions of earlier strategies.
func TestHuntMergesFindings(t *testing.T) {
	v, err := sim.Hunt{Strategies: []scheduler.Spec{random, random}, Runs: 200}.Run(counter, sim.Variant{Expected: sim.Assertion})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Findings) != 1 {
		t.Fatalf("%d findings, want one assertion", len(v.Findings))
	}
	f := v.Findings[0]
	a, b := v.Reports[0].Counts[sim.Assertion], v.Reports[1].Counts[sim.Assertion]
	if b == 0 || f.Count != a+b {
		t.Fatalf("count %d, want %d + %d", f.Count, a, b)
	}
	if f.Run != f.Finding.Run || f.Finding.Run != v.Reports[0].Findings[0].Run {
		t.Fatalf("first finding at run %d (strategy run %d), want the first strategy's", f.Run, f.Finding.Run)
	}
}

// A seeded bug's hunt stops at its expected kind, and StopOnFinding stops
// it at any kind, across strategies; otherwise it spends its whole budget.
func TestHuntStops(t *testing.T) {
	both := []scheduler.Spec{random, pct}
	for _, c := range []struct {
		name    string
		h       sim.Hunt
		expect  sim.Kind
		reports int
		all     bool // the whole budget ran
	}{
		{"on expected", sim.Hunt{Strategies: both, StopOnExpected: true}, sim.LostWakeup, 1, false},
		{"not on another kind", sim.Hunt{Strategies: both, StopOnExpected: true}, sim.Deadlock, 2, true},
		{"on finding", sim.Hunt{Strategies: both, Options: sim.Options{StopOnFinding: true}}, sim.Clean, 1, false},
		{"never", sim.Hunt{Strategies: both}, sim.LostWakeup, 2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.h.Runs = 400
			vd, err := c.h.Run(signalFirst, sim.Variant{Expected: c.expect})
			if err != nil {
				t.Fatal(err)
			}
			if len(vd.Reports) != c.reports || (vd.Runs == 400) != c.all {
				t.Fatalf("%d strategies, %d runs", len(vd.Reports), vd.Runs)
			}
			if vd.Findings[0].Finding.Kind != sim.LostWakeup {
				t.Fatalf("found %s first", vd.Findings[0].Finding.Kind)
			}
		})
	}
}

// The verdict is Variant.Judge's: a clean variant with a finding is not
// ok, a seeded bug not found is not ok.
func TestHuntJudges(t *testing.T) {
	for _, c := range []struct {
		name string
		s    sim.Scenario
		v    sim.Variant
		kind sim.Kind
		ok   bool
	}{
		{"bug found", signalFirst, sim.Variant{Expected: sim.LostWakeup}, sim.LostWakeup, true},
		{"clean variant with a bug", signalFirst, sim.Variant{Expected: sim.Clean}, sim.LostWakeup, false},
		{"seeded bug missed", locked, sim.Variant{Expected: sim.LostWakeup}, sim.Clean, false},
		{"clean", locked, sim.Variant{Expected: sim.Clean}, sim.Clean, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := sim.Hunt{Runs: 200}.Run(c.s, c.v)
			if err != nil {
				t.Fatal(err)
			}
			if v.Kind != c.kind || v.OK != c.ok {
				t.Fatalf("verdict %s ok=%v, want %s ok=%v", v.Kind, v.OK, c.kind, c.ok)
			}
		})
	}
}

// Minimize shrinks the trace of each finding, and the shrunk trace still
// gives the finding's kind; MaxMinimizeSteps leaves longer executions alone.
func TestHuntMinimizes(t *testing.T) {
	for _, c := range []struct {
		max       int
		minimized bool
	}{{0, true}, {1, false}} {
		v, err := sim.Hunt{Strategies: []scheduler.Spec{pct}, Runs: 300, Minimize: true, MaxMinimizeSteps: c.max}.Run(signalFirst, sim.Variant{Expected: sim.LostWakeup})
		if err != nil {
			t.Fatal(err)
		}
		f := v.Findings[0]
		if (f.Minimized != nil) != c.minimized || f.MinimizeErr != nil {
			t.Fatalf("max %d: minimized %v, error %v", c.max, f.Minimized, f.MinimizeErr)
		}
		if f.Minimized != nil && (f.Minimized.StepsAfter > f.Minimized.StepsBefore || f.Finding.Trace.Finding.Kind != string(sim.LostWakeup)) {
			t.Fatalf("minimized %+v, trace finding %v", f.Minimized, f.Finding.Trace.Finding)
		}
	}
}

// The bound is reported only when PCT ran; an exhaustive strategy runs
// inside a hunt too.
func TestHuntPCTBoundOnlyWithPCT(t *testing.T) {
	for _, c := range []struct {
		specs []scheduler.Spec
		bound bool
	}{
		{[]scheduler.Spec{random}, false},
		{[]scheduler.Spec{dfs}, false},
		{[]scheduler.Spec{random, pct}, true},
	} {
		v, err := sim.Hunt{Strategies: c.specs, Runs: 50}.Run(locked, sim.Variant{Expected: sim.Clean})
		if err != nil {
			t.Fatal(err)
		}
		if (v.PCT != nil) != c.bound {
			t.Fatalf("%v: PCT bound %v", c.specs, v.PCT)
		}
	}
}

// A hunt refuses what it would otherwise ignore.
func TestHuntRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		h    sim.Hunt
		msg  string
	}{
		{"bad spec", sim.Hunt{Strategies: []scheduler.Spec{{Name: "pct", Bound: scheduler.IntPtr(1)}}}, "bound"},
		{"options' runs", sim.Hunt{Options: sim.Options{Runs: 5}}, "Hunt.Runs"},
		{"options' progress", sim.Hunt{Options: sim.Options{Progress: func(sim.Progress) {}}}, "Hunt.Progress"},
		{"two strategies", sim.Hunt{Strategies: []scheduler.Spec{random}, Options: sim.Options{Strategy: scheduler.NewRandom(1)}}, "not both"},
		{"negative runs", sim.Hunt{Runs: -1}, "positive"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.h.Run(locked, sim.Variant{})
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error %v, want one mentioning %q", err, c.msg)
			}
		})
	}
}

// Without Strategies, a hunt runs Options.Strategy as it is.
func TestHuntRunsAGivenStrategy(t *testing.T) {
	v, err := sim.Hunt{Runs: 30, Options: sim.Options{Strategy: scheduler.NewPCT(9, 2, 40)}}.Run(locked, sim.Variant{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Strategies) != 1 || v.Strategies[0].Name != "pct" || v.Runs != 30 || v.Reports[0].Runs != 30 {
		t.Fatalf("ran %v for %d runs, want pct for 30", v.Strategies, v.Runs)
	}
}

func TestSearchVerdict(t *testing.T) {
	one := &sim.Finding{Kind: sim.Deadlock}
	for _, c := range []struct {
		spec     scheduler.Spec
		rep      sim.Report
		verified bool
		text     string
	}{
		{scheduler.Spec{Name: "dpor"}, sim.Report{Exhausted: true}, true, "verified: no finding in any execution (DPOR, exhaustive)"},
		{scheduler.Spec{Name: "dfs"}, sim.Report{Exhausted: true}, true, "verified: no finding in any execution (DFS, exhaustive)"},
		{dfs, sim.Report{Exhausted: true}, true, "verified: no finding in any execution with at most 2 preemptions (nothing lay beyond the bound: exhaustive)"},
		{dfs, sim.Report{Exhausted: true, Pruned: 7}, true, "verified: no finding in any execution with at most 2 preemptions (7 alternatives beyond the bound were not explored)"},
		{scheduler.Spec{Name: "dpor", Bound: scheduler.IntPtr(1)}, sim.Report{Exhausted: true}, true, "verified (bounded DPOR): no finding in any execution DPOR explored with at most 1 preemptions (nothing lay beyond the bound: exhaustive)"},
		{dfs, sim.Report{Runs: 9}, false, "not verified: the search stopped at the budget of 9 executions before"},
		{dfs, sim.Report{Exhausted: true, Findings: []*sim.Finding{one}}, false, "not verified: 1 finding kind(s); the search was exhaustive for 2 preemptions"},
		{scheduler.Spec{Name: "dpor"}, sim.Report{Exhausted: true, Findings: []*sim.Finding{one}}, false, "not verified: 1 finding kind(s); the search was exhaustive"},
		{dfs, sim.Report{Exhausted: true, Errors: []string{"x"}}, false, "not verified: the scenario is not deterministic"},
	} {
		verified, text := sim.SearchVerdict(c.spec, &c.rep)
		if verified != c.verified || !strings.HasPrefix(text, c.text) {
			t.Errorf("%v %+v: %v %q, want %v %q", c.spec, c.rep, verified, text, c.verified, c.text)
		}
	}
}

// A trace written before Spec had Bound stored a DFS or DPOR bound in
// depth: it still loads, with the bound where it belongs.
func TestLegacyTraceStrategy(t *testing.T) {
	for _, c := range []struct {
		in   string
		want scheduler.Spec
	}{
		{`{"name":"dfs","seed":0,"depth":2}`, scheduler.Spec{Name: "dfs", Bound: scheduler.IntPtr(2)}},
		{`{"name":"dfs","seed":0,"depth":-1}`, scheduler.Spec{Name: "dfs"}},
		{`{"name":"dpor","seed":0,"depth":1}`, scheduler.Spec{Name: "dpor", Bound: scheduler.IntPtr(1)}},
		{`{"name":"dpor","seed":0}`, scheduler.Spec{Name: "dpor"}},
		{`{"name":"pct","seed":42,"depth":2,"steps":20}`, scheduler.Spec{Name: "pct", Seed: 42, Depth: 2, Steps: 20}},
		{`{"name":"dfs","seed":0,"bound":0}`, scheduler.Spec{Name: "dfs", Bound: scheduler.IntPtr(0)}},
	} {
		var s traces.Strategy
		if err := json.Unmarshal([]byte(c.in), &s); err != nil {
			t.Fatal(err)
		}
		if got := scheduler.Spec(s); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.in, got, c.want)
		}
		b, err := json.Marshal(scheduler.Spec(s))
		if err != nil {
			t.Fatal(err)
		}
		var again traces.Strategy
		if err := json.Unmarshal(b, &again); err != nil || !reflect.DeepEqual(again, s) {
			t.Errorf("%s: round trip %s gives %+v, %v", c.in, b, again, err)
		}
	}
}

// firstOf starts three workers that each send a result on an unbuffered
// channel after some work of their own, and takes the first result: the
// other two leak. Which workers leak, and at which step, depends on the
// schedule, so the message of a found execution is seldom that of the
// minimized one.
func firstOf(x *sim.Execution) {
	results := sim.NewChan[int](x, "results", 0)
	work := sim.NewVar(x, "work", 0)
	mu := sim.NewMutex(x, "mu")
	for _, name := range []string{"w1", "w2", "w3"} {
		x.Go(name, func() {
			for range 3 {
				mu.Lock()
				work.Write(work.Read() + 1)
				mu.Unlock()
			}
			results.Send(1)
		})
	}
	results.Recv()
}

// A minimized finding is the minimized execution's: its message, detail,
// step, actor, cause and steps are what replaying its trace gives, not
// those of the execution that found it.
func TestHuntMinimizedFindingIsItsTrace(t *testing.T) {
	for _, c := range []struct {
		name     string
		scenario sim.Scenario
		expected sim.Kind
	}{
		{"leak", firstOf, sim.Leak},
		{"lost wakeup", signalFirst, sim.LostWakeup},
		{"assertion", counter, sim.Assertion},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := sim.Hunt{Strategies: []scheduler.Spec{random}, Runs: 50, Minimize: true, Options: sim.Options{Races: true}}.Run(c.scenario, sim.Variant{Expected: c.expected})
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Findings) == 0 {
				t.Fatalf("no finding in %d runs", v.Runs)
			}
			for _, hf := range v.Findings {
				if hf.Minimized == nil {
					t.Fatalf("%s: not minimized: %v", hf.Finding.Kind, hf.MinimizeErr)
				}
				f := hf.Finding
				g, tr, err := sim.Replay(c.scenario, f.Trace)
				if err != nil {
					t.Fatalf("%s: replay: %v", f.Kind, err)
				}
				got := []any{f.Kind, f.Message, f.Detail, f.Step, f.Actor, f.Cause, f.Steps}
				want := []any{g.Kind, g.Message, g.Detail, g.Step, g.Actor, g.Cause, tr.Events[len(tr.Events)-1].Step}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("the hunt's finding\n %#v\nis not its trace's\n %#v", got, want)
				}
			}
		})
	}
}

// guardedLostUpdate loses an update between two incrementers; main waits
// for them under a one-second guard, which fires only if the work hangs
// (given a timer horizon below a second).
func guardedLostUpdate(x *sim.Execution) {
	n := sim.NewVar(x, "n", 0)
	done := sim.NewChan[int](x, "done", 2)
	for _, name := range []string{"inc1", "inc2"} {
		x.Go(name, func() { n.Write(n.Read() + 1); done.Send(1) })
	}
	for range 2 {
		sim.Select(x, done.RecvCase(nil), sim.After(x, sim.Second).RecvCase(func(sim.Duration, bool) {
			x.Failf("test-failed", "timed out")
		}))
	}
	if n.Read() != 2 {
		x.Failf("test-failed", "lost update: n = %d", n.Read())
	}
}

// Minimization keeps the options of the execution it shrinks: under a
// timer horizon, the guard of guardedLostUpdate cannot fire, so the
// minimized finding is still the lost update, not a timeout.
func TestHuntMinimizeKeepsTimerHorizon(t *testing.T) {
	v, err := sim.Hunt{Strategies: []scheduler.Spec{random}, Runs: 200, Minimize: true,
		Options: sim.Options{TimerHorizon: 100 * sim.Millisecond}}.Run(guardedLostUpdate, sim.Variant{Expected: "test-failed"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Findings) != 1 || v.Findings[0].Minimized == nil {
		t.Fatalf("want one minimized finding, got %d", len(v.Findings))
	}
	f := v.Findings[0].Finding
	if !strings.HasPrefix(f.Message, "lost update") || f.Trace.Options.TimerHorizon != int64(100*sim.Millisecond) {
		t.Errorf("minimized to %q with timer horizon %d", f.Message, f.Trace.Options.TimerHorizon)
	}
}
