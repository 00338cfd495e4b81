package groupcommit

import (
	"fmt"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// CheckConfigs is the configuration matrix that correct variants must pass:
// 2 to 8 threads, 1 to 3 transactions each, one or two engines, zero to
// two snapshot readers, with xid_errors, and with a crash in most.
var CheckConfigs = []Config{
	{Threads: 2, Txns: 3, Engines: 2, Readers: 2, XidErrors: true, Crash: true},
	{Threads: 3, Txns: 2, Engines: 2, Readers: 1, XidErrors: true},
	{Threads: 4, Txns: 2, Engines: 1, Readers: 2, XidErrors: true, Crash: true},
	{Threads: 5, Txns: 2, Engines: 2, Readers: 0, XidErrors: true, Crash: true},
	{Threads: 6, Txns: 1, Engines: 2, Readers: 2, XidErrors: true},
	{Threads: 8, Txns: 2, Engines: 1, Readers: 1, XidErrors: true, Crash: true},
	{Threads: 8, Txns: 3, Engines: 2, Readers: 2, XidErrors: true, Crash: true},
}

// SweepResult is the outcome of Sweep.
type SweepResult struct {
	Executions int          // executions run
	Steps      int64        // steps over all executions
	Finding    *sim.Finding // the first finding, nil if none
	Config     Config       // the configuration of Finding
	Strategy   string       // the strategy of Finding
}

// Sweep runs about total executions of the scenarios that build makes of
// the configurations, half under a random walk and half under PCT (depth
// 3), on workers workers, and stops at the first finding. A configuration
// gets executions in inverse proportion to its size (threads × txns), so
// that the big ones, whose executions cost most, do not eat the budget;
// each gets at least 50 per strategy.
func Sweep(build func(Config) (sim.Scenario, error), cfgs []Config, total, workers int, seed uint64) (SweepResult, error) {
	var res SweepResult
	weight := 0.0
	for _, cfg := range cfgs {
		weight += 1 / float64(cfg.Threads*cfg.Txns)
	}
	for i, cfg := range cfgs {
		runs := max(50, int(float64(total)/2/weight/float64(cfg.Threads*cfg.Txns)))
		s, err := build(cfg)
		if err != nil {
			return res, err
		}
		for _, name := range []string{"random", "pct"} {
			var st scheduler.Strategy = scheduler.NewRandom(seed + uint64(i)*1_000_003)
			if name == "pct" {
				// Steps given, so that the workers' clones agree.
				st = scheduler.NewPCT(seed+uint64(i)*1_000_003, 3, 60*cfg.Threads*cfg.Txns)
			}
			rep, err := sim.Explore(s, sim.Options{Strategy: st, Runs: runs, Workers: workers, StopOnFinding: true})
			if err != nil {
				return res, fmt.Errorf("%+v %s: %w", cfg, name, err)
			}
			res.Executions += rep.Runs
			res.Steps += rep.Steps
			if len(rep.Findings) > 0 {
				res.Finding, res.Config, res.Strategy = rep.Findings[0], cfg, name
				return res, nil
			}
		}
	}
	return res, nil
}
