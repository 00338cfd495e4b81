package sim

import (
	"fmt"
	"strings"

	"github.com/simrun/simrun/op"
)

// Go's package sync, with Go's semantics. The pthread-flavoured Mutex and
// Cond (owner-only unlock, spurious wakeups) stay for the seeds' C
// protocols; the Go ones carry a Go prefix where the names would clash
// (GoMutex, GoCond), and plain Go names where they do not (RWMutex,
// WaitGroup, Once, Semaphore, AtomicInt). A prefix keeps both in one
// package, so a scenario can mix them and the runtime's engine, findings
// and traces stay in one place; a subpackage could not reach the engine.

// Locker is what GoCond needs of its lock: *GoMutex and *RWMutex are
// Lockers.
type Locker interface {
	Lock()
	Unlock()
}

// GoMutex is sync.Mutex: Lock blocks while the mutex is locked; any
// goroutine may Unlock it (hand-off locks are legal); unlocking an unlocked
// mutex is a finding ("fatal error: sync: unlock of unlocked mutex").
// Lock, TryLock and Unlock are each one visible step; an Unlock happens
// before the next Lock for the race detector.
type GoMutex struct {
	x      *Execution
	gen    uint64 // the execution that made it (see execGen)
	id     int
	name   Name
	locked bool
	owner  *actor // the last locker, for explanations
	at     int    // the step it was locked at
}

// NewGoMutex creates an unlocked Go mutex.
func NewGoMutex(x *Execution, name string) *GoMutex {
	p := alloc[GoMutex](x.pool)
	*p = GoMutex{x: x, gen: x.gen, id: x.newObject("gomutex", Name{base: name}), name: Name{base: name}}
	return p
}

func (m *GoMutex) ready(*actor) bool { return !m.locked }
func (m *GoMutex) holder(*actor) *actor {
	if m.locked {
		return m.owner
	}
	return nil
}
func (m *GoMutex) describe(*actor) string {
	if !m.locked {
		return m.name.String() + " (unlocked)"
	}
	return fmt.Sprintf("%s, locked by %s at step %d%s and never unlocked since", m.name, m.owner.name, m.at, finished(m.owner))
}

// Locked reports whether m is locked, without a step: for a copy of m
// made by value (package gort), which starts locked if m is.
func (m *GoMutex) Locked() bool { return m.locked }

// Name is the mutex's name.
func (m *GoMutex) Name() string { return m.name.String() }

// Lock locks m, blocking while it is locked.
func (m *GoMutex) Lock() {
	x := m.x.own(m.gen, "gomutex", m.name)
	a := x.stepOp(req{kind: op.GoLock, obj: m.id, wait: m})
	m.locked, m.owner, m.at = true, a, x.step
	x.raceAcquire(a, m.id)
	x.done(a, false, nil)
}

// TryLock locks m if it is unlocked and reports whether it did.
func (m *GoMutex) TryLock() bool {
	x := m.x.own(m.gen, "gomutex", m.name)
	a := x.stepOp(req{kind: op.GoLock, obj: m.id})
	ok := !m.locked
	if ok {
		m.locked, m.owner, m.at = true, a, x.step
		x.raceAcquire(a, m.id)
	}
	x.done(a, !ok, func() string { return fmt.Sprint(ok) })
	return ok
}

// Unlock unlocks m; the caller need not be the goroutine that locked it.
func (m *GoMutex) Unlock() {
	x := m.x.own(m.gen, "gomutex", m.name)
	a := x.stepOp(req{kind: op.GoUnlock, obj: m.id})
	if !m.locked {
		x.badUnlock(a, fmt.Sprintf("fatal error: sync: unlock of unlocked mutex: %s unlocks %s", a.name, m.name))
	}
	m.locked = false
	x.raceRelease(a, m.id)
	x.done(a, false, nil)
}

func (x *Execution) badUnlock(a *actor, msg string) {
	x.done(a, true, func() string { return "not locked" })
	x.fail(&Finding{Kind: BadUnlock, Step: x.step, Actor: a.name, Message: msg})
	panic(errAbort)
}

// RWMutex is sync.RWMutex with Go's writer preference: once a Lock is
// waiting, new RLocks block until it has had its turn (so a goroutine
// that RLocks twice can deadlock with a writer, as in Go). Unlock of an
// unlocked RWMutex and RUnlock without RLock are findings.
//
// Lock is one step when no reader holds the lock, else two: it announces
// itself (blocking new readers), then waits for the readers to leave.
type RWMutex struct {
	x       *Execution
	gen     uint64 // the execution that made it (see execGen)
	id      int
	name    Name
	writer  *actor   // holds the write lock
	pending *actor   // announced a Lock, waits for readers
	readers []*actor // hold read locks
}

// NewRWMutex creates an unlocked RWMutex.
func NewRWMutex(x *Execution, name string) *RWMutex {
	p := alloc[RWMutex](x.pool)
	*p = RWMutex{x: x, gen: x.gen, id: x.newObject("rwmutex", Name{base: name}), name: Name{base: name}}
	return p
}

// rwWait is what a Lock or RLock waits for.
type rwWait struct {
	rw    *RWMutex
	drain bool // a pending Lock waiting for the readers
}

func (w rwWait) ready(*actor) bool {
	if w.drain {
		return len(w.rw.readers) == 0
	}
	return w.rw.writer == nil && w.rw.pending == nil
}
func (w rwWait) holder(*actor) *actor {
	switch {
	case w.drain && len(w.rw.readers) > 0:
		return w.rw.readers[0]
	case w.rw.writer != nil:
		return w.rw.writer
	}
	return w.rw.pending
}
func (w rwWait) describe(*actor) string {
	rw := w.rw
	var s []string
	if rw.writer != nil {
		s = append(s, "write-locked by "+rw.writer.name+finished(rw.writer))
	}
	if rw.pending != nil {
		s = append(s, "a Lock by "+rw.pending.name+" is waiting (new readers wait behind it)")
	}
	if len(rw.readers) > 0 {
		var n []string
		for _, r := range rw.readers {
			n = append(n, r.name+finished(r))
		}
		s = append(s, "read-locked by "+strings.Join(n, ", "))
	}
	return fmt.Sprintf("%s (%s)", rw.name, strings.Join(s, "; "))
}

// Lock write-locks rw.
func (rw *RWMutex) Lock() {
	x := rw.x.own(rw.gen, "rwmutex", rw.name)
	a := x.stepOp(req{kind: op.GoLock, obj: rw.id, wait: rwWait{rw: rw}})
	if len(rw.readers) > 0 {
		rw.pending = a
		x.done(a, true, func() string { return "waits for readers" })
		a = x.stepOp(req{kind: op.GoLock, obj: rw.id, wait: rwWait{rw: rw, drain: true}})
		rw.pending = nil
	}
	rw.writer = a
	x.raceAcquire(a, rw.id)
	x.done(a, false, nil)
}

// Unlock write-unlocks rw.
func (rw *RWMutex) Unlock() {
	x := rw.x.own(rw.gen, "rwmutex", rw.name)
	a := x.stepOp(req{kind: op.GoUnlock, obj: rw.id})
	if rw.writer == nil {
		x.badUnlock(a, fmt.Sprintf("fatal error: sync: Unlock of unlocked RWMutex: %s unlocks %s", a.name, rw.name))
	}
	rw.writer = nil
	x.raceRelease(a, rw.id)
	x.done(a, false, nil)
}

// RLock read-locks rw, blocking while it is write-locked or a Lock waits.
func (rw *RWMutex) RLock() {
	x := rw.x.own(rw.gen, "rwmutex", rw.name)
	a := x.stepOp(req{kind: op.RLock, obj: rw.id, wait: rwWait{rw: rw}})
	rw.readers = append(rw.readers, a)
	x.raceAcquire(a, rw.id)
	x.done(a, false, nil)
}

// RUnlock undoes one RLock (any goroutine's, as in Go).
func (rw *RWMutex) RUnlock() {
	x := rw.x.own(rw.gen, "rwmutex", rw.name)
	a := x.stepOp(req{kind: op.RUnlock, obj: rw.id})
	if len(rw.readers) == 0 {
		x.badUnlock(a, fmt.Sprintf("fatal error: sync: RUnlock of unlocked RWMutex: %s read-unlocks %s, which no goroutine has read-locked", a.name, rw.name))
	}
	i := 0
	for j, r := range rw.readers {
		if r == a {
			i = j
			break
		}
	}
	rw.readers = append(rw.readers[:i:i], rw.readers[i+1:]...)
	x.raceRelease(a, rw.id)
	x.done(a, false, nil)
}

// RLocker returns a Locker whose Lock and Unlock are RLock and RUnlock.
func (rw *RWMutex) RLocker() Locker { return rlocker{rw} }

type rlocker struct{ rw *RWMutex }

func (r rlocker) Lock()   { r.rw.RLock() }
func (r rlocker) Unlock() { r.rw.RUnlock() }

// WaitGroup is sync.WaitGroup: Add changes the counter (a negative counter
// is a finding: "panic: sync: negative WaitGroup counter"), Done is
// Add(-1), Wait blocks until the counter is zero, and Go runs a function
// in a new goroutine wrapped in Add(1) and Done (Go 1.25). Every Done
// happens before the Wait it releases returns.
type WaitGroup struct {
	x       *Execution
	gen     uint64 // the execution that made it (see execGen)
	id      int
	name    Name
	n       int
	lastAdd closeInfo
	lastDec closeInfo
	pending []*actor // started by Go and not done yet, for explanations
}

// NewWaitGroup creates a WaitGroup with counter zero.
func NewWaitGroup(x *Execution, name string) *WaitGroup {
	p := alloc[WaitGroup](x.pool)
	*p = WaitGroup{x: x, gen: x.gen, id: x.newObject("waitgroup", Name{base: name}), name: Name{base: name}}
	return p
}

func (wg *WaitGroup) ready(*actor) bool { return wg.n == 0 }
func (wg *WaitGroup) holder(*actor) *actor {
	for _, a := range wg.pending {
		if !a.done {
			return a
		}
	}
	return nil
}
func (wg *WaitGroup) describe(*actor) string {
	var blocked []string
	for _, a := range wg.pending {
		if !a.done {
			blocked = append(blocked, a.name)
		}
	}
	s := fmt.Sprintf("%s (counter %d): no goroutine left to call Done", wg.name, wg.n)
	if len(blocked) > 0 {
		s = fmt.Sprintf("%s (counter %d): its goroutines %s are blocked before their Done", wg.name, wg.n, strings.Join(blocked, ", "))
	}
	if l := wg.lastAdd; l.actor != nil {
		s += fmt.Sprintf("; the last Add was by %s at step %d", l.actor.name, l.step)
	}
	if l := wg.lastDec; l.actor != nil {
		s += fmt.Sprintf("; the last Done by %s at step %d", l.actor.name, l.step)
	} else {
		s += "; Done was never called"
	}
	return s
}

// Add adds delta to the counter.
func (wg *WaitGroup) Add(delta int) {
	x := wg.x.own(wg.gen, "waitgroup", wg.name)
	a := x.stepOp(req{kind: op.Add, obj: wg.id})
	wg.n += delta
	if delta >= 0 {
		wg.lastAdd = closeInfo{a, x.step}
	} else {
		wg.lastDec = closeInfo{a, x.step}
		x.raceRelease(a, wg.id)
	}
	if wg.n < 0 {
		x.done(a, true, func() string { return fmt.Sprint(wg.n) })
		x.fail(&Finding{Kind: NegativeWaitGroup, Step: x.step, Actor: a.name,
			Message: fmt.Sprintf("panic: sync: negative WaitGroup counter: %s's Add(%d) on %s makes it %d", a.name, delta, wg.name, wg.n)})
		panic(errAbort)
	}
	x.done(a, false, func() string { return fmt.Sprint(wg.n) })
}

// Done decrements the counter.
func (wg *WaitGroup) Done() { wg.Add(-1) }

// Counter is the counter, read without a step: for a copy of wg made by
// value (package gort), which starts from it.
func (wg *WaitGroup) Counter() int { return wg.n }

// Name is the wait group's name.
func (wg *WaitGroup) Name() string { return wg.name.String() }

// Wait blocks until the counter is zero.
func (wg *WaitGroup) Wait() {
	x := wg.x.own(wg.gen, "waitgroup", wg.name)
	a := x.stepOp(req{kind: op.WgWait, obj: wg.id, wait: wg})
	x.raceAcquire(a, wg.id)
	x.done(a, false, nil)
}

// Go calls Add(1), then runs f in a new goroutine named name that calls
// Done when f returns.
func (wg *WaitGroup) Go(name string, f func()) {
	wg.Add(1)
	h := wg.x.Go(name, func() {
		defer wg.Done()
		f()
	})
	wg.pending = append(wg.pending, h.a)
}

// Once is sync.Once: the first Do runs f; every other Do blocks until that
// f has returned, then returns without running its own. Do is one visible
// step, and the first is a second when f returns.
type Once struct {
	x       *Execution
	gen     uint64 // the execution that made it (see execGen)
	id      int
	name    Name
	runner  *actor
	done    bool
	started bool
}

// NewOnce creates a Once.
func NewOnce(x *Execution, name string) *Once {
	p := alloc[Once](x.pool)
	*p = Once{x: x, gen: x.gen, id: x.newObject("once", Name{base: name}), name: Name{base: name}}
	return p
}

func (o *Once) ready(*actor) bool    { return o.done || !o.started }
func (o *Once) holder(*actor) *actor { return o.runner }
func (o *Once) describe(*actor) string {
	return fmt.Sprintf("%s: %s's f to return", o.name, o.runner.name)
}

// Do runs f if no Do of o has run it yet.
func (o *Once) Do(f func()) {
	x := o.x.own(o.gen, "once", o.name)
	a := x.stepOp(req{kind: op.Once, obj: o.id, wait: o})
	if o.done {
		x.raceAcquire(a, o.id)
		x.done(a, false, func() string { return "done" })
		return
	}
	o.started, o.runner = true, a
	x.done(a, false, func() string { return "runs f" })
	f()
	a = x.stepOp(req{kind: op.Once, obj: o.id})
	o.done = true
	x.raceRelease(a, o.id)
	x.done(a, false, func() string { return "f returned" })
}

// GoCond is sync.Cond: no spurious wakeups; Signal wakes the goroutine
// that has waited longest, Broadcast all; a Signal with no waiter is lost.
// Wait takes its place in line, unlocks L, waits for its turn, then locks
// L again, as Go's does. The caller must hold L when it calls Wait.
type GoCond struct {
	x       *Execution
	gen     uint64 // the execution that made it (see execGen)
	id      int
	name    Name
	L       Locker
	waiters []*condTicket
	last    signalInfo
	woke    string // the waiter the last Signal woke
}

type condTicket struct {
	c        *GoCond
	a        *actor
	notified bool
}

func (t *condTicket) ready(*actor) bool    { return t.notified }
func (t *condTicket) holder(*actor) *actor { return nil }
func (t *condTicket) describe(*actor) string {
	c := t.c
	if c.last.step == 0 {
		return fmt.Sprintf("%s (Go cond): nobody ever signalled it", c.name)
	}
	s := fmt.Sprintf("%s (Go cond): the last %s was at step %d by %s", c.name, c.last.op, c.last.step, c.last.actor)
	switch {
	case c.last.woke == 0:
		s += ", when nobody waited (lost)"
	case c.woke != "":
		s += ", and woke " + c.woke
	}
	return s
}

// NewGoCond creates a Go condition variable with lock l.
func NewGoCond(x *Execution, name string, l Locker) *GoCond {
	p := alloc[GoCond](x.pool)
	*p = GoCond{x: x, gen: x.gen, id: x.newObject("gocond", Name{base: name}), name: Name{base: name}, L: l}
	return p
}

// Wait unlocks L, waits for a Signal or Broadcast, and locks L again.
func (c *GoCond) Wait() {
	x := c.x.own(c.gen, "gocond", c.name)
	a := x.stepOp(req{kind: op.GoWait, obj: c.id})
	t := &condTicket{c: c, a: a}
	c.waiters = append(c.waiters, t)
	x.done(a, false, nil)
	c.L.Unlock()
	a = x.stepOp(req{kind: op.GoWait, obj: c.id, wait: t})
	x.raceWake(a)
	x.done(a, false, func() string { return "woken" })
	c.L.Lock()
}

// Signal wakes the longest waiting goroutine, if any.
func (c *GoCond) Signal() {
	x := c.x.own(c.gen, "gocond", c.name)
	a := x.stepOp(req{kind: op.Signal, obj: c.id})
	c.last = signalInfo{step: x.step, actor: a.name, op: op.Signal}
	if len(c.waiters) == 0 {
		x.done(a, true, lost)
		return
	}
	t := c.waiters[0]
	c.waiters = c.waiters[1:]
	t.notified = true
	x.raceSignal(a, t.a)
	c.last.woke, c.woke = 1, t.a.name
	x.done(a, false, func() string { return "wakes " + t.a.name })
}

// Broadcast wakes every waiting goroutine.
func (c *GoCond) Broadcast() {
	x := c.x.own(c.gen, "gocond", c.name)
	a := x.stepOp(req{kind: op.Broadcast, obj: c.id})
	ws := c.waiters
	c.waiters = nil
	c.last = signalInfo{step: x.step, actor: a.name, op: op.Broadcast, woke: len(ws)}
	c.woke = ""
	if len(ws) == 0 {
		x.done(a, true, lost)
		return
	}
	for _, t := range ws {
		t.notified = true
		x.raceSignal(a, t.a)
	}
	x.done(a, false, func() string {
		s := "wakes"
		for _, t := range ws {
			s += " " + t.a.name
		}
		return s
	})
}

// Semaphore is a counting semaphore (golang.org/x/sync/semaphore's
// Weighted, without contexts): Acquire(n) blocks until n units are free,
// Release(n) returns them; releasing more than is held is a finding.
// A Release happens before the Acquire it enables.
type Semaphore struct {
	x    *Execution
	gen  uint64 // the execution that made it (see execGen)
	id   int
	name Name
	size int
	cur  int
}

// NewSemaphore creates a semaphore of size units, all free.
func NewSemaphore(x *Execution, name string, size int) *Semaphore {
	p := alloc[Semaphore](x.pool)
	*p = Semaphore{x: x, gen: x.gen, id: x.newObject("semaphore", Name{base: name}), name: Name{base: name}, size: size}
	return p
}

type semWait struct {
	s *Semaphore
	n int
}

func (w semWait) ready(*actor) bool    { return w.s.size-w.s.cur >= w.n }
func (w semWait) holder(*actor) *actor { return nil }
func (w semWait) describe(*actor) string {
	return fmt.Sprintf("%s: %d of %d units free, %d wanted", w.s.name, w.s.size-w.s.cur, w.s.size, w.n)
}

// Acquire takes n units, blocking until they are free.
func (s *Semaphore) Acquire(n int) {
	x := s.x.own(s.gen, "semaphore", s.name)
	a := x.stepOp(req{kind: op.GoLock, obj: s.id, wait: semWait{s, n}})
	s.cur += n
	x.raceAcquire(a, s.id)
	x.done(a, false, nil)
}

// TryAcquire takes n units if they are free and reports whether it did.
func (s *Semaphore) TryAcquire(n int) bool {
	x := s.x.own(s.gen, "semaphore", s.name)
	a := x.stepOp(req{kind: op.GoLock, obj: s.id})
	ok := s.size-s.cur >= n
	if ok {
		s.cur += n
		x.raceAcquire(a, s.id)
	}
	x.done(a, !ok, func() string { return fmt.Sprint(ok) })
	return ok
}

// Release returns n units.
func (s *Semaphore) Release(n int) {
	x := s.x.own(s.gen, "semaphore", s.name)
	a := x.stepOp(req{kind: op.GoUnlock, obj: s.id})
	if n > s.cur {
		x.badUnlock(a, fmt.Sprintf("panic: semaphore: released more than held: %s releases %d units of %s, %d are held", a.name, n, s.name, s.cur))
	}
	s.cur -= n
	x.raceRelease(a, s.id)
	x.done(a, false, nil)
}

// TryLock write-locks rw if no goroutine holds it or waits to write-lock
// it, and reports whether it did; it never blocks.
func (rw *RWMutex) TryLock() bool {
	x := rw.x.own(rw.gen, "rwmutex", rw.name)
	a := x.stepOp(req{kind: op.GoLock, obj: rw.id})
	ok := rw.writer == nil && rw.pending == nil && len(rw.readers) == 0
	if ok {
		rw.writer = a
		x.raceAcquire(a, rw.id)
	}
	x.done(a, !ok, func() string { return fmt.Sprint(ok) })
	return ok
}

// TryRLock read-locks rw if RLock would not block, and reports whether it
// did.
func (rw *RWMutex) TryRLock() bool {
	x := rw.x.own(rw.gen, "rwmutex", rw.name)
	a := x.stepOp(req{kind: op.RLock, obj: rw.id})
	ok := rw.writer == nil && rw.pending == nil
	if ok {
		rw.readers = append(rw.readers, a)
		x.raceAcquire(a, rw.id)
	}
	x.done(a, !ok, func() string { return fmt.Sprint(ok) })
	return ok
}
