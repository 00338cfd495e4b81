package sim

import (
	"fmt"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
)

// Mutex is a mutual-exclusion lock of an execution. Lock, TryLock and
// Unlock are each one visible step. Unlocking a mutex the actor does not
// hold ends the execution with a bad-unlock finding.
type Mutex struct {
	x     *Execution
	id    int
	name  string
	owner *actor
}

// NewMutex creates a mutex named name (the name appears in traces and
// findings).
func NewMutex(x *Execution, name string) *Mutex {
	m := &Mutex{x: x, id: x.newObject("mutex", name), name: name}
	x.mutexList = append(x.mutexList, m)
	return m
}

// Name returns the mutex's name.
func (m *Mutex) Name() string { return m.name }

// Lock acquires the mutex, blocking while another actor holds it.
func (m *Mutex) Lock() {
	x := m.x
	a := x.self()
	a.mu = m
	x.visible(a, op.Lock, m.id)
	m.owner = a
	x.raceAcquire(a, m.id)
	x.emit(a, op.Lock, m.id, "")
}

// TryLock acquires the mutex if it is free and reports whether it did.
func (m *Mutex) TryLock() bool {
	x := m.x
	a := x.self()
	x.visible(a, op.TryLock, m.id)
	ok := m.owner == nil
	if ok {
		m.owner = a
		x.raceAcquire(a, m.id)
	}
	x.emit(a, op.TryLock, m.id, fmt.Sprint(ok))
	return ok
}

// Unlock releases the mutex.
func (m *Mutex) Unlock() {
	x := m.x
	a := x.self()
	x.visible(a, op.Unlock, m.id)
	m.release(a, op.Unlock, "Unlock")
	x.emit(a, op.Unlock, m.id, "")
}

func (m *Mutex) release(a *actor, kind op.Op, what string) {
	x := m.x
	if m.owner != a {
		held := "it is not locked"
		if m.owner != nil {
			held = "it is held by " + m.owner.name
		}
		x.emit(a, kind, m.id, "not held: "+held)
		x.fail(&Finding{Kind: BadUnlock, Step: x.step, Actor: a.name,
			Message: fmt.Sprintf("%s: %s of %s, but %s", a.name, what, m.name, held)})
		panic(errAbort)
	}
	m.owner = nil
	x.raceRelease(a, m.id)
	if x.cost.WakeLatency > 0 {
		// Actors that wait for this mutex were blocked on it: the hand-off
		// wakes them. One still busy before its Lock (readyAt in the
		// future) has not blocked yet and finds the mutex free.
		for _, b := range x.live {
			if b.mu == m && b.waiting == nil && b.readyAt <= x.now && (b.op == op.Lock || b.op == op.Wake) {
				b.readyAt = max(b.readyAt, x.now+x.cost.WakeLatency)
			}
		}
	}
}

// Cond is a condition variable with pthread semantics, not Go's: Wait
// atomically releases the mutex and blocks, and re-acquires the mutex when
// woken; Signal wakes one waiter (the strategy picks which) and is lost when
// nobody waits; Broadcast wakes all. Unless disabled, a waiter may also wake
// spuriously, when the strategy chooses: wait in a loop.
type Cond struct {
	x       *Execution
	id      int
	name    string
	L       *Mutex
	waiters []*actor

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
	return &Cond{x: x, id: x.newObject("cond", name), name: name, L: l}
}

// Name returns the condition variable's name.
func (c *Cond) Name() string { return c.name }

// Wait releases c.L, blocks until woken, then re-acquires c.L. It is two
// visible steps: the release-and-block, and the wakeup that re-acquires.
func (c *Cond) Wait() {
	x := c.x
	a := x.self()
	a.mu = c.L
	x.visible(a, op.Wait, c.id)
	c.L.release(a, op.Wait, "Wait on "+c.name)
	c.waiters = append(c.waiters, a)
	a.waiting = c
	x.waiting++
	x.emit(a, op.Wait, c.id, "")
	a.op, a.opObj, a.mu = op.Wake, c.id, c.L
	x.yieldTo(a, x.decide())
	if x.cost.OpCPU > 0 {
		a.readyAt = x.cpu(x.now, x.cost.OpCPU)
	}
	c.L.owner = a
	x.raceWoken(a, c.L.id)
	x.emit(a, op.Wake, c.id, "")
}

// Signal wakes one waiter, if there is one; otherwise the signal is lost.
func (c *Cond) Signal() {
	x := c.x
	a := x.self()
	x.visible(a, op.Signal, c.id)
	c.last = signalInfo{step: x.step, actor: a.name, op: op.Signal}
	if len(c.waiters) == 0 {
		x.emit(a, op.Signal, c.id, "lost: nobody waits")
		return
	}
	i := 0
	if len(c.waiters) > 1 {
		cs := x.choices[:0]
		for _, w := range c.waiters {
			cs = append(cs, scheduler.Choice{Actor: a.id, Op: op.Signal, Object: c.id, Arg: w.id})
		}
		x.choices = cs
		i = x.ask(scheduler.Wake, cs)
		if x.halted {
			panic(errAbort)
		}
	}
	w := c.waiters[i]
	c.remove(w)
	x.wakeWaiter(w)
	x.raceSignal(a, w)
	c.last.woke = 1
	x.emit(a, op.Signal, c.id, "wakes "+w.name)
}

// Broadcast wakes every waiter.
func (c *Cond) Broadcast() {
	x := c.x
	a := x.self()
	x.visible(a, op.Broadcast, c.id)
	c.last = signalInfo{step: x.step, actor: a.name, op: op.Broadcast, woke: len(c.waiters)}
	names := ""
	for _, w := range c.waiters {
		x.wakeWaiter(w)
		x.raceSignal(a, w)
		if x.capture {
			names += " " + w.name
		}
	}
	c.waiters = c.waiters[:0]
	if len(names) == 0 {
		x.emit(a, op.Broadcast, c.id, "lost: nobody waits")
	} else {
		x.emit(a, op.Broadcast, c.id, "wakes"+names)
	}
}

func (c *Cond) remove(a *actor) {
	for i, w := range c.waiters {
		if w == a {
			c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
			return
		}
	}
}
