package sim

import (
	"fmt"
	"strconv"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
)

// Mutex is a mutual-exclusion lock of an execution. Lock, TryLock and
// Unlock are each one visible step. Unlocking a mutex the actor does not
// hold ends the execution with a bad-unlock finding.
type Mutex struct {
	x     *Execution
	gen   uint64 // x.gen when it was made: the handle is stale once x moves on
	id    int
	name  Name
	owner *actor
	taken int // the step at which owner took it, for a deadlock's cause
}

// NewMutex creates a mutex named name (the name appears in traces and
// findings).
func NewMutex(x *Execution, name string) *Mutex { return NewMutexNamed(x, Name{base: name}) }

// NewMutexNamed creates a mutex whose name is formatted only when a trace
// or a finding needs it (see Indexed).
func NewMutexNamed(x *Execution, name Name) *Mutex {
	return InitMutex(x, alloc[Mutex](x.pool), name)
}

// InitMutex makes m a new mutex of x named name, in place, and returns it.
// It is for memory that a library keeps from one execution to the next
// (Reuse) and hands out every execution, such as a protocol's thread
// descriptors: it saves the allocation NewMutex makes. A handle to m kept
// from an earlier execution is then not reported as stale: it names the
// new mutex. Code that could keep handles should use NewMutex.
func InitMutex(x *Execution, m *Mutex, name Name) *Mutex {
	initCheck(x, m.x, m.gen, "InitMutex")
	// Field by field: a composite literal is built aside and copied
	// whole, with the bulk write barrier when the collector is marking.
	m.x, m.gen, m.id, m.name, m.owner, m.taken = x, x.gen, x.newObject("mutex", name), name, nil, 0
	x.mutexList = append(x.mutexList, m)
	return m
}

// initCheck refuses to re-initialise a primitive of x's execution in place
// (Init*): the primitive in use would change under its users.
func initCheck(x, was *Execution, gen uint64, fn string) {
	if was == x && gen == x.gen {
		panic(fmt.Sprintf("sim: %s of a primitive already made in this execution", fn))
	}
}

// Name returns the mutex's name.
func (m *Mutex) Name() string { return m.name.String() }

// A mutex is the blocker of the actors that Lock it.
func (m *Mutex) ready(*actor) bool    { return m.owner == nil }
func (m *Mutex) holder(*actor) *actor { return m.owner }
func (m *Mutex) describe(*actor) string {
	if m.owner == nil {
		return m.name.String() + " (free)"
	}
	s := fmt.Sprintf("%s held by %s", m.name, m.owner.name)
	if m.owner.done {
		s += ", which has finished"
	}
	return s
}

// blocks reports whether b waits for m: to Lock it, or to re-acquire it
// after a Cond wakeup.
func (m *Mutex) blocks(b *actor) bool {
	return b.req.kind == op.Lock && b.req.obj == m.id || b.req.kind == op.Wake && b.req.arg == m.id
}

// Lock acquires the mutex, blocking while another actor holds it.
func (m *Mutex) Lock() {
	x := m.exec()
	a := x.stepOp(req{kind: op.Lock, obj: m.id, wait: m})
	m.owner, m.taken = a, x.step
	x.raceAcquire(a, m.id)
	x.done(a, false, nil)
}

// TryLock acquires the mutex if it is free and reports whether it did.
func (m *Mutex) TryLock() bool {
	x := m.exec()
	a := x.stepOp(req{kind: op.TryLock, obj: m.id})
	ok := m.owner == nil
	if ok {
		m.owner, m.taken = a, x.step
		x.raceAcquire(a, m.id)
	}
	x.done(a, !ok, func() string { return strconv.FormatBool(ok) })
	return ok
}

// Unlock releases the mutex.
func (m *Mutex) Unlock() {
	x := m.exec()
	a := x.stepOp(req{kind: op.Unlock, obj: m.id})
	m.release(a, nil)
	x.done(a, false, nil)
}

// release releases the mutex held by a, which is stepping: an Unlock, or
// the Wait on c.
func (m *Mutex) release(a *actor, c *Cond) {
	x := m.x
	if m.owner != a {
		held := "it is not locked"
		if m.owner != nil {
			held = "it is held by " + m.owner.name
		}
		x.done(a, true, func() string { return "not held: " + held })
		what := "Unlock"
		if c != nil {
			what = "Wait on " + c.name.String()
		}
		x.fail(&Finding{Kind: BadUnlock, Step: x.step, Actor: a.name,
			Message: fmt.Sprintf("%s: %s of %s, but %s", a.name, what, m.name, held)})
		panic(errAbort)
	}
	m.owner = nil
	x.raceRelease(a, m.id)
	x.latency(m.blocks)
}

// Cond is a condition variable with pthread semantics, not Go's: Wait
// atomically releases the mutex and blocks, and re-acquires the mutex when
// woken; Signal wakes one waiter (the strategy picks which) and is lost when
// nobody waits; Broadcast wakes all. Unless disabled, a waiter may also wake
// spuriously, when the strategy chooses: wait in a loop.
type Cond struct {
	x       *Execution
	gen     uint64
	id      int
	name    Name
	L       *Mutex
	waiters []*actor
	wbuf    [4]*actor // the first waiters' array: no allocation for a few

	last signalInfo // the last Signal or Broadcast, for findings
}

type signalInfo struct {
	step  int
	actor string
	op    op.Op
	woke  int
}

// NewCond creates a condition variable bound to the mutex l.
func NewCond(x *Execution, name string, l *Mutex) *Cond {
	return NewCondNamed(x, Name{base: name}, l)
}

// NewCondNamed creates a condition variable whose name is formatted only
// when a trace or a finding needs it (see Indexed).
func NewCondNamed(x *Execution, name Name, l *Mutex) *Cond {
	if l != nil && l.gen != x.gen {
		l.x.stale("NewCond with mutex", l.name, l.gen)
	}
	return initCond(x, alloc[Cond](x.pool), name, l)
}

// InitCond makes c a new condition variable of x named name, bound to l,
// in place, and returns it: InitMutex for a Cond.
func InitCond(x *Execution, c *Cond, name Name, l *Mutex) *Cond {
	initCheck(x, c.x, c.gen, "InitCond")
	if l != nil && l.gen != x.gen {
		l.x.stale("InitCond with mutex", l.name, l.gen)
	}
	return initCond(x, c, name, l)
}

func initCond(x *Execution, c *Cond, name Name, l *Mutex) *Cond {
	c.x, c.gen, c.id, c.name, c.L = x, x.gen, x.newObject("cond", name), name, l // field by field: see InitMutex
	c.wbuf = [len(c.wbuf)]*actor{}
	c.waiters = c.wbuf[:0]
	c.last = signalInfo{}
	return c
}

// Name returns the condition variable's name.
func (c *Cond) Name() string { return c.name.String() }

// A cond is the blocker of its waiters' wakeup step: asleep until
// signalled (the engine checks that), then waiting for the mutex.
func (c *Cond) ready(*actor) bool { return c.L.owner == nil }
func (c *Cond) holder(a *actor) *actor {
	if a.asleep {
		return nil
	}
	return c.L.owner
}
func (c *Cond) describe(a *actor) string {
	if a.asleep {
		return fmt.Sprintf("%s (cond; %s)", c.name, c.lastSignal())
	}
	return c.L.describe(a)
}

// Wait releases c.L, blocks until woken, then re-acquires c.L. It is two
// visible steps: the release-and-block, and the wakeup that re-acquires.
func (c *Cond) Wait() {
	x := c.exec()
	a := x.stepOp(req{kind: op.Wait, obj: c.id, arg: c.L.id})
	c.L.release(a, c)
	c.waiters = append(c.waiters, a)
	x.sleep(a)
	x.done(a, false, nil)
	a = x.stepOp(req{kind: op.Wake, obj: c.id, arg: c.L.id, wait: c})
	c.L.owner, c.L.taken = a, x.step
	x.raceWoken(a, c.L.id)
	x.done(a, false, nil)
}

func lost() string { return "lost: nobody waits" }

// Signal wakes one waiter, if there is one; otherwise the signal is lost.
func (c *Cond) Signal() {
	x := c.exec()
	a := x.stepOp(req{kind: op.Signal, obj: c.id})
	c.last = signalInfo{step: x.step, actor: a.name, op: op.Signal}
	if len(c.waiters) == 0 {
		x.done(a, true, lost)
		return
	}
	i := x.choose(scheduler.Wake, a, a.req, len(c.waiters), func(i int) int { return c.waiters[i].id })
	w := c.waiters[i]
	c.remove(w)
	x.wake(w)
	x.raceSignal(a, w)
	c.last.woke = 1
	x.record(a, op.Signal, c.id, w.id, false, func() string { return "wakes " + w.name })
}

// Broadcast wakes every waiter.
func (c *Cond) Broadcast() {
	x := c.exec()
	a := x.stepOp(req{kind: op.Broadcast, obj: c.id})
	ws := c.waiters
	c.last = signalInfo{step: x.step, actor: a.name, op: op.Broadcast, woke: len(ws)}
	for _, w := range ws {
		x.wake(w)
		x.raceSignal(a, w)
	}
	c.waiters = c.waiters[:0]
	if len(ws) == 0 {
		x.done(a, true, lost)
		return
	}
	x.done(a, false, func() string {
		s := "wakes"
		for _, w := range ws {
			s += " " + w.name
		}
		return s
	})
}

func (c *Cond) remove(a *actor) {
	for i, w := range c.waiters {
		if w == a {
			c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
			return
		}
	}
}
