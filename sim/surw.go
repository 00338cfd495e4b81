package sim

import (
	"fmt"

	"github.com/simrun/simrun/scheduler"
)

// sampling reports whether the strategy named name samples executions from
// a seed (random, PCT, POS, SURW, Mix), as opposed to searching exhaustively: a
// Hunt gives such a strategy its seed.
func sampling(name string) bool {
	switch name {
	case scheduler.NameRandom, scheduler.NamePCT, scheduler.NamePOSC, scheduler.NamePOS, scheduler.NameSURW, scheduler.NameMix:
		return true
	}
	return false
}

// calibrationRuns is the number of random executions CalibrateEvents
// (and Calibrate) learn from.
const calibrationRuns = 10

// CalibrateEvents returns SURW's estimate for s: the steps of every actor
// on every object in one execution, the mean (rounded up) over 10 random
// executions from seed. Learned once, before the hunt, the estimate is a
// function of the scenario and the seed, the same for every worker's
// clone; learned as SURW goes it would depend on which worker ran what.
func CalibrateEvents(s Scenario, maxSteps int, seed uint64) ([]scheduler.ObjectEvents, error) {
	return calibrateEvents(s, &Options{MaxSteps: maxSteps}, seed)
}

// calibrateEvents is CalibrateEvents under the watchdog of o: a scenario
// that hangs is reported by the hunt's stages, not hung here.
func calibrateEvents(s Scenario, o *Options, seed uint64) ([]scheduler.ObjectEvents, error) {
	var sum []scheduler.ObjectEvents
	runs := 0
	err := calibrateRandom(s, o, seed, "SURW", func(p *scheduler.Path) {
		sum = scheduler.CountEvents(sum, p.Steps)
		runs++
	})
	if err != nil {
		return nil, err
	}
	return scheduler.MeanEvents(sum, runs), nil
}

// calibrateRandom runs calibrationRuns random executions of s from seed,
// on one worker and under the watchdog of o, and hands each one's path to
// end. what names the calibration in the error.
func calibrateRandom(s Scenario, o *Options, seed uint64, what string, end func(*scheduler.Path)) error {
	c := &pathWatcher{Random: scheduler.NewRandom(seed), end: end}
	if _, err := Explore(s, Options{Strategy: c, Runs: calibrationRuns, MaxSteps: o.MaxSteps, Workers: 1, Watchdog: o.Watchdog}); err != nil {
		return fmt.Errorf("calibrating %s: %w", what, err)
	}
	return nil
}

// pathWatcher is a random walk that hands the path of each execution it
// runs to end. It runs on one worker, so the Clone it inherits from Random
// is never used.
type pathWatcher struct {
	*scheduler.Random
	end func(*scheduler.Path)
}

func (c *pathWatcher) End(p *scheduler.Path) { c.end(p) }
