package sim

import (
	"fmt"
	"slices"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/traces"
)

// MinimizeStats says how much Minimize shrank a trace.
type MinimizeStats struct {
	PreemptionsBefore, PreemptionsAfter int
	StepsBefore, StepsAfter             int
	DecisionsBefore, DecisionsAfter     int
	Runs                                int // candidate executions tried
}

func (m MinimizeStats) String() string {
	return fmt.Sprintf("preemptions %d -> %d, steps %d -> %d (%d candidate runs)",
		m.PreemptionsBefore, m.PreemptionsAfter, m.StepsBefore, m.StepsAfter, m.Runs)
}

// counting is a lenient replay (scheduler.Tape) that counts preemptions.
type counting struct {
	*scheduler.Tape
	pre int
}

func (c *counting) Next(d *scheduler.Decision) int {
	i := c.Tape.Next(d)
	c.pre += scheduler.Preemptions(d, i)
	return i
}

// Minimize shrinks the schedule of a trace with a finding to the fewest
// preemptions, then the fewest steps, that still give a finding of the same
// kind (traces.Minimize), and returns the trace of the smallest execution,
// captured afresh. The trace's options (spurious wakeups, step bound, cost
// model, fairness, timer horizon) are kept; race detection is on when the
// finding is a race.
func Minimize(s Scenario, t *traces.Trace) (*traces.Trace, MinimizeStats, error) {
	var st MinimizeStats
	if t.Finding == nil {
		return nil, st, fmt.Errorf("the trace has no finding to keep")
	}
	kind := Kind(t.Finding.Kind)
	cost, err := CostFromMap(t.Options.Cost)
	if err != nil {
		return nil, st, fmt.Errorf("trace options: %w", err)
	}
	o := Options{MaxSteps: t.Options.MaxSteps, NoSpurious: !t.Options.Spurious,
		MaxSpurious: t.Options.MaxSpurious, Cost: cost, Races: kind == Race,
		Unfair: t.Options.Unfair, TimerHorizon: Duration(t.Options.TimerHorizon),
		Meta: Meta{Protocol: t.Protocol, Variant: t.Variant, Config: t.Config}}
	o.Strategy = scheduler.NewTape(nil)
	if err := o.fill(); err != nil {
		return nil, st, err
	}
	run := func(d []int) traces.Outcome {
		c := &counting{Tape: scheduler.NewTape(d)}
		c.Begin(0)
		x := newExecution(&o, c, plainRun)
		f := x.run(s)
		return traces.Outcome{Fails: f != nil && f.Kind == kind, Decisions: slices.Clone(x.path.Decisions),
			Preemptions: c.pre, Steps: x.step}
	}
	start := run(t.Decisions)
	if !start.Fails {
		return nil, st, fmt.Errorf("re-running the trace's decisions does not give a %s finding", kind)
	}
	best, runs := traces.Minimize(start, run, traces.MinimizeOptions{MaxRuns: minimizeRuns(start.Steps)})
	st = MinimizeStats{PreemptionsBefore: start.Preemptions, PreemptionsAfter: best.Preemptions,
		StepsBefore: start.Steps, StepsAfter: best.Steps,
		DecisionsBefore: len(start.Decisions), DecisionsAfter: len(best.Decisions), Runs: runs + 1}
	f := &Finding{Kind: kind, Steps: best.Steps}
	mt := captureTrace(s, &o, scheduler.Spec(t.Strategy), best.Decisions, t.Run, f)
	if mt.Finding == nil || Kind(mt.Finding.Kind) != kind {
		return nil, st, fmt.Errorf("the minimized schedule did not replay to a %s finding", kind)
	}
	return mt, st, nil
}

// minimizeSteps bounds the steps the candidate runs of one minimization
// execute together: a trace of a few hundred steps gets traces.Minimize's
// full 2000 candidates, a long one (a test that polls until a one-second
// timeout: 10,000 steps) proportionally fewer, so that minimizing it costs
// about what minimizing a short one does. A bound on steps, not time,
// keeps the minimized trace deterministic.
const minimizeSteps = 1_000_000

// minimizeRuns is the candidate-run budget for a trace of steps steps.
func minimizeRuns(steps int) int {
	return min(2000, max(20, minimizeSteps/max(steps, 1)))
}
