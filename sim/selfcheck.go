package sim

import (
	"fmt"
	"slices"
	"sync/atomic"
	"time"

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

// watch starts the watchdog of an exploration and returns its stop.
func watch(opts *Options, done *atomic.Int64) (stop func()) {
	quit := make(chan struct{})
	go func() {
		// Look often enough to notice a short Watchdog soon after it
		// expires, and at most once a second.
		tick := time.NewTicker(min(time.Second, max(opts.Watchdog/4, time.Millisecond)))
		defer tick.Stop()
		last, since := done.Load(), time.Now()
		for {
			select {
			case <-quit:
				return
			case now := <-tick.C:
				if n := done.Load(); n != last {
					last, since = n, now
				} else if now.Sub(since) > opts.Watchdog {
					msg := fmt.Sprintf("sim: no execution finished for %v: actor code is probably blocked outside the simulator (a channel, a sync primitive, time.Sleep, I/O), which the simulator cannot pre-empt", opts.Watchdog)
					if opts.OnHang != nil {
						opts.OnHang(msg)
					} else {
						panic(msg)
					}
					return
				}
			}
		}
	}()
	return func() { close(quit) }
}
