package bench

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/simrun/simrun/kernels"
	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// StrategyCase is one column group of the strategies benchmark: a name and
// the strategies a Hunt runs in turn (one for a single strategy, several
// for a portfolio).
type StrategyCase struct {
	Name  string
	Specs []scheduler.Spec
}

// StrategyCases are the strategies the benchmark compares, side by side:
// the random walk, PCT of depth 2 and 3, POS, POSC (POS with PCT's
// change points over the communicating steps), SURW, the Mix of POS and PCT of depth 3 (run by run), and the default
// portfolio of sim.Hunt as it runs (its stages in turn, the budget split
// between them).
func StrategyCases() []StrategyCase {
	return []StrategyCase{
		{"random", []scheduler.Spec{{Name: scheduler.NameRandom}}},
		{"pct2", []scheduler.Spec{{Name: scheduler.NamePCT, Depth: 2}}},
		{"pct3", []scheduler.Spec{{Name: scheduler.NamePCT, Depth: 3}}},
		{"pos", []scheduler.Spec{{Name: scheduler.NamePOS}}},
		{"posc", []scheduler.Spec{{Name: scheduler.NamePOSC, Depth: scheduler.DefaultDepth}}},
		{"surw", []scheduler.Spec{{Name: scheduler.NameSURW}}},
		{"mix", []scheduler.Spec{{Name: scheduler.NameMix, Depth: scheduler.DefaultDepth}}},
		{"default", sim.DefaultPortfolio},
	}
}

// SeededBug is a variant with a seeded bug, at a number of threads.
type SeededBug struct {
	Protocol, Variant string
}

// SeededBugs lists the seeded-bug variants of the group-commit protocols
// (lockfree, mutexqueue, broadcast): every variant whose expected verdict
// is not clean. The xenstore protocol is left out: its threads are
// clients of a random workload, not the group-commit threads swept here.
func SeededBugs() []SeededBug {
	var out []SeededBug
	for _, p := range protocols.All {
		if !p.Uses("threads") || !p.Uses("txns") || p.Uses("vms") {
			continue
		}
		for _, v := range p.Variants {
			if v.Expected != sim.Clean {
				out = append(out, SeededBug{p.Name, v.Name})
			}
		}
	}
	return out
}

// huntTime is the outcome of hunting one seeded bug with one seed.
type huntTime struct {
	execs int           // executions up to and including the first finding of the expected kind; 0: not found
	cpu   time.Duration // CPU time of the hunt (calibration included) until then
}

// huntTarget is one row's scenario, built once for all the hunts of the
// row: a seeded bug at a thread count, or a buggy kernel of the Go kernel
// suite.
type huntTarget struct {
	name     string // protocol/variant threads N, or kernel/NAME, for errors
	s        sim.Scenario
	v        sim.Variant
	maxSteps int
	cost     sim.Cost
}

func newSeededScenario(b SeededBug, threads int) (*huntTarget, error) {
	proto, s, _, err := protocols.Scenario(b.Protocol, b.Variant, protocols.Params{Threads: threads})
	if err != nil {
		return nil, err
	}
	v, err := sim.FindVariant(proto.Variants, b.Variant)
	if err != nil {
		return nil, err
	}
	return &huntTarget{name: fmt.Sprintf("%s/%s threads %d", b.Protocol, b.Variant, threads), s: s, v: v, maxSteps: proto.MaxSteps, cost: proto.Cost}, nil
}

// kernelTarget is the buggy version of a kernel, run as sim.Check runs it
// (default step limit and cost model), expecting the kernel's kind.
func kernelTarget(k kernels.Kernel) *huntTarget {
	return &huntTarget{name: "kernel/" + k.Name, s: k.Buggy, v: sim.Variant{Name: k.Name, Expected: k.Want}}
}

// huntSeeded hunts a target with the strategies of c from seed, up to
// limit executions, on one worker, and stops at the expected kind.
func huntSeeded(sc *huntTarget, c StrategyCase, seed uint64, limit int) (huntTime, error) {
	v := sc.v
	specs := make([]scheduler.Spec, len(c.Specs))
	for i, sp := range c.Specs {
		sp.Seed = seed
		specs[i] = sp
	}
	h := sim.Hunt{Strategies: specs, Runs: limit, StopOnExpected: true,
		Options: sim.Options{Workers: 1, Seed: seed, MaxSteps: sc.maxSteps, Cost: sc.cost, Races: true}}
	t0 := cpuTime()
	verdict, err := h.Run(sc.s, v)
	cpu := cpuTime() - t0
	if err != nil {
		return huntTime{}, fmt.Errorf("%s %s seed %d: %w", sc.name, c.Name, seed, err)
	}
	for _, f := range verdict.Findings {
		if f.Finding.Kind == v.Expected {
			return huntTime{execs: f.Run + 1, cpu: cpu}, nil
		}
	}
	return huntTime{cpu: cpu}, nil
}

// Strategies is the strategies benchmark: for every seeded bug at every
// thread count, and for every buggy kernel of the Go kernel suite
// (kernels.All), the executions and CPU time each strategy needs to its
// first finding of the expected kind, median and worst over seeds.
func Strategies(opts Options) (*Result, error) {
	threads := opts.Threads
	if len(threads) == 0 {
		threads = []int{2, 3, 4, 5, 6, 7, 8}
		if opts.Quick {
			threads = []int{2, 4}
		}
	}
	seeds := 50
	if opts.Quick {
		seeds = 10
	}
	limit := opts.runs(200, 1000)
	cases := StrategyCases()
	r := &Result{Bench: "strategies", Title: fmt.Sprintf("executions to the first finding of each seeded bug and buggy kernel, median/worst over %d seeds (at most %d executions per hunt, 1 worker)", seeds, limit)}
	var goals, alone []string
	sergei := "not measured (4 threads not swept)"
	// row hunts t with every strategy over the seeds and adds its point;
	// it returns the names of the strategies that found the bug with
	// every seed.
	row := func(t *huntTarget, variant string, threads any) ([]string, error) {
		p := Point{Bench: "strategies", Fields: []Field{{Name: "variant", Value: variant}, {Name: "threads", Value: threads}}}
		var always []string
		for _, c := range cases {
			var execs, cpus []float64
			for i := range seeds {
				ht, err := huntSeeded(t, c, opts.seed()+uint64(i), limit)
				if err != nil {
					return nil, err
				}
				e := math.Inf(1)
				if ht.execs > 0 {
					e = float64(ht.execs)
				}
				execs = append(execs, e)
				cpus = append(cpus, float64(ht.cpu)/float64(time.Millisecond))
			}
			med, worst := percentile(execs, 50), percentile(execs, 100)
			p.Fields = append(p.Fields,
				Field{Name: c.Name, Value: execsCell(med, worst, limit)},
				Field{Name: c.Name + " cpu", Value: percentile(cpus, 50), Unit: "ms"})
			if c.Name == "default" && (threads == 4 || threads == 8) && !(med <= 20) {
				goals = append(goals, fmt.Sprintf("%s at %d threads (%s)", variant, threads, execsCell(med, worst, limit)))
			}
			if c.Name == "default" && variant == "lockfree/clear-after-enqueue" && threads == 4 {
				sergei = fmt.Sprintf("(median <= 20, worst <= 100): %s, %s", map[bool]string{true: "met", false: "not met"}[med <= 20 && worst <= 100], execsCell(med, worst, limit))
			}
			if !math.IsInf(worst, 1) && c.Name != "mix" && c.Name != "default" {
				always = append(always, c.Name)
			}
		}
		r.Points = append(r.Points, p)
		return always, nil
	}
	for _, b := range SeededBugs() {
		for _, n := range threads {
			t, err := newSeededScenario(b, n)
			if err != nil {
				return nil, err
			}
			if _, err := row(t, b.Protocol+"/"+b.Variant, n); err != nil {
				return nil, err
			}
		}
	}
	for _, k := range kernels.All {
		always, err := row(kernelTarget(k), "kernel/"+k.Name, "-")
		if err != nil {
			return nil, err
		}
		if len(always) < 2 {
			alone = append(alone, fmt.Sprintf("%s (%s)", k.Name, strings.Join(always, ", ")))
		}
	}
	var names []string
	for _, c := range sim.DefaultPortfolio {
		names = append(names, c.String())
	}
	r.Notes = append(r.Notes,
		"cell: median/worst executions up to and including the first finding of the variant's expected kind (>N: not found within N); cpu: median CPU time of one hunt to that point, calibration included",
		"default: sim.Hunt's default portfolio ("+strings.Join(names, ", ")+"), its stages in turn with the budget split between them",
		"kernel/NAME: the buggy version of a kernel of the Go kernel suite (package kernels), with sim.Check's step limit and cost model; threads: fixed by the kernel",
	)
	if len(goals) == 0 {
		r.Notes = append(r.Notes, "goal (default portfolio, median <= 20 executions at 4 and 8 threads): met for every variant measured")
	} else {
		r.Notes = append(r.Notes, "goal (default portfolio, median <= 20 executions at 4 and 8 threads) not met: "+strings.Join(goals, "; "))
	}
	r.Notes = append(r.Notes, "goal (default portfolio, Sergei's lost wakeup, lockfree/clear-after-enqueue at 4 threads) "+sergei)
	if len(alone) == 0 {
		r.Notes = append(r.Notes, "goal (no kernel left to one strategy alone): met, every buggy kernel found with every seed by at least two of random, pct2, pct3, pos, posc and surw")
	} else {
		r.Notes = append(r.Notes, "goal (no kernel left to one strategy alone) not met, kernels found with every seed by fewer than two of random, pct2, pct3, pos, posc and surw: "+strings.Join(alone, "; "))
	}
	return r, nil
}

// execsCell formats a median and a worst count of executions.
func execsCell(med, worst float64, limit int) string {
	f := func(x float64) string {
		if math.IsInf(x, 1) {
			return fmt.Sprintf(">%d", limit)
		}
		return fmt.Sprint(x)
	}
	return f(med) + "/" + f(worst)
}
