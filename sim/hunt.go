package sim

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/simrun/simrun/scheduler"
)

// Hunt explores one scenario with several strategies in turn, splitting
// Runs between them, and judges what it finds against a Variant. It is the
// whole of "hunt a variant": `simrun run`, Check, the group-commit tests
// (gctest) and the benches call it, so that the budget split, PCT's
// calibration, the merging of findings and the verdict cannot drift apart
// between them. The zero Hunt runs the default portfolio on 1000
// executions.
type Hunt struct {
	// Strategies run in this order, each on an equal share of Runs (the
	// last takes the remainder). Empty: Options.Strategy alone if it is
	// set, else DefaultPortfolio. A sampling Spec (random, PCT, POS, POSC,
	// SURW, Mix) with Seed 0 takes Options.Seed (default 1); a PCT or Mix
	// Spec with Steps 0 gets k calibrated once (see Calibrate), a POSC
	// Spec with Steps 0 its k of communicating steps (see
	// CalibrateCommunicating), and a SURW Spec without Events its estimate
	// (see CalibrateEvents), so that every worker's clone uses the same
	// and results do not depend on the worker count.
	Strategies []scheduler.Spec
	// Runs is the budget over all strategies. Default 1000.
	Runs int
	// StopOnExpected ends the hunt of a seeded-bug variant at the first
	// finding of its expected kind: the verdict is settled, and the rest
	// of the budget would only count repeats.
	StopOnExpected bool
	// Minimize shrinks each finding's trace to the fewest preemptions,
	// then steps, that keep its kind (not nondeterminism, which does not
	// replay). Minimization re-runs the execution many times: worth it
	// for the short executions where bugs hide, so executions longer than
	// MaxMinimizeSteps (if positive) keep their trace as found.
	Minimize         bool
	MaxMinimizeSteps int
	// Progress, if set, is called now and then with the running strategy
	// and the totals of the hunt so far.
	Progress func(s scheduler.Spec, p Progress)
	// Options are the runtime options of every exploration, as for
	// Explore. Their StopOnFinding and StopOnKind end the whole hunt, not
	// just one strategy. Their Runs and Progress must be left zero (Hunt
	// has its own), and their Strategy is for a hunt without Strategies:
	// Run refuses an option it would otherwise ignore.
	Options Options
}

// DefaultMaxMinimizeSteps is the longest execution the command line's
// hunts (simrun run, simrun test) minimize: longer ones keep their trace
// as found (see Hunt.MaxMinimizeSteps).
const DefaultMaxMinimizeSteps = 20000

// DefaultPortfolio is what a Hunt runs when it is given no strategy (and
// so `simrun run` over every variant, and Check): POSC first (POS with
// PCT's change points over the communicating steps), which meets every
// goal of issue 18 on the seeds of `simrun bench strategies`
// (docs/strategies.md): every seeded bug at 4 and 8 threads in a median
// of 13 executions or fewer, Sergei's lost wakeup in a median of 9 and
// at worst 87 where Mix (POS and PCT run by run) needs 23 and 126; then
// PCT alone, for its probability bound; then SURW, a walk of another
// kind, so that no bug is left to one strategy. The price: this
// portfolio finds two seeded bugs of the in-order commit
// (signal-after-unlock, destroy-without-lock) 3.5 and 1.9 times slower
// on average than with Mix first, though still with every seed measured
// (docs/strategies.md, "Defaults chosen from it").
var DefaultPortfolio = []scheduler.Spec{{Name: scheduler.NamePOSC, Depth: scheduler.DefaultDepth}, {Name: scheduler.NamePCT, Depth: scheduler.DefaultDepth}, {Name: scheduler.NameSURW}}

// Verdict is the outcome of a Hunt.
type Verdict struct {
	Kind       Kind             // as Variant.Judge computes it from the kinds found
	OK         bool             // the verdict is what the variant expects
	Findings   []*HuntFinding   // the first finding of each kind, in the order found
	Runs       int              // executions over all strategies
	Steps      int64            // steps over all executions
	Wall       time.Duration    // the whole hunt, calibration and minimization included (never part of a trace)
	Strategies []scheduler.Spec // the strategies that ran, as configured (seeds filled in, k calibrated); a given Options.Strategy as its Info reports it before it runs
	Reports    []*Report        // one per strategy that ran, in order
	PCT        *PCTBound        // when a PCT strategy ran

	// Interrupted: Options.Stop ended the hunt early; findings found after
	// it were not minimized (MinimizeErr says so).
	Interrupted bool
}

// HuntFinding is the first finding of one kind in a hunt.
type HuntFinding struct {
	// Finding is as Explore reported it (its Run counts within its
	// strategy's executions); when minimization succeeded, its Trace is
	// the minimized one and its Message, Detail, Step, Actor, Cause and
	// Steps are the minimized execution's (its Run and Seed stay those of
	// the execution that found it).
	Finding      *Finding
	Run          int            // the execution's number in the whole hunt
	Count        int            // executions with a finding of this kind, over all strategies
	Strategy     scheduler.Spec // the strategy that found it first, as configured
	Minimized    *MinimizeStats // nil unless minimized
	MinimizeErr  error          // why minimization failed, if it was tried and did
	MinimizeTime time.Duration
}

// PCTBound is PCT's guarantee (Burckhardt et al. 2010) for the hunt: one
// execution finds a bug of depth Depth with probability at least
// P = 1/(n·k^(d-1)), with n the most actors of any execution and k the mean
// steps per execution.
type PCTBound struct {
	Depth, Actors, Steps int
	P                    float64
}

func (b *PCTBound) String() string {
	return fmt.Sprintf("depth %d, n=%d actors, k=%d steps: at least %.3g per run", b.Depth, b.Actors, b.Steps, b.P)
}

// stage is one strategy of a hunt with its share of the budget.
type stage struct {
	spec  scheduler.Spec
	strat scheduler.Strategy
	runs  int
}

// Run hunts s, a build of variant v.
func (h Hunt) Run(s Scenario, v Variant) (*Verdict, error) {
	start := time.Now()
	stages, err := h.plan(s)
	if err != nil {
		return nil, err
	}
	st := h.hunting(stages, v)
	for _, sg := range stages {
		if sg.runs == 0 {
			continue
		}
		if err := st.explore(s, sg, start); err != nil {
			return nil, err
		}
		if st.done() {
			break
		}
	}
	return st.verdict(v, start), nil
}

// hunting starts the state of a hunt of v over stages.
func (h *Hunt) hunting(stages []stage, v Variant) *hunting {
	st := &hunting{h: h, found: map[Kind]*HuntFinding{}, stop: h.Options.StopOnKind}
	for _, sg := range stages {
		st.countActors = st.countActors || sg.spec.Name == scheduler.NamePCT
	}
	if h.StopOnExpected && v.Expected != Clean && st.stop == "" {
		st.stop = v.Expected
	}
	return st
}

// plan builds the strategies of the hunt and splits the budget.
func (h *Hunt) plan(s Scenario) ([]stage, error) {
	runs := h.Runs
	if runs == 0 {
		runs = 1000
	}
	if runs < 0 {
		return nil, fmt.Errorf("hunt: runs must be positive, got %d", runs)
	}
	switch {
	case h.Options.Runs != 0 || h.Options.Progress != nil:
		return nil, errors.New("hunt: set Hunt.Runs and Hunt.Progress, not those of its Options")
	case h.Options.Strategy != nil && len(h.Strategies) > 0:
		return nil, errors.New("hunt: give Strategies or Options.Strategy, not both")
	}
	specs := h.Strategies
	if len(specs) == 0 && h.Options.Strategy != nil {
		return []stage{{spec: h.Options.Strategy.Info(), strat: h.Options.Strategy, runs: runs}}, nil
	}
	if len(specs) == 0 {
		specs = DefaultPortfolio
	}
	seed := max(h.Options.Seed, 1)
	var stages []stage
	for i, sp := range specs {
		share := runs / len(specs)
		if i == len(specs)-1 {
			share = runs - share*(len(specs)-1)
		}
		if sampling(sp.Name) && sp.Seed == 0 {
			sp.Seed = seed
		}
		if sp.Name == scheduler.NameSURW && sp.Events == "" && share > 0 {
			ev, err := calibrateEvents(s, &h.Options, sp.Seed)
			if err != nil {
				return nil, err
			}
			sp.Events = scheduler.FormatEvents(ev)
		}
		if sp.Name == scheduler.NamePOSC && sp.Steps == 0 && share > 0 {
			k, err := calibrateCommunicating(s, &h.Options, sp.Seed)
			if err != nil {
				return nil, err
			}
			sp.Steps = k
		}
		if (sp.Name == scheduler.NamePCT || sp.Name == scheduler.NameMix) && sp.Steps == 0 && share > 0 {
			k, err := calibrate(s, &h.Options, sp.Seed)
			if err != nil {
				return nil, err
			}
			sp.Steps = k
		}
		strat, err := sp.New()
		if err != nil {
			return nil, fmt.Errorf("hunt: %w", err)
		}
		stages = append(stages, stage{spec: sp, strat: strat, runs: share})
	}
	return stages, nil
}

// Calibrate returns PCT's k for s: the longest of 10 random executions
// from seed. PCT spreads its change points over the first k steps; a k
// learned once, before the hunt, is the same for every worker, where one
// learned as PCT goes would depend on which worker ran what.
func Calibrate(s Scenario, maxSteps int, seed uint64) (int, error) {
	return calibrate(s, &Options{MaxSteps: maxSteps}, seed)
}

// calibrate is Calibrate under the watchdog of o: a scenario that hangs is
// reported by the hunt's stages, not hung here.
func calibrate(s Scenario, o *Options, seed uint64) (int, error) {
	rep, err := Explore(s, Options{Strategy: scheduler.NewRandom(seed), Runs: 10, MaxSteps: o.MaxSteps, Watchdog: o.Watchdog})
	if err != nil {
		return 0, fmt.Errorf("calibrating PCT: %w", err)
	}
	return max(rep.MaxSteps, 1), nil
}

// hunting is the state of one Hunt.Run.
type hunting struct {
	h     *Hunt
	stop  Kind
	found map[Kind]*HuntFinding
	order []*HuntFinding
	v     Verdict

	// PCT's bound needs the most actors of any execution; counting them
	// costs an OnExecution call, so only hunts with PCT pay it.
	countActors bool
	mu          sync.Mutex
	actors      int
	pct         *scheduler.Spec // the first PCT strategy that ran
}

// explore runs one stage and merges its findings into the hunt's.
func (st *hunting) explore(s Scenario, sg stage, start time.Time) error {
	o := st.h.Options
	o.Strategy, o.Runs, o.StopOnKind = sg.strat, sg.runs, st.stop
	if user := o.OnExecution; st.countActors {
		o.OnExecution = func(run int, hist *History, f *Finding) {
			st.mu.Lock()
			st.actors = max(st.actors, len(hist.Actors))
			st.mu.Unlock()
			if user != nil {
				user(run, hist, f)
			}
		}
	}
	if p := st.h.Progress; p != nil {
		done, kinds := st.v.Runs, len(st.order)
		o.Progress = func(q Progress) {
			p(sg.spec, Progress{Runs: done + q.Runs, Findings: kinds + q.Findings, Elapsed: time.Since(start)})
		}
	}
	rep, err := Explore(s, o)
	if err != nil {
		return fmt.Errorf("hunt with %s: %w", sg.spec, err)
	}
	st.record(s, sg, rep)
	return nil
}

// record adds one stage's report to the hunt: its findings, counts and
// totals (Hunt.Run, and Hunt.Merge for shards).
func (st *hunting) record(s Scenario, sg stage, rep *Report) {
	if sg.spec.Name == scheduler.NamePCT && st.pct == nil {
		st.pct = &sg.spec
	}
	st.v.Interrupted = st.v.Interrupted || rep.Interrupted
	for _, f := range rep.Findings {
		st.merge(s, sg.spec, f, rep.Counts[f.Kind])
	}
	st.v.Runs += rep.Runs
	st.v.Steps += rep.Steps
	st.v.Strategies = append(st.v.Strategies, sg.spec)
	st.v.Reports = append(st.v.Reports, rep)
}

// merge adds one stage's first finding of a kind: the first stage to find
// a kind keeps its finding, later ones only add to its count.
func (st *hunting) merge(s Scenario, spec scheduler.Spec, f *Finding, count int) {
	if hf := st.found[f.Kind]; hf != nil {
		hf.Count += count
		return
	}
	hf := &HuntFinding{Finding: f, Run: st.v.Runs + f.Run, Count: count, Strategy: spec}
	minimize := st.h.Minimize && f.Trace != nil && f.Kind != Nondeterminism
	if minimize && st.interrupted() {
		hf.MinimizeErr = ErrInterrupted
	} else if minimize && (st.h.MaxMinimizeSteps <= 0 || f.Steps <= st.h.MaxMinimizeSteps) {
		t0 := time.Now()
		mt, ms, err := Minimize(s, f.Trace)
		hf.MinimizeTime = time.Since(t0)
		if err != nil {
			hf.MinimizeErr = err
		} else {
			// The finding becomes the minimized execution's, so that what
			// is printed of it is what replaying its trace prints.
			g := mt.Finding
			f.Message, f.Detail, f.Step, f.Cause, f.Actor = g.Message, g.Detail, g.Step, g.Cause, ""
			if g.Actor >= 0 && g.Actor < len(mt.Actors) {
				f.Actor = mt.Actors[g.Actor]
			}
			f.Steps, f.Trace, hf.Minimized = ms.StepsAfter, mt, &ms
		}
	}
	st.found[f.Kind] = hf
	st.order = append(st.order, hf)
}

// done reports whether the hunt may stop before its next strategy.
func (st *hunting) done() bool {
	return st.interrupted() || (st.h.Options.StopOnFinding && len(st.order) > 0) || (st.stop != "" && st.found[st.stop] != nil)
}

func (st *hunting) verdict(v Variant, start time.Time) *Verdict {
	out := st.v
	out.Findings = st.order
	kinds := make([]Kind, len(st.order))
	for i, hf := range st.order {
		kinds[i] = hf.Finding.Kind
	}
	out.Kind, out.OK = v.Judge(kinds)
	if st.pct != nil && out.Runs > 0 {
		d, k := st.pct.PCTDepth(), int(out.Steps/int64(out.Runs))
		out.PCT = &PCTBound{Depth: d, Actors: st.actors, Steps: k, P: scheduler.Bound(st.actors, k, d)}
	}
	out.Wall = time.Since(start)
	return &out
}

// SearchVerdict says what an exhaustive search (DFS or DPOR, described by
// spec) established, from its report: whether it verified the scenario,
// and one line that says so or says why not. A search verifies only if it
// ran out of executions before its budget, found nothing, and met no
// nondeterminism; a bounded one verifies only up to its bound, unless
// nothing lay beyond it.
func SearchVerdict(spec scheduler.Spec, r *Report) (verified bool, text string) {
	bound := -1
	if spec.Bound != nil {
		bound = *spec.Bound
	}
	dpor := spec.Name == scheduler.NameDPOR
	verified = r.Exhausted && len(r.Findings) == 0 && len(r.Errors) == 0
	beyond := " (nothing lay beyond the bound: exhaustive)"
	if r.Pruned > 0 {
		beyond = fmt.Sprintf(" (%d alternatives beyond the bound were not explored)", r.Pruned)
	}
	switch {
	case verified && (spec.Name == scheduler.NameStateful || spec.Name == scheduler.NameBrute):
		text = fmt.Sprintf("verified: no finding in any execution (%s search, exhaustive)", spec.Name)
	case verified && dpor && bound < 0:
		text = "verified: no finding in any execution (DPOR, exhaustive)"
	case verified && dpor:
		text = fmt.Sprintf("verified (bounded DPOR): no finding in any execution DPOR explored with at most %d preemptions", bound) + beyond
	case verified && bound < 0:
		text = "verified: no finding in any execution (DFS, exhaustive)"
	case verified:
		text = fmt.Sprintf("verified: no finding in any execution with at most %d preemptions", bound) + beyond
	case !r.Exhausted:
		text = fmt.Sprintf("not verified: the search stopped at the budget of %d executions before it was exhaustive (raise -max-executions, or lower -bound, -threads or -max-spurious)", r.Runs)
	case len(r.Findings) > 0:
		text = fmt.Sprintf("not verified: %d finding kind(s); the search was exhaustive", len(r.Findings))
		if !dpor && bound >= 0 {
			text += fmt.Sprintf(" for %d preemptions", bound)
		}
	default:
		text = "not verified: the scenario is not deterministic"
	}
	return verified, text
}

// DescribeSearch says in words what an exhaustive search explores.
func DescribeSearch(spec scheduler.Spec) string {
	dpor := spec.Name == scheduler.NameDPOR
	switch {
	case spec.Name == scheduler.NameStateful:
		return "DFS with state matching, no preemption bound (every reachable state)"
	case spec.Name == scheduler.NameBrute:
		return "DFS over every decision, no bound, no reduction"
	case dpor && spec.Bound == nil:
		return "DPOR with sleep sets (every Mazurkiewicz trace)"
	case dpor:
		return fmt.Sprintf("DPOR with sleep sets, at most %d preemptions (bounded DPOR: may miss executions within the bound)", *spec.Bound)
	case spec.Bound == nil:
		return "DFS, no preemption bound"
	}
	return fmt.Sprintf("DFS, at most %d preemptions (spurious wakeups included)", *spec.Bound)
}
