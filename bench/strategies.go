package bench

import (
	"fmt"
	"math"
	"strings"
	"time"

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
// the random walk, PCT of depth 2 and 3, POS, SURW, their Mix (POS and
// PCT of depth 3, run by run), and the default
// portfolio of sim.Hunt as it runs (its stages in turn, the budget split
// between them).
func StrategyCases() []StrategyCase {
	return []StrategyCase{
		{"random", []scheduler.Spec{{Name: scheduler.NameRandom}}},
		{"pct2", []scheduler.Spec{{Name: scheduler.NamePCT, Depth: 2}}},
		{"pct3", []scheduler.Spec{{Name: scheduler.NamePCT, Depth: 3}}},
		{"pos", []scheduler.Spec{{Name: scheduler.NamePOS}}},
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

// seededScenario is a seeded bug's scenario at a thread count, built once
// for all the hunts of its row.
type seededScenario struct {
	name  string // protocol/variant threads N, for errors
	proto *protocols.Protocol
	s     sim.Scenario
	v     sim.Variant
}

func newSeededScenario(b SeededBug, threads int) (*seededScenario, error) {
	proto, s, _, err := protocols.Scenario(b.Protocol, b.Variant, protocols.Params{Threads: threads})
	if err != nil {
		return nil, err
	}
	v, err := sim.FindVariant(proto.Variants, b.Variant)
	if err != nil {
		return nil, err
	}
	return &seededScenario{name: fmt.Sprintf("%s/%s threads %d", b.Protocol, b.Variant, threads), proto: proto, s: s, v: v}, nil
}

// huntSeeded hunts a seeded bug with the strategies of c from seed, up to
// limit executions, on one worker, and stops at the expected kind.
func huntSeeded(sc *seededScenario, c StrategyCase, seed uint64, limit int) (huntTime, error) {
	proto, v := sc.proto, sc.v
	specs := make([]scheduler.Spec, len(c.Specs))
	for i, sp := range c.Specs {
		sp.Seed = seed
		specs[i] = sp
	}
	h := sim.Hunt{Strategies: specs, Runs: limit, StopOnExpected: true,
		Options: sim.Options{Workers: 1, Seed: seed, MaxSteps: proto.MaxSteps, Cost: proto.Cost, Races: true}}
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
// thread count, the executions and CPU time each strategy needs to its
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
	r := &Result{Bench: "strategies", Title: fmt.Sprintf("executions to the first finding of each seeded bug, median/worst over %d seeds (at most %d executions per hunt, 1 worker)", seeds, limit)}
	type cell struct{ med, worst, cpuMed float64 }
	var goals []string
	for _, b := range SeededBugs() {
		for _, n := range threads {
			p := Point{Bench: "strategies", Fields: []Field{{Name: "variant", Value: b.Protocol + "/" + b.Variant}, {Name: "threads", Value: n}}}
			sc, err := newSeededScenario(b, n)
			if err != nil {
				return nil, err
			}
			for _, c := range cases {
				var execs, cpus []float64
				for i := range seeds {
					ht, err := huntSeeded(sc, c, opts.seed()+uint64(i), limit)
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
				ce := cell{percentile(execs, 50), percentile(execs, 100), percentile(cpus, 50)}
				p.Fields = append(p.Fields,
					Field{Name: c.Name, Value: execsCell(ce.med, ce.worst, limit)},
					Field{Name: c.Name + " cpu", Value: ce.cpuMed, Unit: "ms"})
				if c.Name == "default" && (n == 4 || n == 8) && !(ce.med <= 20) {
					goals = append(goals, fmt.Sprintf("%s/%s at %d threads (%s)", b.Protocol, b.Variant, n, execsCell(ce.med, ce.worst, limit)))
				}
			}
			r.Points = append(r.Points, p)
		}
	}
	var names []string
	for _, c := range sim.DefaultPortfolio {
		names = append(names, c.String())
	}
	r.Notes = append(r.Notes,
		"cell: median/worst executions up to and including the first finding of the variant's expected kind (>N: not found within N); cpu: median CPU time of one hunt to that point, calibration included",
		"default: sim.Hunt's default portfolio ("+strings.Join(names, ", ")+"), its stages in turn with the budget split between them",
	)
	if len(goals) == 0 {
		r.Notes = append(r.Notes, "goal (default portfolio, median <= 20 executions at 4 and 8 threads): met for every variant measured")
	} else {
		r.Notes = append(r.Notes, "goal (default portfolio, median <= 20 executions at 4 and 8 threads) not met: "+strings.Join(goals, "; "))
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
