package sim

import (
	"errors"
	"fmt"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/traces"
)

// This file holds the executions that capture a trace: captureTrace (the
// trace of a finding), Replay and Run. Each runs once on a runner of its
// own (newExecution), in capture or replay mode.

// captureTrace re-runs one execution from its decisions with events
// recorded, and returns its trace. If the re-run does not reproduce the
// finding, the scenario is not deterministic, and the trace says so.
func captureTrace(s Scenario, opts *Options, info scheduler.Info, decisions []int, run int, f *Finding) *traces.Trace {
	o := *opts
	o.Strategy = scheduler.NewReplay(append([]int{}, decisions...), info)
	x := newExecution(&o, o.Strategy, captureRun)
	o.Strategy.Begin(0)
	g := x.run(s)
	if g == nil || g.Kind != f.Kind || x.step != f.Steps && f.Steps != 0 {
		what := "no finding"
		if g != nil {
			what = string(g.Kind)
		}
		x.finding = &Finding{Kind: Nondeterminism, Step: x.step,
			Message: fmt.Sprintf("re-running the decisions of run %d gave %s in %d steps instead of %s: the scenario escapes the simulator (real goroutines, channels, time, map order or global state)", run, what, x.step, f.Kind)}
	}
	return x.trace(opts.Meta, run)
}

// ErrDivergence is wrapped by Replay when the execution does not follow the
// trace or does not end as the trace recorded.
var ErrDivergence = errors.New("replay diverged from the trace")

// Replay re-executes the trace t on s and returns the finding of the
// re-execution (nil if clean) and its freshly captured trace. It fails with
// ErrDivergence if the execution does not follow t exactly (naming the
// first step that differs) or does not end as t did: a decision of t left
// unused, an event more or fewer, another finding or the same at another
// step (see faithful).
func Replay(s Scenario, t *traces.Trace) (*Finding, *traces.Trace, error) {
	cost, err := CostFromMap(t.Options.Cost)
	if err != nil {
		return nil, nil, fmt.Errorf("trace options: %w", err)
	}
	o := Options{MaxSteps: t.Options.MaxSteps, NoSpurious: !t.Options.Spurious,
		MaxSpurious: t.Options.MaxSpurious, Cost: cost, Races: t.Options.Races, Unfair: t.Options.Unfair, TimerHorizon: Duration(t.Options.TimerHorizon),
		Meta: Meta{Protocol: t.Protocol, Variant: t.Variant, Config: t.Config}}
	o.Strategy = scheduler.NewReplay(t.Decisions, scheduler.Spec(t.Strategy))
	if err := o.fill(); err != nil {
		return nil, nil, err
	}
	x := newExecution(&o, o.Strategy, replayRun(t))
	o.Strategy.Begin(0)
	f := x.run(s)
	got := x.trace(o.Meta, t.Run)
	if f != nil && f.Kind == Divergence {
		return nil, got, fmt.Errorf("%w: %s", ErrDivergence, f.Message)
	}
	if what := x.faithful(t, got, f); what != "" {
		return nil, got, fmt.Errorf("%w: %s", ErrDivergence, what)
	}
	return f, got, nil
}

// faithful says how a replay that took every step the trace t recorded
// still differs from it ("" if it does not): got is the replay's trace, f
// its finding. A trace that differs was tampered with, or written by a
// simulator that behaves differently, and its replay proves nothing.
func (x *Execution) faithful(t, got *traces.Trace, f *Finding) string {
	n := len(got.Events)
	switch {
	case n < len(t.Events):
		return fmt.Sprintf("step %d: the replay ended, but the trace goes on with %s", t.Events[n].Step, x.describeEvent(t.Events[n]))
	case len(got.Decisions) < len(t.Decisions):
		return fmt.Sprintf("the replay used %d decisions, the trace has %d", len(got.Decisions), len(t.Decisions))
	case n > len(t.Events):
		// Record's events are not compared as they happen: the count
		// catches one more.
		return fmt.Sprintf("the replay produced %d events, the trace records %d", n, len(t.Events))
	case f == nil && t.Finding != nil:
		return fmt.Sprintf("the trace recorded %s, but the replay found nothing", t.Finding.Kind)
	case f != nil && t.Finding == nil:
		return fmt.Sprintf("the trace recorded no finding, but the replay found %s", f.Kind)
	case f != nil && t.Finding.Kind != string(f.Kind):
		return fmt.Sprintf("the trace recorded %s, but the replay found %s", t.Finding.Kind, f.Kind)
	case f != nil && t.Finding.Step != 0 && t.Finding.Step != f.Step:
		return fmt.Sprintf("the trace recorded %s at step %d, but the replay found it at step %d", f.Kind, t.Finding.Step, f.Step)
	}
	return ""
}

// Run executes s once under the strategy's execution run and returns its
// finding and its trace (events captured). It is the building block for
// tools that drive executions themselves.
func Run(s Scenario, opts Options, run int) (*Finding, *traces.Trace, error) {
	if err := opts.fill(); err != nil {
		return nil, nil, err
	}
	if !opts.Strategy.Begin(run) {
		return nil, nil, errors.New("strategy has nothing to explore")
	}
	x := newExecution(&opts, opts.Strategy, captureRun)
	f := x.run(s)
	opts.Strategy.End(&x.path)
	if f != nil {
		f.Run, f.Seed, f.Steps = run, opts.Strategy.Info().Seed, x.step
	}
	return f, x.trace(opts.Meta, run), nil
}
