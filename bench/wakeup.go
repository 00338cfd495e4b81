package bench

import (
	"fmt"

	"github.com/simrun/simrun/sim"
)

// WaiterWork is the CPU time a woken waiter spends after its wakeup
// before it finishes (in group commit: the engine's commit(), unlog() and
// the reply to the client). A fixed estimate, the same for both wakeup
// styles, so that the CPU limit shows in the time until all finish.
const WaiterWork = 20 * sim.Microsecond

// Wakeup styles of the wakeup benchmark.
const (
	PerThreadSignal = "per-thread-signal"
	OneBroadcast    = "one-broadcast"
)

// wakeMark and doneMark are the events of the wakeup scenario.
type (
	wakeStart struct{}
	wakeRuns  struct{}
	wakeDone  struct{}
)

// WakeupScenario is the group-commit wakeup in isolation: k waiters wait
// for the leader, which fsyncs for the group (fsync) and then wakes
// them, either each with its own mutex, flag and condition
// (PerThreadSignal: lock, set, signal, unlock, as in the review's final
// algorithm) or all with one broadcast of one condition under one mutex
// (OneBroadcast: Sergei's proposal). Each woken waiter re-acquires its
// mutex, checks its flag, unlocks and works WaiterWork. The leader
// records when it starts waking, each waiter when it runs (holding the
// mutex again) and when it is done.
func WakeupScenario(style string, k int, fsync sim.Duration) sim.Scenario {
	return func(x *sim.Execution) {
		n := k
		if style == OneBroadcast {
			n = 1
		}
		ms := make([]*sim.Mutex, n)
		cs := make([]*sim.Cond, n)
		ready := make([]*sim.Var[bool], n)
		for i := range ms {
			ms[i] = sim.NewMutex(x, fmt.Sprintf("LOCK_wakeup[%d]", i))
			cs[i] = sim.NewCond(x, fmt.Sprintf("COND_wakeup[%d]", i), ms[i])
			ready[i] = sim.NewVar(x, fmt.Sprintf("ready[%d]", i), false)
		}
		for w := 0; w < k; w++ {
			i := min(w, n-1)
			x.Go(fmt.Sprintf("w%d", w+1), func() {
				ms[i].Lock()
				for !ready[i].Read() {
					cs[i].Wait()
				}
				x.Record(wakeRuns{})
				ms[i].Unlock()
				x.Work(WaiterWork)
				x.Record(wakeDone{})
			})
		}
		x.Sleep(fsync) // the group's fsync, while the waiters go to sleep
		x.Record(wakeStart{})
		for i := range ms {
			ms[i].Lock()
			ready[i].Write(true)
			if style == OneBroadcast {
				cs[i].Broadcast()
			} else {
				cs[i].Signal()
			}
			ms[i].Unlock()
		}
	}
}

// wakeupTimes runs the scenario and returns, averaged over runs random
// schedules, the time from the leader's first wakeup to the last waiter
// running and to the last waiter done.
func wakeupTimes(style string, k int, cost Costs, runs int, seed uint64) (last, all sim.Duration, err error) {
	var sumLast, sumAll sim.Duration
	var bad *sim.Finding
	_, err = sim.Explore(WakeupScenario(style, k, cost.GroupCommit.Fsync), sim.Options{Runs: runs, Seed: seed, Cost: cost.Runtime, NoSpurious: true, MaxSteps: 1 << 30,
		OnExecution: func(_ int, h *sim.History, f *sim.Finding) {
			if f != nil {
				bad = f
				return
			}
			var start, runs, done sim.Duration
			for _, e := range h.Events {
				switch e.Value.(type) {
				case wakeStart:
					start = e.Time
				case wakeRuns:
					runs = max(runs, e.Time)
				case wakeDone:
					done = max(done, e.Time)
				}
			}
			sumLast += runs - start
			sumAll += done - start
		}})
	if err == nil && bad != nil {
		err = fmt.Errorf("wakeup %s k=%d: %v", style, k, bad)
	}
	return sumLast / sim.Duration(runs), sumAll / sim.Duration(runs), err
}

// Wakeup is the wakeup benchmark: per-thread signals against one
// broadcast, for groups of 1 to 256 waiters.
func Wakeup(opts Options) (*Result, error) {
	cost := opts.cost()
	sizes := []int{1, 2, 4, 8, 16, 32, 64, 128, 256}
	if opts.Quick {
		sizes = []int{1, 4, 16, 64}
	}
	runs := opts.runs(1, 3)
	r := &Result{Bench: "wakeup", Title: "waking a group of k waiters: per-thread signals against one broadcast (virtual time from the first wakeup)"}
	plotLast := Plot{Title: "Wakeup: time until the last waiter of the group runs", XLabel: "group size (waiters)", YLabel: "virtual time after the leader's first wakeup (µs)", LogX: true, LogY: true}
	plotAll := Plot{Title: "Wakeup: time until every waiter has finished", XLabel: "group size (waiters)", YLabel: "virtual time after the leader's first wakeup (µs)", LogX: true, LogY: true}
	res := map[string]map[int][2]sim.Duration{}
	for _, style := range []string{PerThreadSignal, OneBroadcast} {
		res[style] = map[int][2]sim.Duration{}
		sl := Series{Name: style}
		sa := Series{Name: style}
		for _, k := range sizes {
			last, all, err := wakeupTimes(style, k, cost, runs, opts.seed())
			if err != nil {
				return nil, err
			}
			res[style][k] = [2]sim.Duration{last, all}
			sl.X, sl.Y = append(sl.X, float64(k)), append(sl.Y, us(last))
			sa.X, sa.Y = append(sa.X, float64(k)), append(sa.Y, us(all))
		}
		plotLast.Series = append(plotLast.Series, sl)
		plotAll.Series = append(plotAll.Series, sa)
	}
	for _, k := range sizes {
		s, b := res[PerThreadSignal][k], res[OneBroadcast][k]
		r.Points = append(r.Points, Point{Bench: "wakeup", Fields: []Field{
			{Name: "waiters", Value: k},
			{Name: "signal_last_runs", Value: us(s[0]), Unit: "µs"},
			{Name: "broadcast_last_runs", Value: us(b[0]), Unit: "µs"},
			{Name: "last_runs_ratio", Value: ratio(b[0], s[0])},
			{Name: "signal_all_done", Value: us(s[1]), Unit: "µs"},
			{Name: "broadcast_all_done", Value: us(b[1]), Unit: "µs"},
			{Name: "all_done_ratio", Value: ratio(b[1], s[1])},
		}})
	}
	big := sizes[len(sizes)-1]
	r.Notes = append(r.Notes,
		costNote(cost)+fmt.Sprintf("; each waiter works %v after its wakeup; mean of %d random schedules", WaiterWork, runs),
		fmt.Sprintf("at %d waiters one broadcast makes the last waiter run %.1fx later than per-thread signals (the review: \"5 times slower were observed\", Kristian's micro-benchmark, figure not verifiable from the stored copies)",
			big, ratio(res[OneBroadcast][big][0], res[PerThreadSignal][big][0])),
		"broadcast: the last waiter waits for every other waiter's mutex hand-off, each a wake latency plus a short critical section; per-thread signals cost the leader a few operations per waiter, and the wakeups overlap",
	)
	r.Plots = []Plot{plotLast, plotAll}
	return r, nil
}

// ratio is a/b as a float (NaN when b is zero).
func ratio[T ~int64 | ~float64 | ~int](a, b T) float64 {
	if b == 0 {
		return nanF()
	}
	return float64(a) / float64(b)
}
