package sim

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/simrun/simrun/op"
)

// Timers on virtual time, with package time's semantics (Go 1.23 and
// later: Stop and Reset leave no stale value in the channel).
//
// A timer's firing is a step of its own (a daemon actor, never waited for
// at the end and never a leak) that the strategy orders against every other
// step, as Go's runtime may fire a timer at any point once its time has
// come: a timeout can win a race against a reply however fast the reply
// is. Among themselves timers fire in deadline order, and no timer fires
// before an actor's virtual-time wait (Execution.Sleep, Work, a cost) that
// ends earlier; firing advances virtual time to the deadline. Creating,
// stopping or resetting a timer is a step labelled op.Timer; all timer
// steps conflict with each other (the next to fire depends on all of
// them) and a firing conflicts with every channel operation.
//
// Fairness: a Ticker fires again only after some goroutine has stepped
// since its last tick, so an unstopped ticker neither starves the
// goroutines nor hides a deadlock: when every goroutine is blocked, the
// ticker stops too and the execution is reported stuck. A Ticker also
// stops when main has returned (the program is over): a goroutine left
// looping on its ticks is then a leak, as goleak reports it, not a
// livelock.

// Timer is time.Timer: after its duration, it sends the virtual time on C
// (buffered, capacity 1), or runs its function in a new goroutine
// (AfterFunc).
type Timer struct {
	C *Chan[Duration]

	x        *Execution
	gen      uint64 // the execution that made it (see execGen)
	id       int
	name     Name
	deadline Duration
	period   Duration // a Ticker's
	active   bool
	fn       func()         // AfterFunc's, run in a new goroutine
	onFire   func(a *actor) // a context's cancel, run in the firing step
	daemon   *actor
	firedAt  int // the length of the path when a ticker last fired

	ch   *chanCore          // C's, or the channel of NewTimerOf
	conv func(Duration) any // NewTimerOf's: the value sent at a firing
}

// NewTimer is time.NewTimer: a timer that fires once after d.
func NewTimer(x *Execution, d Duration) *Timer {
	return newTimer(x, "timer", d, 0, nil, nil)
}

// NewTicker is time.NewTicker: it sends on C every period d, dropping a
// tick when the last one is still unread.
func NewTicker(x *Execution, d Duration) *Timer {
	if d <= 0 {
		panic("sim: NewTicker: non-positive interval")
	}
	return newTimer(x, "ticker", d, d, nil, nil)
}

// AfterFunc is time.AfterFunc: after d it runs f in a new goroutine. The
// timer's C is nil.
func AfterFunc(x *Execution, d Duration, f func()) *Timer {
	return newTimer(x, "afterfunc", d, 0, f, nil)
}

// After is time.After: NewTimer(x, d).C.
func After(x *Execution, d Duration) *Chan[Duration] { return NewTimer(x, d).C }

// GoSleep is time.Sleep on virtual time: it waits on a timer, so other
// timers and steps are ordered against it as against any timer (unlike
// Execution.Sleep, which waits until no actor can step). For fair
// scheduling it is a yield: the sleeper steps again only after the
// goroutines that could run have (see fair).
func GoSleep(x *Execution, d Duration) {
	if d <= 0 {
		x.Yield()
		return
	}
	a := x.self()
	if x.opts.TimerHorizon == 0 {
		// Under a horizon time is fair (see Timer.ready): the sleeper's
		// timer cannot fire again and again while others wait.
		if a.sleptAt == 0 {
			x.sleptN++
		}
		a.sleptAt = len(x.path.Steps) + 1
		x.enOK = false // fair may defer a now (see enabledSet)
	}
	NewTimer(x, d).C.Recv()
}

// Since returns the virtual time elapsed since t.
func Since(x *Execution, t Duration) Duration { return x.Now() - t }

// NewTimerOf is NewTimer (period 0) or NewTicker (period d) whose channel
// carries conv(the firing's virtual time) instead of the time itself: the
// timers of translated Go code (package gort) send a time.Time. The
// Timer's C is nil; the channel returned is the one it sends on.
func NewTimerOf[T any](x *Execution, d, period Duration, conv func(Duration) T) (*Timer, *Chan[T]) {
	kind := "timer"
	if period > 0 {
		kind = "ticker"
	}
	var c *Chan[T]
	t := newTimerWith(x, kind, d, period, nil, nil, func(t *Timer) {
		c = NewChan[T](x, t.name.String()+".C", 1)
		t.ch, t.conv = &c.c, func(at Duration) any { return conv(at) }
	})
	return t, c
}

func newTimer(x *Execution, kind string, d, period Duration, fn func(), onFire func(*actor)) *Timer {
	return newTimerWith(x, kind, d, period, fn, onFire, nil)
}

// newTimerWith is newTimer; mkChan, if set, makes the timer's channel in
// place of C.
func newTimerWith(x *Execution, kind string, d, period Duration, fn func(), onFire func(*actor), mkChan func(*Timer)) *Timer {
	name := Name{base: fmt.Sprintf("%s%d", kind, len(x.objs))}
	t := &Timer{x: x, gen: x.gen, id: x.newObject(kind, name), name: name, period: period, fn: fn, onFire: onFire}
	switch {
	case mkChan != nil:
		mkChan(t)
	case fn == nil && onFire == nil:
		t.C = NewChan[Duration](x, t.name.String()+".C", 1)
		t.ch = &t.C.c
	}
	a := x.stepOp(req{kind: op.Timer, obj: t.id})
	t.arm(x.now + max(d, 0))
	t.daemon = x.spawn(t.name.String(), t.run)
	t.daemon.daemon = true
	t.daemon.req = req{kind: op.Fire, obj: t.id, wait: t}
	x.daemons++
	x.done(a, false, func() string { return "fires at " + t.deadline.String() })
	return t
}

// run is the timer's daemon: it fires whenever the timer is due. Its first
// step is its first firing, not a Start: a pending Start would look
// independent of everything to DPOR, which would then never try firing
// the timer before the goroutines end.
func (t *Timer) run() {
	x := t.x.own(t.gen, "timer", t.name)
	a := t.daemon
	for {
		t.fire(a)
		a = x.stepOp(req{kind: op.Fire, obj: t.id, wait: t})
	}
}

// fire is one firing, by the daemon a, which is stepping.
func (t *Timer) fire(a *actor) {
	x := t.x.own(t.gen, "timer", t.name)
	x.now = max(x.now, t.deadline)
	x.enOK = false // virtual time moves on
	at := t.deadline
	t.firedAt = len(x.path.Steps)
	x.timerFired = t.firedAt
	if t.period > 0 {
		t.arm(t.deadline + t.period)
	} else {
		t.disarm()
	}
	switch {
	case t.onFire != nil:
		t.onFire(a)
		x.done(a, false, nil)
	case t.fn != nil:
		x.done(a, false, nil)
		b := x.spawn(t.name.String()+".f", t.fn)
		x.record(a, op.Go, b.obj, 0, false, func() string { return b.name })
	default:
		var v any = at
		if t.conv != nil {
			v = t.conv(at)
		}
		if !t.ch.trySend(a, v) {
			x.done(a, true, func() string { return "tick dropped" })
		}
	}
}

// A timer is its daemon's blocker: it is due when it is active, no active
// timer has an earlier deadline, and no actor's virtual-time wait ends
// before it; beyond Options.TimerHorizon, also only when no goroutine can
// make progress.
func (t *Timer) ready(*actor) bool {
	if !t.active {
		return false
	}
	x := t.x.own(t.gen, "timer", t.name)
	// The cheap test first: with a test's time.After in a loop thousands
	// of timers are armed, and every one is asked at every decision.
	if t.deadline > x.timers.due() {
		return false
	}
	// Beyond the horizon, or (fair time) before every goroutine that
	// could step has since the last firing of any timer, a timer waits
	// while a goroutine can progress: otherwise a loop that re-arms a short
	// timer could keep a runnable goroutine from ever running, which no
	// real scheduler does for long.
	m := x.timers.shared(x)
	if h := x.opts.TimerHorizon; h > 0 && (t.deadline-x.now > h || m.unfair) && m.progressing {
		return false
	}
	if t.period > 0 && (t.firedAt > 0 && !x.progressSince(t.firedAt) || x.actors[0].done) {
		return false
	}
	// No actor's virtual-time wait ends before it.
	return m.wake >= t.deadline
}

// timerState is what Timer.ready asks of the rest of the execution, the
// same for every timer: computed once per scan of the candidates in
// decide (many timers may share the earliest deadline), or at each call
// outside one.
type timerState struct {
	scan        uint64
	unfair      bool     // a timer fired and not every goroutine that can step has since
	progressing bool     // see progressing
	wake        Duration // the earliest end of a goroutine's virtual-time wait, if after now
}

// shared returns the timer state of the current scan.
func (s *timerSet) shared(x *Execution) *timerState {
	m := &s.memo
	if x.scanning && m.scan == x.scan {
		return m
	}
	m.scan = x.scan
	m.progressing = x.opts.TimerHorizon > 0 && x.progressing()
	m.unfair = x.opts.TimerHorizon > 0 && x.timerFired > 0 && !x.progressSince(x.timerFired)
	m.wake = math.MaxInt64
	for _, a := range x.live {
		if !a.daemon && a.readyAt > x.now {
			m.wake = min(m.wake, a.readyAt)
		}
	}
	return m
}

// timerSet is an execution's armed timers and the earliest deadline among
// them, kept until one is armed, disarmed or moved. The daemons of the
// disarmed timers are out of Execution.live (dormant) until re-armed: a
// test that calls time.After in a loop leaves thousands of timers behind,
// and every decision would ask each of them whether it is due.
type timerSet struct {
	armed   []*Timer
	next    Duration
	known   bool // next is up to date
	dormant int  // daemons of disarmed timers, out of live
	memo    timerState
}

// due returns the earliest deadline of an armed timer (none armed: the
// largest Duration).
func (s *timerSet) due() Duration {
	if !s.known {
		s.next, s.known = math.MaxInt64, true
		for _, o := range s.armed {
			s.next = min(s.next, o.deadline)
		}
	}
	return s.next
}

// arm makes t due at deadline.
func (t *Timer) arm(deadline Duration) {
	t.deadline = deadline
	x := t.x
	s := &x.timers
	s.known = false
	if t.active {
		return
	}
	t.active = true
	s.armed = append(s.armed, t)
	if a := t.daemon; a != nil { // nil: a new timer, whose daemon is spawned next
		// Back into live at its place (live is in the order of ids).
		i, _ := slices.BinarySearchFunc(x.live, a.id, func(b *actor, id int) int { return cmp.Compare(b.id, id) })
		x.live = slices.Insert(x.live, i, a)
		x.daemons++
		x.enOK = false // a new candidate (see enabledSet)
		s.dormant--
	}
}

// disarm stops t from firing.
func (t *Timer) disarm() {
	if !t.active {
		return
	}
	t.active = false
	x := t.x
	s := &x.timers
	s.known = false
	if i := slices.Index(s.armed, t); i >= 0 {
		s.armed = slices.Delete(s.armed, i, i+1)
	}
	if i := slices.Index(x.live, t.daemon); i >= 0 {
		x.live = slices.Delete(x.live, i, i+1)
		x.daemons--
		x.enOK = false
		s.dormant++
	}
}

// unfinished returns the actors that have not finished, in the order of
// their ids: live and the dormant timers' daemons, whose pending firing
// still matters to DPOR and to a finding's explanation.
func (x *Execution) unfinished() []*actor {
	if x.timers.dormant == 0 {
		return x.live
	}
	var all []*actor
	for _, a := range x.actors {
		if !a.done {
			all = append(all, a)
		}
	}
	return all
}

// progressing reports whether a goroutine (not a timer) can step and is
// not spinning idle: while one can, time stands still beyond Options.TimerHorizon.
func (x *Execution) progressing() bool {
	for _, a := range x.live {
		if a.daemon || x.idleRun >= fairSpin && a.id == x.idleActor {
			continue
		}
		if x.enabled(a) {
			return true
		}
	}
	return false
}

// progressSince reports whether, since the path had n steps, a goroutine
// (not a timer) has stepped, and every goroutine that can step now has. A
// ticker fires again only then: a schedule in which tickers keep firing
// while a runnable goroutine waits is unfair (it would starve a goroutine
// whose sleep ended before the next tick), and one in which only tickers
// run would hide every real deadlock behind a livelock.
func (x *Execution) progressSince(n int) bool {
	p := x.progress.since(x, n)
	if !p.nonDaemon {
		return false
	}
	for _, a := range x.live {
		if !a.daemon && a.readyAt <= x.now && x.enabled(a) && (a.id >= len(p.stepped) || !p.stepped[a.id]) {
			return false
		}
	}
	return true
}

// progressScan is what progressSince knows of the path's steps from
// from on: which actors stepped, and whether a goroutine did. It is
// brought up to date from where it stopped, so that a timer waiting
// thousands of steps for a starved goroutine is not a rescan of the whole
// suffix at every decision (quadratic in the execution's length).
type progressScan struct {
	gen       uint64 // the execution it describes
	from      int
	upto      int    // steps scanned: path.Steps[from:upto]
	stepped   []bool // by actor id
	nonDaemon bool
}

// since returns the scan of the steps from n on, for the current path.
func (p *progressScan) since(x *Execution, n int) *progressScan {
	if p.gen != x.gen || p.from != n || p.upto > len(x.path.Steps) {
		p.gen, p.from, p.upto, p.nonDaemon = x.gen, n, n, false
		clear(p.stepped)
	}
	for _, c := range x.path.Steps[p.upto:] {
		p.stepped = grow(p.stepped, c.Actor)
		p.stepped[c.Actor] = true
		if !x.actors[c.Actor].daemon {
			p.nonDaemon = true
		}
	}
	p.upto = len(x.path.Steps)
	return p
}

func (t *Timer) holder(*actor) *actor { return nil }
func (t *Timer) describe(*actor) string {
	if !t.active {
		return t.name.String() + " (stopped)"
	}
	return fmt.Sprintf("%s (fires at %v)", t.name, t.deadline)
}

// Stop stops the timer and reports whether it was active; no value it sent
// before stays in C.
func (t *Timer) Stop() bool {
	x := t.x.own(t.gen, "timer", t.name)
	a := x.stepOp(req{kind: op.Timer, obj: t.id})
	was := t.active
	t.disarm()
	t.drain()
	x.done(a, !was, func() string { return fmt.Sprint("stop: was active ", was) })
	return was
}

// Reset makes the timer fire after d (a Ticker: every d) and reports
// whether it was active.
func (t *Timer) Reset(d Duration) bool {
	x := t.x.own(t.gen, "timer", t.name)
	a := x.stepOp(req{kind: op.Timer, obj: t.id})
	was := t.active
	t.arm(x.now + max(d, 0))
	if t.period > 0 {
		t.period = d
	}
	t.drain()
	x.done(a, false, func() string { return "fires at " + t.deadline.String() })
	return was
}

func (t *Timer) drain() {
	if t.ch != nil {
		t.ch.buf = t.ch.buf[:0]
	}
}
