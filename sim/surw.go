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
	c := &eventCounter{Random: scheduler.NewRandom(seed)}
	if _, err := Explore(s, Options{Strategy: c, Runs: calibrationRuns, MaxSteps: o.MaxSteps, Workers: 1, Watchdog: o.Watchdog}); err != nil {
		return nil, fmt.Errorf("calibrating SURW: %w", err)
	}
	return scheduler.MeanEvents(c.sum, c.runs), nil
}

// eventCounter is a random walk that counts each actor's steps on each
// object over the executions it runs. It runs on one worker, so the Clone
// it inherits from Random is never used.
type eventCounter struct {
	*scheduler.Random
	sum  []scheduler.ObjectEvents
	runs int
}

func (c *eventCounter) End(p *scheduler.Path) {
	c.sum = scheduler.CountEvents(c.sum, p.Steps)
	c.runs++
}
