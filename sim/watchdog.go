package sim

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Hung is the finding kind of an exploration that stopped making progress:
// an actor loops without a visible operation or blocks for real (a
// sync.Mutex, a channel, time.Sleep, I/O), which the simulator cannot
// pre-empt. See Options.Watchdog.
const Hung Kind = "hung"

// DefaultWatchdog is a Watchdog for tests (sim.Check): far longer than any
// execution of a test scenario takes, far shorter than go test's timeout.
const DefaultWatchdog = 30 * time.Second

// watched explores with the watchdog on: the workers run on goroutines of
// their own, and if no execution finishes for opts.Watchdog the
// exploration is abandoned and returns what it has, with a Hung finding.
// The hung actor's coroutine cannot be stopped: it stays where it is (a
// loop keeps using a CPU) for the life of the process.
func (se *search) watched() *Report {
	done := make(chan struct{})
	hung := make(chan *Finding, 1)
	go func() {
		se.run(se.opts.Workers)
		close(done)
	}()
	stop := watch(se.opts, &se.finished, func() { hung <- se.hungFinding() })
	select {
	case <-done:
		stop()
		return se.report()
	case f := <-hung:
		select {
		case <-done: // it finished after all
			return se.report()
		default:
		}
		if se.opts.OnHang != nil {
			se.opts.OnHang(f.Message)
		}
		return se.abandon(f)
	}
}

// watch calls hung, once, from a goroutine of its own, when no execution
// has finished for opts.Watchdog; it returns the watch's stop.
func watch(opts *Options, done *atomic.Int64, hung func()) (stop func()) {
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
					hung()
					return
				}
			}
		}
	}()
	return func() { close(quit) }
}

// hungFinding describes the actors that the workers are running now (the
// hung ones: no execution has finished for a while) and the stacks of
// their goroutines, which say where they are. A goroutine in actor code
// that is not parked in a coroutine switch is one the runner cannot get
// back; its id names its coroutine (runner.byGoid), whose bound actor is
// the hung one. The runner's own goroutine hanging (in a check, say) is
// in no actor's code and names none. The actor's last visible operation
// is not read: the hung actor may have written it after its coroutine
// published the actor, with nothing ordering that write before this read.
func (se *search) hungFinding() *Finding {
	se.mu.Lock()
	rs := slices.Clone(se.runners)
	se.mu.Unlock()
	var names, stacks []string
	for _, g := range actorGoroutines() {
		stacks = append(stacks, g.stack)
		for _, r := range rs {
			r.coroMu.Lock()
			c := r.byGoid[g.id] // no goroutine has id 0
			r.coroMu.Unlock()
			if c == nil {
				continue
			}
			if a := c.bound.Load(); a != nil {
				names = append(names, a.name) // set before the body started
			}
			break
		}
	}
	who := "an actor"
	if len(names) > 0 {
		who = "actor " + strings.Join(names, ", ")
	}
	f := &Finding{Kind: Hung,
		Message: fmt.Sprintf("sim: %s made no progress for %v: it loops without a visible operation or blocks outside the simulator (a sync.Mutex, a channel, time.Sleep, I/O), which the simulator cannot pre-empt; the exploration abandoned it",
			who, se.opts.Watchdog),
		Detail: strings.Join(stacks, "\n")}
	if len(names) > 0 {
		f.Actor = names[0]
	}
	return f
}

// goroutineStack is a goroutine that runs actor code, from a stack dump.
type goroutineStack struct {
	id    uint64 // the goroutine's id
	stack string // for the finding's detail
}

// actorGoroutines returns the goroutines that run actor code now: not
// parked in a step (a parked coroutine waits in "coroutine").
func actorGoroutines() []goroutineStack {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []goroutineStack
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		head, _, _ := strings.Cut(g, "\n")
		if !strings.Contains(g, "sim.(*actor).body") || strings.Contains(head, "[coroutine") {
			continue
		}
		id, _ := parseGoid(head)
		out = append(out, goroutineStack{id: id,
			stack: fmt.Sprintf("stack of the actor's goroutine (%s):\n%s", strings.TrimSuffix(head, ":"), frames(g, false))})
	}
	return out
}

// goid returns the id of the calling goroutine, which the runtime gives
// only in a stack dump's first line, or 0 if the line cannot be read (the
// watchdog then names no actor). It takes a microsecond or two: a
// coroutine calls it once, when it is made. Goroutine ids start at 1 and
// are never reused.
func goid() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	id, _ := parseGoid(string(buf[:n]))
	return id
}

// parseGoid returns the id in a stack dump's goroutine header,
// "goroutine 12 [running]:" (or, with GOTRACEBACK=system,
// "goroutine 12 gp=... [running]:").
func parseGoid(head string) (uint64, bool) {
	rest, ok := strings.CutPrefix(head, "goroutine ")
	if !ok {
		return 0, false
	}
	num, _, _ := strings.Cut(rest, " ")
	id, err := strconv.ParseUint(num, 10, 64)
	return id, err == nil && id > 0
}

// abandon ends an exploration whose workers may never return: the report
// is what was numbered so far, with the Hung finding f; the workers that
// come back find the exploration stopped and change nothing the caller
// sees.
func (se *search) abandon(f *Finding) *Report {
	se.mu.Lock()
	snap := &search{s: se.s, opts: se.opts, start: se.start, split: se.split, stop: true,
		rep: se.rep, first: se.first, hashes: maps.Clone(se.hashes), cov: se.cov, halted: se.halted}
	se.rep, se.first = &Report{Counts: map[Kind]int{}}, map[Kind]*firstFinding{}
	se.limit, se.stop = 0, true
	se.cond.Broadcast()
	se.mu.Unlock()
	rep := snap.report()
	f.Run = rep.Runs
	rep.Findings = append(rep.Findings, f)
	rep.Counts[Hung]++
	return rep
}
