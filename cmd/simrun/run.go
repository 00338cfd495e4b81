package main

import (
	"cmp"
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

	"github.com/simrun/simrun/internal/jsonout"
	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/protocols/replay"
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
	quiet             bool
	shard             shardFlags

	key string     // configKey of the flags, for trace file names
	in  *interrupt // SIGINT/SIGTERM: stop the hunt, keep what it found
}

// stop is the channel that interrupts the hunt, if signals are caught.
func (f *runFlags) stop() <-chan struct{} {
	if f.in == nil {
		return nil
	}
	return f.in.stop
}

// countVariants is the number of variants of every protocol.
func countVariants() int {
	n := 0
	for _, p := range protocols.All {
		n += len(p.Variants)
	}
	return n
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
	fs.IntVar(&f.params.Doms, "doms", 0, fmt.Sprintf("domains of the random xenstore workload's clients, client i in domain i mod N: guests' requests meet permissions, quota and quota-maxrequests (default %d: dom0 and a guest; 1: dom0 only)", replay.CommandLineDoms))
	fs.Uint64Var(&f.params.WorkloadSeed, "workload-seed", 0, "generator seed of one random xenstore workload for every execution (0: each execution draws its own workload, recorded in its trace)")
	fs.StringVar(&f.params.Workload, "workload", "", "a fixed xenstore workload by name instead of the toolstack or random one: write-skew (the untracked result's two transactions), hostile (seed scenario 16, XSA-206: a guest writing in the toolstack's read set)")
	fs.BoolVar(&f.oracles, "oracles", true, "record the history and run the protocol's oracles (xenstore replay: -oracles=false for measurements at scale)")
	fs.StringVar(&f.strategy, "strategy", "pct", "strategy: random, pct, pos, posc, surw, mix, dfs or dpor, with parameters as in pct:depth=4,steps=200 or dfs:bound=2")
	fs.IntVar(&f.depth, "depth", 3, "PCT bug depth d")
	fs.IntVar(&f.pctSteps, "pct-steps", 0, "PCT expected steps k (0: the longest of 10 random executions)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the exploration; execution i uses a seed mixed from it and i")
	fs.IntVar(&f.runs, "runs", 0, "executions per variant (default per protocol)")
	fs.IntVar(&f.workers, "workers", min(runtime.NumCPU(), 256), "executions in parallel (results do not depend on it)")
	fs.IntVar(&f.maxSteps, "max-steps", 0, "step bound of one execution, livelock beyond (default per protocol, else 100000)")
	fs.StringVar(&f.out, "out", traces.DefaultDir, "directory for the traces of findings")
	fs.BoolVar(&f.spurious, "spurious", true, "let the strategy wake condition-variable waiters spuriously")
	fs.BoolVar(&f.jsonOut, "json", false, "print JSON on stdout instead of text")
	fs.Var(&f.costs, "cost", "cost-model parameter name=value, repeatable (names: "+costNames()+")")
	fs.BoolVar(&f.races, "races", true, "detect data races on Vars (vector clocks)")
	fs.BoolVar(&f.minimize, "minimize", true, "shrink each finding's trace to the fewest preemptions, then steps, that keep its kind")
	fs.BoolVar(&f.selfCheck, "selfcheck", false, "re-run every execution and report nondeterminism")
	fs.DurationVar(&f.watchdog, "watchdog", 2*time.Minute, "declare the run hung when no execution finishes for this long (0: off)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress line on stderr (it is drawn only on a terminal anyway)")
	f.shard.register(fs, "run")
}

// spec parses a strategy description (-strategy, or a name of the default
// portfolio) and fills in what the flags say: -seed, and for PCT (alone or
// in a Mix) -depth and -pct-steps where the description leaves them out.
func (f *runFlags) spec(desc string) (scheduler.Spec, error) {
	sp, err := scheduler.ParseSpec(desc)
	if err != nil {
		return sp, usageError{err}
	}
	if sp.Seed == 0 {
		sp.Seed = f.seed
	}
	if sp.Name == scheduler.NamePCT || sp.Name == scheduler.NameMix {
		if sp.Depth == 0 {
			if f.depth < 1 {
				return sp, usagef("-depth must be at least 1, got %d", f.depth)
			}
			sp.Depth = f.depth
		}
		if sp.Steps == 0 {
			sp.Steps = f.pctSteps
		}
	}
	return sp, nil
}

// specs is spec over several descriptions.
func (f *runFlags) specs(descs ...string) ([]scheduler.Spec, error) {
	out := make([]scheduler.Spec, len(descs))
	for i, d := range descs {
		sp, err := f.spec(d)
		if err != nil {
			return nil, err
		}
		out[i] = sp
	}
	return out, nil
}

// jsonFinding is one finding in -json output.
type jsonFinding struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Seed    uint64 `json:"seed"`
	Run     int    `json:"run"`
	Steps   int    `json:"steps"`
	Count   int    `json:"count"`
	Trace   string `json:"trace,omitempty"`
	// NotMinimized says why the trace was not minimized, when it was to be.
	NotMinimized string     `json:"not_minimized,omitempty"`
	Replay       string     `json:"replay,omitempty"`
	Minimized    *minimized `json:"minimized,omitempty"`
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
	FirstSeed      *uint64            `json:"first_seed,omitempty"` // of the verdict's kind: see newVariantResult
	PCTBound       string             `json:"pct_bound,omitempty"`
	Interrupted    bool               `json:"interrupted,omitempty"`
	Coverage       *sim.Coverage      `json:"coverage,omitempty"`
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
	documentRanges(fs, runRanges)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(rest) > 0 {
		return exitUsage, usagef("unexpected argument %q", rest[0])
	}
	if err := checkRunFlags(fs, &f); err != nil {
		return exitUsage, err
	}
	f.key = configKey(fs)
	f.in = catchSignals(stderr)
	defer f.in.release()
	f.params.NoOracles = !f.oracles
	cost, err := f.parseCosts()
	if err != nil {
		return exitUsage, err
	}
	if checkOnly {
		return exitClean, nil
	}
	if f.protocol == "" {
		if _, on, _ := f.shard.resolve(); on {
			return exitUsage, usagef("a shard runs one variant: give -protocol and -variant")
		}
		if f.variant != "" {
			return exitUsage, usagef("-variant needs -protocol")
		}
		code, err := runAll(&f, cost, stdout, stderr)
		return f.exit(code), err
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
	specs, err := f.specs(f.strategy)
	if err != nil {
		return exitUsage, err
	}
	res, err := runVariant(&f, cost, f.protocol, f.variant, specs, false, stderr)
	if err != nil {
		return shardExit(err)
	}
	if f.jsonOut {
		if err := jsonout.Write(stdout, res); err != nil {
			return exitUsage, err
		}
	} else {
		printResult(stdout, res)
	}
	if len(res.Findings) > 0 {
		return f.exit(exitFinding), nil
	}
	return f.exit(exitClean), nil
}

// exit is the exit status of a run that would exit with code, unless a
// signal interrupted it.
func (f *runFlags) exit(code int) int {
	if f.in != nil && f.in.interrupted() {
		return f.in.code()
	}
	return code
}

// runVariant hunts one variant (sim.Hunt) with specs in turn, then saves
// the traces of its findings and collects what the output shows.
func runVariant(f *runFlags, cost sim.Cost, protocol, variant string, specs []scheduler.Spec, stopOnExpected bool, stderr io.Writer) (*variantResult, error) {
	proto, scenario, params, err := protocols.Scenario(protocol, variant, withDefaultDoms(protocol, f.params))
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
	stats := &statsSum{stats: proto.Stats, sums: map[string]float64{}}
	h := sim.Hunt{Strategies: specs, Runs: cmp.Or(f.runs, proto.Runs), StopOnExpected: stopOnExpected,
		Minimize: f.minimize, MaxMinimizeSteps: sim.DefaultMaxMinimizeSteps,
		Options: sim.Options{Workers: f.workers, MaxSteps: cmp.Or(f.maxSteps, proto.MaxSteps),
			NoSpurious: !f.spurious, Cost: cost, Races: f.races, SelfCheck: f.selfCheck,
			Watchdog: f.watchdog, OnHang: hang(stderr), OnExecution: stats.add, Stop: f.stop(),
			Meta: sim.Meta{Protocol: protocol, Variant: variant, Config: proto.Config(params)}}}
	prog := newProgress(stderr, f.quiet || f.jsonOut)
	if prog.on {
		h.Progress = func(sp scheduler.Spec, p sim.Progress) {
			prog.update(protocol+"/"+variant+" "+sp.Name, p.Runs, h.Runs, "runs", fmt.Sprintf("%d finding kinds", p.Findings))
		}
	}
	verdict, err := f.shard.hunt(&h, scenario, v, stats)
	prog.clear()
	if err != nil {
		return nil, usageError{err}
	}
	res := newVariantResult(protocol, v, specs, verdict)
	if !f.shard.coverage {
		res.Coverage = nil
	}
	stats.into(res)
	for i, hf := range verdict.Findings {
		fd := hf.Finding
		path := filepath.Join(f.out, fmt.Sprintf("%s-%s-%s-%s-seed%d-%s.json", protocol, variant, fd.Kind, hf.Strategy.Name, fd.Seed,
			configKey(nil, f.key, string(proto.Config(params)), hf.Strategy.String())))
		if err := saveTrace(path, fd, &res.Findings[i]); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// newVariantResult is a hunt's verdict as `run` prints it.
func newVariantResult(protocol string, v sim.Variant, specs []scheduler.Spec, vd *sim.Verdict) *variantResult {
	names := make([]string, len(specs))
	for i, sp := range specs {
		names[i] = sp.Name
	}
	res := &variantResult{Protocol: protocol, Variant: v.Name, Expected: string(v.Expected),
		Strategy: strings.Join(names, "+"), Verdict: string(vd.Kind), ok: vd.OK,
		Runs: vd.Runs, Steps: vd.Steps, WallSeconds: vd.Wall.Seconds(), Findings: []jsonFinding{}, Interrupted: vd.Interrupted}
	if vd.Wall > 0 {
		res.RunsPerSecond = float64(vd.Runs) / vd.Wall.Seconds()
	}
	if vd.PCT != nil {
		res.PCTBound = vd.PCT.String()
	}
	res.Coverage = sim.MergeCoverage(vd.Reports)
	for _, hf := range vd.Findings {
		fd := hf.Finding
		jf := jsonFinding{Kind: string(fd.Kind), Message: fd.Message, Seed: fd.Seed, Run: hf.Run, Steps: fd.Steps, Count: hf.Count}
		if m := hf.Minimized; m != nil {
			jf.Minimized = &minimized{PreemptionsBefore: m.PreemptionsBefore, PreemptionsAfter: m.PreemptionsAfter,
				StepsBefore: m.StepsBefore, StepsAfter: m.StepsAfter}
		}
		if hf.MinimizeErr != nil {
			jf.NotMinimized = hf.MinimizeErr.Error()
		}
		res.Findings = append(res.Findings, jf)
		// FIRST SEED is the verdict's kind's: the expected kind when it
		// was found, else the kind that made the verdict (a known or a
		// mismatched one), not whichever came first (findings[0]).
		if fd.Kind == vd.Kind {
			res.FirstSeed = &fd.Seed
		}
	}
	return res
}

// saveTrace saves a finding's trace (if it has one) at path, and records
// where in jf.
func saveTrace(path string, fd *sim.Finding, jf *jsonFinding) error {
	if fd.Trace == nil {
		return nil
	}
	data, err := fd.Trace.Encode()
	if err == nil {
		err = os.MkdirAll(filepath.Dir(path), 0o755)
	}
	if err == nil {
		err = writeFileAtomic(path, data)
	}
	if err != nil {
		return fmt.Errorf("saving trace: %w", err)
	}
	jf.Trace = path
	jf.Replay = selfCommand() + " replay " + path
	return nil
}

// statsSum averages the protocol's statistics and the virtual time over
// the executions of a hunt; its add is the hunt's OnExecution, which
// several workers call at once.
type statsSum struct {
	stats func(*sim.History) map[string]float64
	mu    sync.Mutex
	n     int
	vsum  float64
	sums  map[string]float64
}

func (s *statsSum) add(run int, h *sim.History, f *sim.Finding) {
	var vals map[string]float64
	if s.stats != nil {
		vals = s.stats(h)
	}
	s.addMeasured(run, sim.Measured{Now: h.Now, Values: vals}, f)
}

// into writes the means into res.
func (s *statsSum) into(res *variantResult) {
	if s.n == 0 {
		return
	}
	res.VirtualSeconds = s.vsum / float64(s.n)
	if len(s.sums) > 0 {
		res.Stats = map[string]float64{}
		for k, v := range s.sums {
			res.Stats[k] = v / float64(s.n)
		}
	}
}

// withDefaultDoms gives a random xenstore workload -doms's default,
// replay.CommandLineDoms, when -doms is not given. It is the command
// line's and not the registry's default because a trace without "doms"
// (recorded before the parameter) must replay the workload it was recorded
// with, which Params.Doms 0 names.
func withDefaultDoms(protocol string, ps protocols.Params) protocols.Params {
	if p, err := protocols.Lookup(protocol); err == nil && p.Uses("doms") && ps.Doms == 0 && ps.VMs == 0 && ps.Workload == "" {
		ps.Doms = replay.CommandLineDoms
	}
	return ps
}

// checkParams rejects parameters the protocol does not take.
func checkParams(p *protocols.Protocol, ps protocols.Params) error {
	set := map[string]bool{"threads": ps.Threads != 0, "txns": ps.Txns != 0, "engines": ps.Engines != 0,
		"readers": ps.Readers != 0, "crash": ps.Crash, "xid-errors": ps.XidErrors, "vms": ps.VMs != 0, "oracles": ps.NoOracles,
		"workload-seed": ps.WorkloadSeed != 0, "workload": ps.Workload != "", "doms": ps.Doms != 0}
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
	if r.Interrupted {
		fmt.Fprintf(w, "  interrupted: partial results, %d runs done\n", r.Runs)
	}
	if r.PCTBound != "" {
		fmt.Fprintf(w, "  PCT guarantee for a bug of %s\n", r.PCTBound)
	}
	if len(r.Findings) == 0 {
		printCoverage(w, r.Coverage)
		fmt.Fprintf(w, "  no finding\n")
		return
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  %s in %d of %d runs; first at run %d (seed %d, %d steps):\n    %s\n", f.Kind, f.Count, r.Runs, f.Run, f.Seed, f.Steps, f.Message)
		if m := f.Minimized; m != nil {
			fmt.Fprintf(w, "    minimized: preemptions %d -> %d, steps %d -> %d\n", m.PreemptionsBefore, m.PreemptionsAfter, m.StepsBefore, m.StepsAfter)
		}
		if f.NotMinimized != "" {
			fmt.Fprintf(w, "    not minimized: %s\n", f.NotMinimized)
		}
		if f.Trace != "" {
			fmt.Fprintf(w, "    trace: %s\n    replay: %s\n", f.Trace, f.Replay)
		}
	}
}

// runAll runs every variant of every protocol on its default budget, split
// between the strategies of sim.DefaultPortfolio (chosen from `simrun bench
// strategies`, see docs/strategies.md), and prints verdict against
// expectation.
func runAll(f *runFlags, cost sim.Cost, stdout, stderr io.Writer) (int, error) {
	// The portfolio by name, so that -depth, -pct-steps and -seed apply.
	var names []string
	for _, sp := range sim.DefaultPortfolio {
		names = append(names, sp.Name)
	}
	specs, err := f.specs(names...)
	if err != nil {
		return exitUsage, err
	}
	var results []*variantResult
	allOK := true
	for _, p := range protocols.All {
		for _, v := range p.Variants {
			res, err := runVariant(f.forProtocol(p), cost, p.Name, v.Name, specs, true, stderr)
			if err != nil {
				return exitUsage, err
			}
			ok := res.ok
			res.AsExpected = &ok
			allOK = allOK && ok
			results = append(results, res)
			if newProgress(stderr, f.quiet || f.jsonOut).on {
				fmt.Fprintf(stderr, "  %s/%s: %s\n", p.Name, v.Name, res.Verdict)
			}
			if res.Interrupted {
				break
			}
		}
		if f.in != nil && f.in.interrupted() {
			break
		}
	}
	if f.jsonOut {
		if err := jsonout.Write(stdout, results); err != nil {
			return exitUsage, err
		}
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PROTOCOL\tVARIANT\tEXPECTED\tVERDICT\tRUNS\tWALL\tRESULT\tFIRST SEED")
		for _, r := range results {
			mark, seed := "ok", ""
			switch {
			case r.Interrupted:
				mark = "interrupted" // its verdict is as far as it got
			case !*r.AsExpected:
				mark = "MISMATCH"
			case r.Verdict != r.Expected:
				mark = "ok (known)" // a kind the variant's Also explains
			}
			if r.FirstSeed != nil {
				seed = fmt.Sprint(*r.FirstSeed)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.2fs\t%s\t%s\n", r.Protocol, r.Variant, r.Expected, r.Verdict, r.Runs, r.WallSeconds, mark, seed)
		}
		tw.Flush()
		if f.in != nil && f.in.interrupted() {
			fmt.Fprintf(stdout, "interrupted: partial results, %d of %d variants\n", len(results), countVariants())
		}
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

// hang reports a hung exploration and exits: the simulator cannot stop an
// actor that blocks outside it.
func hang(stderr io.Writer) func(string) {
	return func(msg string) {
		fmt.Fprintf(stderr, "simrun run: %s\n", msg)
		os.Exit(exitUsage)
	}
}
