package sim

import (
	"fmt"

	"github.com/simrun/simrun/scheduler"
)

// CalibrateCommunicating returns the k of POSC for s: the most
// steps that communicate with another actor (scheduler.CountCommunicating)
// in any of calibrationRuns random executions from seed. Like PCT's k
// (Calibrate), it is learned once, before the hunt, so that every worker
// uses the same.
func CalibrateCommunicating(s Scenario, maxSteps int, seed uint64) (int, error) {
	return calibrateCommunicating(s, &Options{MaxSteps: maxSteps}, seed)
}

// calibrateCommunicating is CalibrateCommunicating under the watchdog of
// o: a scenario that hangs is reported by the hunt's stages, not hung here.
func calibrateCommunicating(s Scenario, o *Options, seed uint64) (int, error) {
	c := &commCounter{Random: scheduler.NewRandom(seed)}
	if _, err := Explore(s, Options{Strategy: c, Runs: calibrationRuns, MaxSteps: o.MaxSteps, Workers: 1, Watchdog: o.Watchdog}); err != nil {
		return 0, fmt.Errorf("calibrating the communicating steps: %w", err)
	}
	return max(c.most, 1), nil
}

// commCounter is a random walk that keeps the most communicating steps of
// the executions it runs. It runs on one worker, so the Clone it inherits
// from Random is never used.
type commCounter struct {
	*scheduler.Random
	most int
}

func (c *commCounter) End(p *scheduler.Path) {
	c.most = max(c.most, scheduler.CountCommunicating(p.Steps))
}
