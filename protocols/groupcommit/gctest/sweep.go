package gctest

import (
	"fmt"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// CheckConfigs is the configuration matrix that correct variants must pass:
// 2 to 8 threads, 1 to 3 transactions each, one or two engines, zero to
// two snapshot readers, with xid_errors, and with a crash in most.
var CheckConfigs = []groupcommit.Config{
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
	Executions int                // executions run
	Steps      int64              // steps over all executions
	Finding    *sim.Finding       // the first finding, nil if none
	Config     groupcommit.Config // the configuration of Finding
	Strategy   string             // the strategy of Finding
}

// Sweep runs about total executions of the scenarios that build makes of
// the configurations, each a sim.Hunt of half random walk and half PCT
// (depth 3), on workers workers, and stops at the first finding. A
// configuration gets executions in inverse proportion to its size
// (threads × txns), so that the big ones, whose executions cost most, do
// not eat the budget; each gets at least 50 per strategy. PCT's k is given
// (60 steps per transaction) rather than calibrated: a configuration's
// executions are too few to be worth a calibration each.
func Sweep(build func(groupcommit.Config) (sim.Scenario, error), cfgs []groupcommit.Config, total, workers int, seed uint64) (SweepResult, error) {
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
		cseed := seed + uint64(i)*1_000_003
		h := sim.Hunt{Runs: 2 * runs, Options: sim.Options{Workers: workers, StopOnFinding: true},
			Strategies: []scheduler.Spec{{Name: scheduler.NameRandom, Seed: cseed},
				{Name: scheduler.NamePCT, Seed: cseed, Depth: 3, Steps: 60 * cfg.Threads * cfg.Txns}}}
		v, err := h.Run(s, sim.Variant{Expected: sim.Clean})
		if err != nil {
			return res, fmt.Errorf("%+v: %w", cfg, err)
		}
		res.Executions += v.Runs
		res.Steps += v.Steps
		if len(v.Findings) > 0 {
			f := v.Findings[0]
			res.Finding, res.Config, res.Strategy = f.Finding, cfg, f.Strategy.Name
			return res, nil
		}
	}
	return res, nil
}
