package bench

import (
	"fmt"
	"iter"
	"runtime"
	"time"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// switcher switches actor at every scheduling decision: every step is a
// coroutine round trip, the simulator's worst case.
type switcher struct{}

func (switcher) Begin(int) bool { return true }
func (switcher) Next(d *scheduler.Decision) int {
	if d.Kind == scheduler.Schedule && len(d.Choices) > 1 && d.Choices[0].Actor == d.Current {
		return 1
	}
	return 0
}
func (switcher) End(*scheduler.Path)  {}
func (switcher) Info() scheduler.Info { return scheduler.Info{Name: "switch-every-step"} }

// storeScenario: two actors, each storing n times to one atomic.
func storeScenario(n int) sim.Scenario {
	return func(x *sim.Execution) {
		v := sim.NewAtomic(x, "v", 0)
		for a := 0; a < 2; a++ {
			x.Go(fmt.Sprintf("a%d", a), func() {
				for i := 0; i < n; i++ {
					v.Store(i)
				}
			})
		}
	}
}

// pullRoundTrip measures one bare iter.Pull round trip (resume a
// coroutine, let it yield back), in ns.
func pullRoundTrip(n int) float64 {
	next, stop := iter.Pull(func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	})
	defer stop()
	start := time.Now()
	for i := 0; i < n; i++ {
		next()
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

// stepNs measures ns per visible step of storeScenario under strat.
func stepNs(strat scheduler.Strategy, stores, runs int) (float64, error) {
	start := time.Now()
	rep, err := sim.Explore(storeScenario(stores), sim.Options{Runs: runs, Strategy: strat, NoSpurious: true, MaxSteps: 1 << 30})
	if err != nil {
		return 0, err
	}
	return float64(time.Since(start).Nanoseconds()) / float64(rep.Steps), nil
}

// speed is one exploration's wall-time measurement.
type speed struct {
	execsPerSec, stepsPerExec, nsPerStep, allocsPerExec, bytesPerExec float64
}

func measureExplore(s sim.Scenario, runs, workers int, seed uint64) (speed, error) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := time.Now()
	rep, err := sim.Explore(s, sim.Options{Runs: runs, Workers: workers, Seed: seed, NoSpurious: true})
	wall := time.Since(start)
	runtime.ReadMemStats(&m1)
	if err != nil {
		return speed{}, err
	}
	n := float64(rep.Runs)
	return speed{
		execsPerSec:   n / wall.Seconds(),
		stepsPerExec:  float64(rep.Steps) / n,
		nsPerStep:     float64(wall.Nanoseconds()) / float64(rep.Steps),
		allocsPerExec: float64(m1.Mallocs-m0.Mallocs) / n,
		bytesPerExec:  float64(m1.TotalAlloc-m0.TotalAlloc) / n,
	}, nil
}

// Sim is the simulator-speed benchmark: ns per visible step beside a bare
// iter.Pull round trip measured in the same run; then, for every clean
// variant of every registered protocol at 4 and 8 threads (or VMs; 4
// only with Quick),
// executions per second, steps, ns per step, allocations and bytes per
// execution with one worker, and the speed-up with two. Wall-clock
// numbers: they depend on the machine and its load.
func Sim(opts Options) (*Result, error) {
	runs := opts.runs(100, 1000)
	stores, stepRuns, pulls, budget, threads, least := 10000, 20, 2_000_000, 2*time.Second, []int{4, 8}, 4
	if opts.Quick {
		stores, stepRuns, pulls, budget, threads, least = 2000, 5, 200_000, 100*time.Millisecond, []int{4}, 2
	}
	r := &Result{Bench: "sim", Title: "simulator speed (wall clock, this machine)"}
	pull := pullRoundTrip(pulls)
	sw, err := stepNs(switcher{}, stores, stepRuns)
	if err != nil {
		return nil, err
	}
	rnd, err := stepNs(scheduler.NewRandom(opts.seed()), stores, stepRuns)
	if err != nil {
		return nil, err
	}
	r.Notes = append(r.Notes,
		fmt.Sprintf("bare iter.Pull round trip: %.0f ns; one visible step: %.0f ns switching actor at every step (%.1fx the round trip), %.0f ns under a random walk (%.1fx)",
			pull, sw, sw/pull, rnd, rnd/pull),
		fmt.Sprintf("executions: random strategy, no spurious wakeups, race detector off, zero cost, checkers on; up to %d executions per point (fewer for slow protocols: a wall budget of %v each); GOMAXPROCS=%d", runs, budget, runtime.GOMAXPROCS(0)),
	)
	for _, proto := range protocols.All {
		for _, v := range proto.Variants {
			if v.Expected != sim.Clean {
				continue
			}
			for _, nt := range threads {
				// Zero cost: an empty Cost map, not the protocol's defaults.
				ps := protocols.Params{Threads: nt, Cost: map[string]string{}}
				if proto.Uses("vms") {
					ps = protocols.Params{VMs: nt, Cost: map[string]string{}} // xenstore: nt VMs of the toolstack workload
				}
				_, s, _, err := protocols.Scenario(proto.Name, v.Name, ps)
				if err != nil {
					return nil, err
				}
				// A time budget: slow protocols (replay with its oracles) get
				// fewer executions.
				probe, err := measureExplore(s, 1, 1, opts.seed())
				if err != nil {
					return nil, err
				}
				n := min(runs, max(least, int(budget.Seconds()*probe.execsPerSec)))
				one, err := measureExplore(s, n, 1, opts.seed())
				if err != nil {
					return nil, err
				}
				two, err := measureExplore(s, n, 2, opts.seed())
				if err != nil {
					return nil, err
				}
				r.Points = append(r.Points, Point{Bench: "sim", Fields: []Field{
					{Name: "protocol", Value: proto.Name},
					{Name: "variant", Value: v.Name},
					{Name: "threads", Value: nt},
					{Name: "runs", Value: n},
					{Name: "execs_per_s", Value: one.execsPerSec},
					{Name: "steps_per_exec", Value: one.stepsPerExec},
					{Name: "ns_per_step", Value: one.nsPerStep},
					{Name: "allocs_per_exec", Value: one.allocsPerExec},
					{Name: "bytes_per_exec", Value: one.bytesPerExec},
					{Name: "execs_per_s_2w", Value: two.execsPerSec},
					{Name: "speedup_2w", Value: two.execsPerSec / one.execsPerSec},
				}})
			}
		}
	}
	r.Points = append([]Point{
		{Bench: "sim", Fields: []Field{{Name: "protocol", Value: "(iter.Pull)"}, {Name: "variant", Value: "bare round trip"}, {Name: "threads", Value: 1},
			{Name: "runs", Value: nanF()}, {Name: "execs_per_s", Value: nanF()}, {Name: "steps_per_exec", Value: nanF()}, {Name: "ns_per_step", Value: pull},
			{Name: "allocs_per_exec", Value: nanF()}, {Name: "bytes_per_exec", Value: nanF()}, {Name: "execs_per_s_2w", Value: nanF()}, {Name: "speedup_2w", Value: nanF()}}},
		{Bench: "sim", Fields: []Field{{Name: "protocol", Value: "(stores)"}, {Name: "variant", Value: "switch every step"}, {Name: "threads", Value: 2},
			{Name: "runs", Value: nanF()}, {Name: "execs_per_s", Value: nanF()}, {Name: "steps_per_exec", Value: float64(2*stores + 1)}, {Name: "ns_per_step", Value: sw},
			{Name: "allocs_per_exec", Value: nanF()}, {Name: "bytes_per_exec", Value: nanF()}, {Name: "execs_per_s_2w", Value: nanF()}, {Name: "speedup_2w", Value: nanF()}}},
		{Bench: "sim", Fields: []Field{{Name: "protocol", Value: "(stores)"}, {Name: "variant", Value: "random walk"}, {Name: "threads", Value: 2},
			{Name: "runs", Value: nanF()}, {Name: "execs_per_s", Value: nanF()}, {Name: "steps_per_exec", Value: float64(2*stores + 1)}, {Name: "ns_per_step", Value: rnd},
			{Name: "allocs_per_exec", Value: nanF()}, {Name: "bytes_per_exec", Value: nanF()}, {Name: "execs_per_s_2w", Value: nanF()}, {Name: "speedup_2w", Value: nanF()}}},
	}, r.Points...)
	var plot Plot
	plot = Plot{Title: "Simulator: executions per second (1 worker)", XLabel: "threads per execution", YLabel: "executions per wall-clock second", LogY: true}
	for _, p := range r.Points[3:] {
		name := fmt.Sprint(p.Fields[0].Value, "/", p.Fields[1].Value)
		if len(plot.Series) == 0 || plot.Series[len(plot.Series)-1].Name != name {
			plot.Series = append(plot.Series, Series{Name: name})
		}
		s := &plot.Series[len(plot.Series)-1]
		s.X, s.Y = append(s.X, p.Float("threads")), append(s.Y, p.Float("execs_per_s"))
	}
	r.Plots = []Plot{plot}
	return r, nil
}
