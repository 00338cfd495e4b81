package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/simrun/simrun/internal/jsonout"
	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/protocols/replay"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// exploreResult is the outcome of `simrun explore`, as printed by -json.
type exploreResult struct {
	Protocol       string        `json:"protocol"`
	Variant        string        `json:"variant"`
	Expected       string        `json:"expected"`
	Config         string        `json:"config"`
	Strategy       string        `json:"strategy"` // dfs or dpor
	Exhaustive     bool          `json:"exhaustive"`
	Verified       bool          `json:"verified"`
	Bound          int           `json:"bound"` // preemption bound; -1 for none (DPOR, or DFS -bound -1)
	Executions     int           `json:"executions"`
	TerminalStates int           `json:"terminal_states"`
	DeepestSteps   int           `json:"deepest_steps"`
	Pruned         int           `json:"pruned"`           // DFS: alternatives beyond the bound
	Redundant      int           `json:"redundant"`        // DPOR: sleep-blocked executions
	States         int           `json:"states,omitempty"` // -stateful: distinct states stored
	Cut            int           `json:"cut,omitempty"`    // -stateful: executions cut at a known state
	WallSeconds    float64       `json:"wall_seconds"`
	ExecsPerSecond float64       `json:"executions_per_second"`
	Findings       []jsonFinding `json:"findings"`
	Minimized      []string      `json:"minimized,omitempty"` // per finding: preemptions and steps before and after
	Errors         []string      `json:"errors,omitempty"`
	Interrupted    bool          `json:"interrupted,omitempty"`
	Coverage       *sim.Coverage `json:"coverage,omitempty"`
	Search         string        `json:"-"` // what the search explores, in words
	Verdict        string        `json:"-"` // what it established, in words
}

func runExplore(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("explore", stderr)
	var (
		protocol, variant, out string
		params                 protocols.Params
		bound, workers, maxEx  int
		maxSteps, maxSpurious  int
		dpor, jsonOut, races   bool
		stateful               bool
		spurious, minimize     bool
	)
	fs.StringVar(&protocol, "protocol", "", "protocol to explore (see simrun list)")
	fs.StringVar(&variant, "variant", "", "variant of the protocol")
	fs.IntVar(&params.Threads, "threads", 2, "client threads (group commit); clients of the random xenstore workload")
	fs.IntVar(&params.Txns, "txns", 1, "transactions per thread (group commit); units per client of the random xenstore workload")
	fs.IntVar(&params.Engines, "engines", 0, "storage engines per transaction, 1 or 2 (group commit)")
	fs.IntVar(&params.Readers, "readers", 0, "consistent-snapshot readers (group commit)")
	fs.BoolVar(&params.Crash, "crash", false, "crash at a step the strategy chooses, then recover (group commit)")
	fs.BoolVar(&params.XidErrors, "xid-errors", false, "let group_log_xid fail (group commit)")
	fs.IntVar(&params.VMs, "vms", 0, "simulated VMs (xenstore replay: the toolstack workload instead of the random one)")
	fs.IntVar(&params.Doms, "doms", 0, fmt.Sprintf("domains of the random xenstore workload's clients, client i in domain i mod N (default %d: dom0 and a guest; 1: dom0 only)", replay.CommandLineDoms))
	fs.Uint64Var(&params.WorkloadSeed, "workload-seed", 3, "generator seed of the random xenstore workload: the search is over the schedules of this one workload (0: the workload too, choice by choice; rarely finishes)")
	fs.IntVar(&bound, "bound", 2, "preemption bound (spurious wakeups count as preemptions); -1 for none. The default 2 is DFS's; -dpor is unbounded unless -bound is given (bounded DPOR may miss executions within the bound)")
	fs.BoolVar(&dpor, "dpor", false, "use DPOR with sleep sets instead of preemption-bounded DFS (unbounded unless -bound is given)")
	fs.BoolVar(&stateful, "stateful", false, "depth-first search with state matching: every reachable state once, no preemption bound (-bound and -dpor do not apply)")
	fs.IntVar(&workers, "workers", 1, "workers (DFS and DPOR split subtrees; results do not depend on it)")
	fs.IntVar(&maxEx, "max-executions", 1000000, "budget: stop after this many executions")
	fs.IntVar(&maxSteps, "max-steps", 100000, "step bound of one execution (livelock beyond)")
	fs.BoolVar(&spurious, "spurious", true, "explore spurious wakeups of condition-variable waiters")
	fs.IntVar(&maxSpurious, "max-spurious", 1, "spurious wakeups per execution")
	fs.BoolVar(&races, "races", true, "detect data races on Vars (vector clocks)")
	fs.BoolVar(&minimize, "minimize", true, "minimize each finding's trace (fewest preemptions, then steps)")
	fs.StringVar(&out, "out", traces.DefaultDir, "directory for the traces of findings")
	fs.BoolVar(&jsonOut, "json", false, "print JSON on stdout instead of text")
	quiet := fs.Bool("quiet", false, "no progress line on stderr (it is drawn only on a terminal anyway)")
	var shard shardFlags
	shard.register(fs, "explore")
	documentRanges(fs, exploreRanges)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(rest) > 0 {
		return exitUsage, usagef("unexpected arguments: %v", rest)
	}
	set := setFlags(fs)
	boundSet := set["bound"]
	if protocol == "" || variant == "" {
		return exitUsage, usagef("-protocol and -variant are required")
	}
	if err := checkExploreFlags(fs, spurious, out); err != nil {
		return exitUsage, err
	}
	proto, err := protocols.Lookup(protocol)
	if err != nil {
		return exitUsage, usageError{err}
	}
	// Only the parameters the protocol takes. threads, txns and
	// workload-seed have defaults here that suit exhaustive search; with
	// -vms (the toolstack workload) they apply only if given.
	keep := func(name string) bool { return proto.Uses(name) && (params.VMs == 0 || set[name]) }
	if !keep("threads") {
		params.Threads = 0
	}
	if !keep("txns") {
		params.Txns = 0
	}
	if !keep("workload-seed") {
		params.WorkloadSeed = 0
	}
	if err := checkParams(proto, params); err != nil {
		return exitUsage, err
	}
	_, scenario, params, err := protocols.Scenario(protocol, variant, withDefaultDoms(protocol, params))
	if err != nil {
		return exitUsage, usageError{err}
	}
	v, _ := sim.FindVariant(proto.Variants, variant)
	if checkOnly {
		return exitClean, nil
	}

	spec := scheduler.Spec{Name: scheduler.NameDFS}
	if dpor {
		spec.Name = scheduler.NameDPOR
	}
	// DFS is bounded by default, DPOR only if -bound is given.
	if stateful {
		spec.Name = scheduler.NameStateful
	} else if bound >= 0 && (!dpor || boundSet) {
		spec.Bound = scheduler.IntPtr(bound)
	}
	in := catchSignals(stderr)
	defer in.release()
	h := sim.Hunt{Strategies: []scheduler.Spec{spec}, Runs: maxEx, Minimize: minimize,
		Options: sim.Options{Workers: workers, MaxSteps: maxSteps, Stop: in.stop,
			NoSpurious: !spurious || maxSpurious == 0, MaxSpurious: max(maxSpurious, 1), Races: races, Cost: proto.Cost,
			Meta: sim.Meta{Protocol: protocol, Variant: variant, Config: proto.Config(params)}}}
	prog := newProgress(stderr, *quiet || jsonOut)
	if prog.on {
		h.Progress = func(_ scheduler.Spec, p sim.Progress) {
			prog.update(protocol+"/"+variant, p.Runs, maxEx, "executions of the budget", fmt.Sprintf("%d finding kinds", p.Findings))
		}
	}
	vd, err := shard.hunt(&h, scenario, v, nil)
	prog.clear()
	if err != nil {
		return shardExit(usageError{err})
	}
	res := newExploreResult(proto, params, v, spec, vd)
	if !shard.coverage {
		res.Coverage = nil
	}
	key := configKey(fs, string(proto.Config(params)), spec.String())
	for i, hf := range vd.Findings {
		fd := hf.Finding
		path := filepath.Join(out, fmt.Sprintf("%s-%s-%s-%s-run%d-%s.json", protocol, variant, fd.Kind, spec.Name, fd.Run, key))
		if err := saveTrace(path, fd, &res.Findings[i]); err != nil {
			return exitUsage, err
		}
	}
	if jsonOut {
		if err := jsonout.Write(stdout, res); err != nil {
			return exitUsage, err
		}
	} else {
		printExplore(stdout, res)
	}
	switch {
	case in.interrupted():
		return in.code(), nil
	case len(res.Findings) > 0:
		return exitFinding, nil
	case !res.Verified:
		return exitInconclusive, nil // the budget ran out, or the scenario is not deterministic
	}
	return exitClean, nil
}

// newExploreResult is a search's verdict as `explore` prints it.
func newExploreResult(proto *protocols.Protocol, params protocols.Params, v sim.Variant, spec scheduler.Spec, vd *sim.Verdict) *exploreResult {
	rep := vd.Reports[0]
	res := &exploreResult{Protocol: proto.Name, Variant: v.Name, Expected: string(v.Expected),
		Config: string(proto.Config(params)), Strategy: spec.Name, Bound: -1, Findings: []jsonFinding{},
		Exhaustive: rep.Exhausted, Executions: rep.Runs, TerminalStates: rep.TerminalStates, DeepestSteps: rep.MaxSteps,
		Pruned: rep.Pruned, Redundant: rep.Redundant, States: rep.States, Cut: rep.Cut, Errors: rep.Errors, WallSeconds: rep.Wall.Seconds(),
		Coverage: rep.Coverage, Interrupted: vd.Interrupted}
	if spec.Bound != nil {
		res.Bound = *spec.Bound
	}
	if rep.Wall > 0 {
		res.ExecsPerSecond = float64(rep.Runs) / rep.Wall.Seconds()
	}
	res.Verified, res.Verdict = sim.SearchVerdict(spec, rep)
	if vd.Interrupted {
		res.Verdict = fmt.Sprintf("not verified: interrupted after %d executions (partial results)", rep.Runs)
	}
	res.Search = sim.DescribeSearch(spec)
	for _, hf := range vd.Findings {
		fd := hf.Finding
		jf := jsonFinding{Kind: string(fd.Kind), Message: fd.Message, Seed: fd.Seed, Run: fd.Run,
			Steps: fd.Steps, Count: hf.Count}
		switch {
		case hf.Minimized != nil:
			res.Minimized = append(res.Minimized, fmt.Sprintf("%s: %s, %.1fs", fd.Kind, hf.Minimized, hf.MinimizeTime.Seconds())) // fd is the minimized execution's
		case hf.MinimizeErr != nil:
			res.Minimized = append(res.Minimized, fmt.Sprintf("%s: not minimized: %v", fd.Kind, hf.MinimizeErr))
		}
		res.Findings = append(res.Findings, jf)
	}
	return res
}

func printExplore(w io.Writer, r *exploreResult) {
	fmt.Fprintf(w, "%s/%s %s (expected: %s): %s\n", r.Protocol, r.Variant, r.Config, r.Expected, r.Search)
	fmt.Fprintf(w, "  executions:      %d", r.Executions)
	if r.Redundant > 0 {
		fmt.Fprintf(w, " (%d sleep-blocked)", r.Redundant)
	}
	if r.States > 0 {
		fmt.Fprintf(w, " (%d cut at a known state)\n  states:          %d", r.Cut, r.States)
	}
	fmt.Fprintf(w, "\n  terminal states: %d\n  deepest:         %d steps\n  wall time:       %.2fs (%.0f executions/s)\n",
		r.TerminalStates, r.DeepestSteps, r.WallSeconds, r.ExecsPerSecond)
	for i, f := range r.Findings {
		fmt.Fprintf(w, "  found %s in %d executions (first: run %d): %s\n", f.Kind, f.Count, f.Run, f.Message)
		if i < len(r.Minimized) {
			fmt.Fprintf(w, "    minimized: %s\n", r.Minimized[i])
		}
		if f.Trace != "" {
			fmt.Fprintf(w, "    trace: %s\n    replay: %s\n", f.Trace, f.Replay)
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
	printCoverage(w, r.Coverage)
	fmt.Fprintln(w, r.Verdict)
}

// printCoverage prints what the executions reached: the operations per
// object never performed, the probes' largest values, and the warnings of
// a vacuous pass.
func printCoverage(w io.Writer, c *sim.Coverage) {
	if c == nil {
		return
	}
	reached, all := 0, 0
	for _, o := range c.Objects {
		all++
		if len(o.Unreached) == 0 {
			reached++
		}
	}
	fmt.Fprintf(w, "  coverage:        %d of %d objects had every operation reached", reached, all)
	for _, o := range c.Objects {
		if len(o.Unreached) > 0 {
			fmt.Fprintf(w, "; %s never %s", o.Name, strings.Join(o.Unreached, "/"))
		}
	}
	fmt.Fprintln(w)
	for _, p := range c.Probes {
		fmt.Fprintf(w, "  probe:           %s reached %d", p.Name, p.Max)
		if p.Goal > 0 {
			fmt.Fprintf(w, " (goal %d)", p.Goal)
		}
		fmt.Fprintln(w)
	}
	for _, m := range c.Warnings {
		fmt.Fprintf(w, "  warning: vacuous? %s\n", m)
	}
}
