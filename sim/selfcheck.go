package sim

import (
	"fmt"
	"slices"

	"github.com/simrun/simrun/scheduler"
)

// selfCheck re-runs an execution from its decisions (as FoundationDB's
// simulator does) and reports nondeterminism when the steps differ. The
// message names no run: under a Splitter the run number is known only
// later (Finding.Run has it).
func selfCheck(s Scenario, opts *Options, info scheduler.Info, p *scheduler.Path) *Finding {
	o := *opts
	o.Strategy = scheduler.NewReplay(slices.Clone(p.Decisions), info)
	o.Strategy.Begin(0)
	x := newExecution(&o, o.Strategy, plainRun)
	x.run(s)
	for i, c := range p.Steps {
		if i >= len(x.path.Steps) || x.path.Steps[i] != c {
			what := "ended"
			if i < len(x.path.Steps) {
				what = fmt.Sprintf("took %s", x.describeChoice(x.path.Steps[i]))
			}
			return &Finding{Kind: Nondeterminism, Step: i + 1,
				Message: fmt.Sprintf("the execution is not deterministic: at step %d the first run took %s, the re-run %s (the scenario escapes the simulator: real goroutines, channels, time, map order or global state)",
					i+1, x.describeChoice(c), what)}
		}
	}
	if len(x.path.Steps) != len(p.Steps) {
		return &Finding{Kind: Nondeterminism, Step: len(p.Steps) + 1,
			Message: fmt.Sprintf("the execution is not deterministic: the first run took %d steps, the re-run %d", len(p.Steps), len(x.path.Steps))}
	}
	return nil
}
