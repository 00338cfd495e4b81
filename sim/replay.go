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
// trace.
var ErrDivergence = errors.New("replay diverged from the trace")

// Replay re-executes the trace t on s and returns the finding of the
// re-execution (nil if clean) and its freshly captured trace. It fails with
// ErrDivergence, naming the first step that differs, if the execution does
// not follow t exactly.
func Replay(s Scenario, t *traces.Trace) (*Finding, *traces.Trace, error) {
	cost, err := CostFromMap(t.Options.Cost)
	if err != nil {
		return nil, nil, fmt.Errorf("trace options: %w", err)
	}
	o := Options{MaxSteps: t.Options.MaxSteps, NoSpurious: !t.Options.Spurious,
		MaxSpurious: t.Options.MaxSpurious, Cost: cost, Races: t.Options.Races, Unfair: t.Options.Unfair,
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
	if n := len(x.events); n < len(t.Events) {
		return nil, got, fmt.Errorf("%w: step %d: the replay ended, but the trace goes on with %s",
			ErrDivergence, t.Events[n].Step, x.describeEvent(t.Events[n]))
	}
	return f, got, nil
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
