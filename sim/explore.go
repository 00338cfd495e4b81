package sim

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/simrun/simrun/scheduler"
)

// ToolVersion is written into every trace.
const ToolVersion = "simrun 0.1.0"

// Options configure Explore. The zero value is usable: 1000 random runs.
type Options struct {
	// Strategy drives the executions; nil means scheduler.NewRandom(Seed).
	Strategy scheduler.Strategy
	// Seed seeds the default strategy. Default 1.
	Seed uint64
	// Runs is the number of executions. Default 1000.
	Runs int
	// Workers runs executions in parallel; the strategy must implement
	// scheduler.Cloner or scheduler.Splitter. Run numbers, findings, counts
	// and the calls of OnExecution do not depend on it. Default 1.
	Workers int
	// MaxSteps bounds the steps of one execution; reaching it is a
	// livelock finding. Default 100000.
	MaxSteps int
	// NoSpurious turns spurious wakeups off. They are on by default.
	NoSpurious bool
	// MaxSpurious bounds the spurious wakeups of one execution, so that
	// exhaustive search stays finite. Default 3.
	MaxSpurious int
	checkSpecs  []scheduler.Spec // Check's Strategy option, for its Hunt

	// Unfair turns off the fair scheduling rule (see fairSpin in fair.go):
	// an actor spinning without effect is then scheduled as often as any
	// other, and a spin loop can be reported as a livelock.
	Unfair bool
	// TimerHorizon bounds how long a runnable goroutine may be kept from
	// running while time passes. Zero (the default): any due timer may
	// fire at any step, so a timeout can win against a reply however
	// short the reply's work — adversarial timing, which finds every
	// timeout race but also reports a test's guard (select on done or
	// time.After(time.Second)) as a failure. Positive: a timer due more
	// than TimerHorizon after the current virtual time fires only when no
	// goroutine can make progress (every one blocked, or spinning idle,
	// see fairSpin), as in testing/synctest's bubbles; one due sooner may
	// still fire at any step. Go's scheduler preempts a goroutine that has
	// run 10 ms (sysmon's forcePreemptNS), so a runnable goroutine waits
	// for CPU for milliseconds, not seconds: simrun test uses 100 ms.
	TimerHorizon Duration
	// Races turns the data-race detector on (see Race). A race is the
	// finding of an execution only if it has no other. Off by default;
	// simrun explore turns it on.
	Races bool
	// Cost is the cost model; the zero Cost leaves time out of scheduling.
	Cost Cost
	// Coverage collects what the executions reached (Report.Coverage, see
	// Probe). Off by default: it costs work on every step.
	Coverage bool
	// StopOnFinding ends the exploration at the first execution with a
	// finding (the lowest-numbered one, whatever the worker count).
	StopOnFinding bool
	// StopOnKind ends the exploration at the first execution with a
	// finding of this kind.
	StopOnKind Kind
	// SelfCheck re-runs every execution from its decisions and reports
	// nondeterminism if the steps differ (a scenario that escapes the
	// simulator: real goroutines, channels, time, map order, globals).
	SelfCheck bool
	// Watchdog, if positive, is how long the exploration may go without
	// finishing an execution before it is declared hung: actor code that
	// loops without a visible operation or blocks for real (a channel, a
	// sync.Mutex, time.Sleep) hangs the simulator, which cannot pre-empt
	// it. The exploration then returns what it has found, with a Hung
	// finding that names the actor and shows its goroutine's stack; the
	// hung goroutine is abandoned where it is. OnHang, if set, is called
	// first with the finding's message. Zero (the default) waits forever;
	// DefaultWatchdog is the value meant for sim.Check.
	Watchdog time.Duration
	OnHang   func(msg string)
	// Meta names the scenario in traces.
	Meta Meta
	// Progress, if set, is called now and then from a worker.
	Progress func(p Progress)
	// OnExecution, if set, is called once for every execution counted in
	// the report (runs 0 to Report.Runs-1, in order), with its number,
	// history and finding (nil when clean), under every strategy. With
	// several workers it is called from several goroutines, one at a time;
	// the history of an execution that another worker's earlier work has
	// not yet numbered is kept until it is. An execution that a stateful
	// search cut at a known state is not passed: it reached no end.
	OnExecution func(run int, h *History, f *Finding)
	// Stop, if set, interrupts the exploration when it is closed (by a
	// signal handler, say): the executions running finish, nothing new
	// starts, and the report holds the executions numbered so far, with
	// Interrupted set. What an interrupted report holds depends on timing.
	Stop <-chan struct{}
}

// Meta identifies a scenario in trace headers.
type Meta struct {
	Protocol string
	Variant  string
	Config   json.RawMessage
}

// Progress is a snapshot of a running exploration.
type Progress struct {
	Runs     int
	Findings int
	Elapsed  time.Duration
}

// Report is the outcome of an exploration.
type Report struct {
	Runs      int           // executions run
	Steps     int64         // steps over all executions
	MaxSteps  int           // the longest execution
	Findings  []*Finding    // the first finding of each kind, by run
	Counts    map[Kind]int  // executions with a finding, by kind
	Exhausted bool          // the strategy had nothing left to explore
	Coverage  *Coverage     // what the executions reached (see Probe); nil unless Options.Coverage
	covSet    *coverSet     // the same, unformatted, for MergeCoverage
	Wall      time.Duration // wall time (never part of a trace)

	// Exhaustive strategies (scheduler.Splitter) only:
	TerminalStates int      // distinct terminal states (Execution.StateHash)
	Pruned         int      // alternatives left out by a bound
	Redundant      int      // DPOR: executions that ended sleep-blocked (counted in Runs)
	States         int      // stateful search: distinct states stored
	Cut            int      // stateful search: executions cut at a known state (counted in Runs)
	Errors         []string // nondeterminism the strategy detected

	// Interrupted: Options.Stop ended the exploration early.
	Interrupted bool
}

// Kinds returns the finding kinds in the order they were first found.
func (r *Report) Kinds() []Kind {
	ks := make([]Kind, len(r.Findings))
	for i, f := range r.Findings {
		ks[i] = f.Kind
	}
	return ks
}

func (o *Options) fill() error {
	if o.Runs == 0 {
		o.Runs = 1000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Workers == 0 {
		o.Workers = 1
	}
	if o.MaxSteps == 0 {
		o.MaxSteps = 100000
	}
	if o.MaxSpurious == 0 {
		o.MaxSpurious = 3
	}
	if o.Strategy == nil {
		o.Strategy = scheduler.NewRandom(o.Seed)
	}
	switch {
	case o.Runs < 0:
		return fmt.Errorf("runs must be positive, got %d", o.Runs)
	case o.Workers < 0:
		return fmt.Errorf("workers must be positive, got %d", o.Workers)
	case o.MaxSteps < 0:
		return fmt.Errorf("max steps must be positive, got %d", o.MaxSteps)
	case o.MaxSpurious < 0:
		return fmt.Errorf("max spurious must be >= 0, got %d", o.MaxSpurious)
	case o.Cost.CPUs < 0:
		return fmt.Errorf("cpus must be >= 0, got %d", o.Cost.CPUs)
	}
	if o.Workers > 1 {
		_, split := o.Strategy.(scheduler.Splitter)
		if _, ok := o.Strategy.(scheduler.Cloner); !ok && !split {
			return fmt.Errorf("strategy %s cannot run on %d workers", o.Strategy.Info().Name, o.Workers)
		}
	}
	return nil
}

// Explore runs executions of s under the strategy and returns what it found.
// Every strategy is explored as tasks in a fixed sequential order (a
// Splitter's subtrees; blocks of consecutive runs of any other strategy),
// so run numbers, counts and findings do not depend on the worker count;
// every option means the same under every strategy. The first finding of
// each kind comes with its trace, re-captured by replaying the execution's
// decisions (which also checks that the scenario is deterministic).
func Explore(s Scenario, opts Options) (*Report, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	se := newSearch(s, &opts)
	if opts.Watchdog > 0 {
		return se.watched(), nil
	}
	se.run(opts.Workers)
	return se.report(), nil
}

// stops is the one stop rule: StopOnFinding, or a finding of kind
// StopOnKind.
func (o *Options) stops(f *Finding) bool {
	return f != nil && (o.StopOnFinding || o.StopOnKind != "" && f.Kind == o.StopOnKind)
}
