package gort

import (
	"time"

	"github.com/simrun/simrun/sim"
)

// Package time on virtual time: durations stay time.Duration, and the
// clock starts at Epoch in every execution and moves only when the
// simulator advances it (a timer firing, a sleep ending).

// Epoch is the virtual time at the start of every execution, and Now
// outside one: 2000-01-01 00:00:00 UTC.
var Epoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

func dur(d time.Duration) sim.Duration { return sim.Duration(d) }

// at is the time.Time of a virtual instant.
func at(d sim.Duration) time.Time { return Epoch.Add(time.Duration(d)) }

// Sleep is time.Sleep: a wait on a timer (d <= 0: a yield); nothing
// outside an execution.
func Sleep(d time.Duration) {
	if cur != nil {
		sim.GoSleep(cur, dur(d))
	}
}

// Now is time.Now: Epoch plus the execution's virtual time.
func Now() time.Time {
	if cur == nil {
		return Epoch
	}
	return at(cur.Now())
}

// Since is time.Since on virtual time.
func Since(t time.Time) time.Duration { return Now().Sub(t) }

// Until is time.Until on virtual time.
func Until(t time.Time) time.Duration { return t.Sub(Now()) }

// Timer is time.Timer: after its duration it sends the virtual time on C
// (capacity 1), or runs its function in a new goroutine (AfterFunc: C is
// nil). Stop and Reset leave no stale value in C (Go 1.23 semantics).
type Timer struct {
	C *Chan[time.Time]
	t *sim.Timer
}

// NewTimer is time.NewTimer. Outside an execution (a package variable's
// initialiser at process start) the timer never fires: every execution
// makes its own when it re-runs the initialiser.
func NewTimer(d time.Duration) *Timer {
	if cur == nil {
		return &Timer{C: MakeChan[time.Time](1, "time.NewTimer")}
	}
	t, c := sim.NewTimerOf(cur, dur(d), 0, at)
	return &Timer{C: wrapChan(c), t: t}
}

// After is time.After.
func After(d time.Duration) *Chan[time.Time] { return NewTimer(d).C }

// AfterFunc is time.AfterFunc: after d, f runs in a new goroutine.
func AfterFunc(d time.Duration, f func()) *Timer {
	x := cur
	if x == nil {
		return &Timer{} // as NewTimer outside an execution
	}
	g := &goroutine{name: "AfterFunc@" + callerSite(1)}
	return &Timer{t: sim.AfterFunc(x, dur(d), func() {
		goroutines = append(goroutines, g)
		defer func() { g.done = true }()
		runGoroutine(cur.ActorName(), f)
	})}
}

// Stop stops the timer; it reports whether the timer was active.
func (t *Timer) Stop() bool { return t.t != nil && t.t.Stop() }

// Reset makes the timer fire after d; it reports whether it was active.
func (t *Timer) Reset(d time.Duration) bool { return t.t != nil && t.t.Reset(dur(d)) }

// Ticker is time.Ticker: it sends the virtual time on C every period,
// dropping ticks a slow receiver misses.
type Ticker struct {
	C *Chan[time.Time]
	t *sim.Timer
}

// NewTicker is time.NewTicker; d must be positive.
func NewTicker(d time.Duration) *Ticker {
	if d <= 0 {
		panic("non-positive interval for NewTicker")
	}
	if cur == nil { // as NewTimer outside an execution
		return &Ticker{C: MakeChan[time.Time](1, "time.NewTicker")}
	}
	t, c := sim.NewTimerOf(cur, dur(d), dur(d), at)
	return &Ticker{C: wrapChan(c), t: t}
}

// Tick is time.Tick (nil for d <= 0).
func Tick(d time.Duration) *Chan[time.Time] {
	if d <= 0 {
		return nil
	}
	return NewTicker(d).C
}

// Stop turns the ticker off.
func (t *Ticker) Stop() {
	if t.t != nil {
		t.t.Stop()
	}
}

// Reset stops the ticker and restarts it with period d.
func (t *Ticker) Reset(d time.Duration) {
	if d <= 0 {
		panic("non-positive interval for Ticker.Reset")
	}
	if t.t != nil {
		t.t.Reset(dur(d))
	}
}
