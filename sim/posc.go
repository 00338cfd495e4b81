package sim

import "github.com/simrun/simrun/scheduler"

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
	most := 0
	err := calibrateRandom(s, o, seed, "the communicating steps", func(p *scheduler.Path) {
		most = max(most, scheduler.CountCommunicating(p.Steps))
	})
	if err != nil {
		return 0, err
	}
	return max(most, 1), nil
}
