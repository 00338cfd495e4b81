package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// runFlags are the flags of `simrun run`.
type runFlags struct {
	protocol, variant string
	params            protocols.Params
	strategy          string
	depth, pctSteps   int
	seed              uint64
	runs, workers     int
	maxSteps          int
	out               string
	spurious          bool
	jsonOut           bool
	costs             costFlags
	races, selfCheck  bool
	minimize, oracles bool
	watchdog          time.Duration
}

// costFlags collects repeated -cost name=value flags.
type costFlags []string

func (c *costFlags) String() string     { return strings.Join(*c, ",") }
func (c *costFlags) Set(s string) error { *c = append(*c, s); return nil }

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.protocol, "protocol", "", "protocol to run (see simrun list); empty: every variant of every protocol")
	fs.StringVar(&f.variant, "variant", "", "variant of the protocol")
	fs.IntVar(&f.params.Threads, "threads", 0, "client threads (group commit; default per protocol); clients of the random xenstore workload (default 3)")
	fs.IntVar(&f.params.Txns, "txns", 0, "transactions per thread (group commit); units per client of the random xenstore workload (default 3)")
	fs.IntVar(&f.params.Engines, "engines", 0, "storage engines per transaction, 1 or 2 (group commit)")
	fs.IntVar(&f.params.Readers, "readers", 0, "consistent-snapshot readers (group commit)")
	fs.BoolVar(&f.params.Crash, "crash", false, "crash at a step the strategy chooses, then recover (group commit)")
	fs.BoolVar(&f.params.XidErrors, "xid-errors", false, "let group_log_xid fail, as the strategy chooses (group commit)")
	fs.IntVar(&f.params.VMs, "vms", 0, "simulated VMs (xenstore replay: the toolstack workload instead of the random one)")
	fs.Uint64Var(&f.params.WorkloadSeed, "workload-seed", 0, "generator seed of one random xenstore workload for every execution (0: each execution draws its own workload, recorded in its trace)")
	fs.BoolVar(&f.oracles, "oracles", true, "record the history and run the protocol's oracles (xenstore replay: -oracles=false for measurements at scale)")
	fs.StringVar(&f.strategy, "strategy", "pct", "random or pct")
	fs.IntVar(&f.depth, "depth", 3, "PCT bug depth d")
	fs.IntVar(&f.pctSteps, "pct-steps", 0, "PCT expected steps k (0: the longest of 10 random executions)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the exploration; execution i uses a seed mixed from it and i")
	fs.IntVar(&f.runs, "runs", 0, "executions per variant (default per protocol)")
	fs.IntVar(&f.workers, "workers", runtime.NumCPU(), "executions in parallel (results do not depend on it)")
	fs.IntVar(&f.maxSteps, "max-steps", 0, "step bound of one execution, livelock beyond (default per protocol, else 100000)")
	fs.StringVar(&f.out, "out", "simrun-traces", "directory for the traces of findings")
	fs.BoolVar(&f.spurious, "spurious", true, "let the strategy wake condition-variable waiters spuriously")
	fs.BoolVar(&f.jsonOut, "json", false, "print JSON on stdout instead of text")
	fs.Var(&f.costs, "cost", "cost-model parameter name=value, repeatable (names: "+costNames()+")")
	fs.BoolVar(&f.races, "races", true, "detect data races on Vars (vector clocks)")
	fs.BoolVar(&f.minimize, "minimize", true, "shrink each finding's trace to the fewest preemptions, then steps, that keep its kind")
	fs.BoolVar(&f.selfCheck, "selfcheck", false, "re-run every execution and report nondeterminism")
	fs.DurationVar(&f.watchdog, "watchdog", 2*time.Minute, "declare the run hung when no execution finishes for this long (0: off)")
}

func costNames() string {
	var n []string
	for _, p := range sim.CostParams {
		n = append(n, p.Name)
	}
	return strings.Join(n, ", ")
}

// newStrategy builds the strategy named by the flags.
func (f *runFlags) newStrategy(name string) (scheduler.Strategy, error) {
	switch name {
	case "random":
		return scheduler.NewRandom(f.seed), nil
	case "pct":
		if f.depth < 1 {
			return nil, usagef("-depth must be at least 1, got %d", f.depth)
		}
		return scheduler.NewPCT(f.seed, f.depth, f.pctSteps), nil
	}
	return nil, usagef("unknown strategy %q (want random or pct)", name)
}

// jsonFinding is one finding in -json output.
type jsonFinding struct {
	Kind      string     `json:"kind"`
	Message   string     `json:"message"`
	Seed      uint64     `json:"seed"`
	Run       int        `json:"run"`
	Steps     int        `json:"steps"`
	Count     int        `json:"count"`
	Trace     string     `json:"trace,omitempty"`
	Replay    string     `json:"replay,omitempty"`
	Minimized *minimized `json:"minimized,omitempty"`
}

// minimized reports what minimization did to a finding's trace.
type minimized struct {
	PreemptionsBefore int `json:"preemptions_before"`
	PreemptionsAfter  int `json:"preemptions_after"`
	StepsBefore       int `json:"steps_before"`
	StepsAfter        int `json:"steps_after"`
}

// variantResult is the outcome of running one variant.
type variantResult struct {
	Protocol       string             `json:"protocol"`
	Variant        string             `json:"variant"`
	Expected       string             `json:"expected"`
	Verdict        string             `json:"verdict"`
	AsExpected     *bool              `json:"as_expected,omitempty"`
	Strategy       string             `json:"strategy"`
	Runs           int                `json:"runs"`
	Steps          int64              `json:"steps"`
	WallSeconds    float64            `json:"wall_seconds"`
	RunsPerSecond  float64            `json:"runs_per_second"`
	VirtualSeconds float64            `json:"virtual_seconds"`
	Stats          map[string]float64 `json:"-"`
	Findings       []jsonFinding      `json:"findings"`
	PCTBound       string             `json:"pct_bound,omitempty"`
	ok             bool
}

// MarshalJSON flattens the protocol's statistics into the object.
func (r variantResult) MarshalJSON() ([]byte, error) {
	type plain variantResult
	b, err := json.Marshal(plain(r))
	if err != nil || len(r.Stats) == 0 {
		return b, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range r.Stats {
		m[k] = v
	}
	return json.Marshal(m)
}

func runRun(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("run", stderr)
	var f runFlags
	f.register(fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(rest) > 0 {
		return exitUsage, usagef("unexpected argument %q", rest[0])
	}
	if f.runs < 0 || f.workers < 1 || f.maxSteps < 0 {
		return exitUsage, usagef("-runs must be >= 0, -workers >= 1, -max-steps >= 0")
	}
	f.params.NoOracles = !f.oracles
	var cost sim.Cost
	for _, c := range f.costs {
		if err := cost.ParseAssignment(c); err != nil {
			return exitUsage, usageError{err}
		}
	}
	if f.protocol == "" {
		if f.variant != "" {
			return exitUsage, usagef("-variant needs -protocol")
		}
		return runAll(&f, cost, stdout, stderr)
	}
	if f.variant == "" {
		p, err := protocols.Lookup(f.protocol)
		if err != nil {
			return exitUsage, usageError{err}
		}
		var names []string
		for _, v := range p.Variants {
			names = append(names, v.Name)
		}
		return exitUsage, usagef("-variant is required (variants of %s: %s)", f.protocol, strings.Join(names, ", "))
	}
	res, err := runVariant(&f, cost, f.protocol, f.variant, []string{f.strategy}, "", stderr)
	if err != nil {
		return exitUsage, err
	}
	if f.jsonOut {
		if err := writeJSON(stdout, res); err != nil {
			return exitUsage, err
		}
	} else {
		printResult(stdout, res)
	}
	if len(res.Findings) > 0 {
		return exitFinding, nil
	}
	return exitClean, nil
}

// runVariant explores one variant with each strategy in turn, splitting the
// run budget between them.
func runVariant(f *runFlags, cost sim.Cost, protocol, variant string, strategies []string, stopOn sim.Kind, stderr io.Writer) (*variantResult, error) {
	proto, scenario, params, err := protocols.Scenario(protocol, variant, f.params)
	if err != nil {
		return nil, usageError{err}
	}
	if err := checkParams(proto, f.params); err != nil {
		return nil, err
	}
	v, _ := sim.FindVariant(proto.Variants, variant)
	if len(f.costs) == 0 {
		cost = proto.Cost
	}
	runs := f.runs
	if runs == 0 {
		runs = proto.Runs
	}
	maxSteps := f.maxSteps
	if maxSteps == 0 {
		maxSteps = proto.MaxSteps
	}
	res := &variantResult{Protocol: protocol, Variant: variant, Expected: string(v.Expected),
		Strategy: strings.Join(strategies, "+"), Verdict: string(sim.Clean)}
	var statsMu sync.Mutex
	sums := map[string]float64{}
	var vsum float64
	n, actors := 0, 0
	progress := isTerminal(os.Stderr) && stderr == io.Writer(os.Stderr) && !f.jsonOut
	found := map[sim.Kind]*jsonFinding{}
	var order []sim.Kind
	start := time.Now()
	for i, name := range strategies {
		if name == "pct" && f.pctSteps == 0 {
			// PCT spreads its change points over the expected step count k.
			// Learn k once, from a few random executions, so that every PCT
			// execution uses the same k whatever the worker count.
			k, err := calibrate(scenario, maxSteps, f.seed)
			if err != nil {
				return nil, err
			}
			g := *f
			g.pctSteps = k
			f = &g
		}
		strat, err := f.newStrategy(name)
		if err != nil {
			return nil, err
		}
		share := runs / len(strategies)
		if i == len(strategies)-1 {
			share = runs - share*(len(strategies)-1)
		}
		if share == 0 {
			continue
		}
		opts := sim.Options{Strategy: strat, Runs: share, Workers: f.workers, MaxSteps: maxSteps,
			NoSpurious: !f.spurious, Cost: cost, StopOnKind: stopOn,
			Races: f.races, SelfCheck: f.selfCheck, Watchdog: f.watchdog, OnHang: hang(stderr),
			Meta: sim.Meta{Protocol: protocol, Variant: variant, Config: proto.Config(params)}}
		{
			opts.OnExecution = func(run int, h *sim.History, _ *sim.Finding) {
				statsMu.Lock()
				defer statsMu.Unlock()
				n++
				actors = max(actors, len(h.Actors))
				vsum += h.Now.Seconds()
				if proto.Stats != nil {
					for k, v := range proto.Stats(h) {
						sums[k] += v
					}
				}
			}
		}
		if progress {
			done := res.Runs
			opts.Progress = func(p sim.Progress) {
				fmt.Fprintf(stderr, "\r  %s/%s %s: %d runs, %.0f runs/s, %d finding kinds   ",
					protocol, variant, name, done+p.Runs, float64(p.Runs)/p.Elapsed.Seconds(), len(found)+p.Findings)
			}
		}
		rep, err := sim.Explore(scenario, opts)
		if err != nil {
			return nil, usageError{err}
		}
		if progress {
			fmt.Fprint(stderr, "\r\033[K")
		}
		res.Runs += rep.Runs
		res.Steps += rep.Steps
		for _, fd := range rep.Findings {
			if jf := found[fd.Kind]; jf != nil {
				jf.Count += rep.Counts[fd.Kind]
				continue
			}
			jf := &jsonFinding{Kind: string(fd.Kind), Message: fd.Message, Seed: fd.Seed, Run: res.Runs - rep.Runs + fd.Run,
				Steps: fd.Steps, Count: rep.Counts[fd.Kind]}
			// Minimization re-runs the execution many times: worth it for the
			// short executions where bugs hide, not for a million steps.
			if fd.Trace != nil && f.minimize && fd.Kind != sim.Nondeterminism && fd.Steps <= maxMinimizeSteps {
				if mt, st, err := sim.Minimize(scenario, fd.Trace); err == nil {
					fd.Trace = mt
					jf.Minimized = &minimized{PreemptionsBefore: st.PreemptionsBefore, PreemptionsAfter: st.PreemptionsAfter,
						StepsBefore: st.StepsBefore, StepsAfter: st.StepsAfter}
				}
			}
			if fd.Trace != nil {
				path := filepath.Join(f.out, fmt.Sprintf("%s-%s-%s-%s-seed%d.json", protocol, variant, fd.Kind, name, fd.Seed))
				if err := traces.Save(path, fd.Trace); err != nil {
					return nil, fmt.Errorf("saving trace: %w", err)
				}
				jf.Trace = path
				jf.Replay = selfCommand() + " replay " + path
			}
			found[fd.Kind] = jf
			order = append(order, fd.Kind)
		}
		if found[stopOn] != nil {
			break
		}
	}
	wall := time.Since(start)
	res.WallSeconds = wall.Seconds()
	if wall > 0 {
		res.RunsPerSecond = float64(res.Runs) / wall.Seconds()
	}
	for _, k := range order {
		res.Findings = append(res.Findings, *found[k])
	}
	verdict, ok := v.Judge(order)
	res.Verdict, res.ok = string(verdict), ok
	if n > 0 && strings.Contains(res.Strategy, "pct") && res.Runs > 0 {
		// PCT's guarantee (Burckhardt et al. 2010): one run finds a bug of
		// depth d with probability >= 1/(n·k^(d-1)).
		k := int(res.Steps / int64(res.Runs))
		p := scheduler.Bound(actors, k, f.depth)
		res.PCTBound = fmt.Sprintf("depth %d, n=%d actors, k=%d steps: at least %.3g per run", f.depth, actors, k, p)
	}
	if n > 0 {
		res.VirtualSeconds = vsum / float64(n)
		if len(sums) > 0 {
			res.Stats = map[string]float64{}
			for k, v := range sums {
				res.Stats[k] = v / float64(n)
			}
		}
	}
	if res.Findings == nil {
		res.Findings = []jsonFinding{}
	}
	return res, nil
}

// calibrate returns the longest of 10 random executions of s: PCT's k.
func calibrate(s sim.Scenario, maxSteps int, seed uint64) (int, error) {
	rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewRandom(seed), Runs: 10, MaxSteps: maxSteps})
	if err != nil {
		return 0, usageError{err}
	}
	return max(rep.MaxSteps, 1), nil
}

// maxMinimizeSteps is the longest execution `run` minimizes.
const maxMinimizeSteps = 20000

// checkParams rejects parameters the protocol does not take.
func checkParams(p *protocols.Protocol, ps protocols.Params) error {
	set := map[string]bool{"threads": ps.Threads != 0, "txns": ps.Txns != 0, "engines": ps.Engines != 0,
		"readers": ps.Readers != 0, "crash": ps.Crash, "xid-errors": ps.XidErrors, "vms": ps.VMs != 0, "oracles": ps.NoOracles,
		"workload-seed": ps.WorkloadSeed != 0}
	var bad []string
	for name, on := range set {
		if on && !p.Uses(name) {
			bad = append(bad, "-"+name)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		return usagef("protocol %s does not take %s (it takes: %s)", p.Name, strings.Join(bad, ", "), strings.Join(p.Params, ", "))
	}
	return nil
}

func printResult(w io.Writer, r *variantResult) {
	fmt.Fprintf(w, "%s/%s (expected: %s), strategy %s\n", r.Protocol, r.Variant, r.Expected, r.Strategy)
	fmt.Fprintf(w, "  %d runs, %d steps in %.2fs wall, %.0f runs/s\n", r.Runs, r.Steps, r.WallSeconds, r.RunsPerSecond)
	if r.VirtualSeconds > 0 || len(r.Stats) > 0 {
		fmt.Fprintf(w, "  virtual time per run: %.6fs", r.VirtualSeconds)
		keys := make([]string, 0, len(r.Stats))
		for k := range r.Stats {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, ", %s %.4g", k, r.Stats[k])
		}
		fmt.Fprintln(w)
	}
	if r.PCTBound != "" {
		fmt.Fprintf(w, "  PCT guarantee for a bug of %s\n", r.PCTBound)
	}
	if len(r.Findings) == 0 {
		fmt.Fprintf(w, "  no finding\n")
		return
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  %s in %d of %d runs; first at run %d (seed %d, %d steps):\n    %s\n", f.Kind, f.Count, r.Runs, f.Run, f.Seed, f.Steps, f.Message)
		if m := f.Minimized; m != nil {
			fmt.Fprintf(w, "    minimized: preemptions %d -> %d, steps %d -> %d\n", m.PreemptionsBefore, m.PreemptionsAfter, m.StepsBefore, m.StepsAfter)
		}
		if f.Trace != "" {
			fmt.Fprintf(w, "    trace: %s\n    replay: %s\n", f.Trace, f.Replay)
		}
	}
}

// runAll runs every variant of every protocol on its default budget, half
// random and half PCT, and prints verdict against expectation.
func runAll(f *runFlags, cost sim.Cost, stdout, stderr io.Writer) (int, error) {
	var results []*variantResult
	allOK := true
	for _, p := range protocols.All {
		for _, v := range p.Variants {
			stop := v.Expected
			if stop == sim.Clean {
				stop = ""
			}
			res, err := runVariant(f, cost, p.Name, v.Name, []string{"pct", "random"}, stop, stderr)
			if err != nil {
				return exitUsage, err
			}
			ok := res.ok
			res.AsExpected = &ok
			allOK = allOK && ok
			results = append(results, res)
			if !f.jsonOut && isTerminal(os.Stderr) && stderr == io.Writer(os.Stderr) {
				fmt.Fprintf(stderr, "  %s/%s: %s\n", p.Name, v.Name, res.Verdict)
			}
		}
	}
	if f.jsonOut {
		if err := writeJSON(stdout, results); err != nil {
			return exitUsage, err
		}
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PROTOCOL\tVARIANT\tEXPECTED\tVERDICT\tRUNS\tWALL\tRESULT\tFIRST SEED")
		for _, r := range results {
			mark, seed := "ok", ""
			switch {
			case !*r.AsExpected:
				mark = "MISMATCH"
			case r.Verdict != r.Expected:
				mark = "ok (known)" // a kind the variant's Also explains
			}
			if len(r.Findings) > 0 {
				seed = fmt.Sprint(r.Findings[0].Seed)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.2fs\t%s\t%s\n", r.Protocol, r.Variant, r.Expected, r.Verdict, r.Runs, r.WallSeconds, mark, seed)
		}
		tw.Flush()
		for _, r := range results {
			for _, fd := range r.Findings {
				if fd.Trace != "" {
					fmt.Fprintf(stdout, "%s/%s %s: %s\n", r.Protocol, r.Variant, fd.Kind, fd.Replay)
				}
			}
		}
	}
	if !allOK {
		return exitFinding, nil
	}
	return exitClean, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// hang reports a hung exploration and exits: the simulator cannot stop an
// actor that blocks outside it.
func hang(stderr io.Writer) func(string) {
	return func(msg string) {
		fmt.Fprintf(stderr, "simrun run: %s\n", msg)
		os.Exit(exitUsage)
	}
}
