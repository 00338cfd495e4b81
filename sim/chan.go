package sim

import (
	"fmt"
	"iter"

	"github.com/simrun/simrun/op"
)

// The finding kinds of Go's channel and sync misuse, in the words of Go's
// runtime ("panic: send on closed channel", "fatal error: all goroutines
// are asleep - deadlock!").
const (
	Leak              Kind = "leak"               // a goroutine blocked forever after main returned (as goleak reports it)
	SendOnClosed      Kind = "send-on-closed"     // panic: send on closed channel
	CloseOfClosed     Kind = "close-of-closed"    // panic: close of closed channel
	CloseOfNil        Kind = "close-of-nil"       // panic: close of nil channel
	NegativeWaitGroup Kind = "negative-waitgroup" // panic: sync: negative WaitGroup counter
)

// Chan is a channel with Go's semantics: a nil channel (NewNilChan) blocks
// every Send and Recv forever and panics on Close; an unbuffered channel
// (capacity 0) hands each value from a sender to a receiver, both waiting
// for the other; a buffered channel queues up to its capacity. Receives
// from a closed channel return the buffered values, then the zero value
// with ok false; a send on a closed channel, a close of a closed or nil
// channel are findings. Blocked senders and receivers are served first in,
// first out, as Go's runtime does.
//
// Each Send, Recv and Close is one visible step; one that has to wait is a
// second step when it completes (the partner has already done the work).
// For the race detector, a send happens before the receive that takes its
// value, a close before a receive that sees it closed, and (capacity rule)
// a receive before the sends that follow it; an unbuffered receive happens
// before its send completes — the Go memory model's rules.
type Chan[T any] struct {
	c chanCore
}

// chanCore is the untyped state of a channel; select works on it.
type chanCore struct {
	x      *Execution
	gen    uint64 // the execution that made it (see execGen)
	id     int
	name   Name
	isNil  bool
	cap    int
	buf    []chanItem
	closed bool
	closer closeInfo
	recvq  []*chanWaiter
	sendq  []*chanWaiter

	lastSend, lastRecv closeInfo // who last sent or received, for explanations
	recvClock          vclock    // the capacity rule: receives before later sends
	closeClk           vclock    // the closer's clock at Close
}

type chanItem struct {
	v   any
	clk vclock // the sender's clock (race detector only)
}

type closeInfo struct {
	actor *actor
	step  int
}

// chanWaiter is an actor parked on a channel: a plain Send or Recv, or one
// case of a blocked select.
type chanWaiter struct {
	a      *actor
	c      *chanCore
	send   bool
	sel    *selectWait // nil for a plain Send or Recv
	idx    int         // the case index in sel
	val    any         // send: the value; recv: the value received
	ok     bool        // recv: a value was received (not a close)
	closed bool        // woken by Close
	done   bool        // served: the partner completed the operation
}

// NewChan creates a channel of capacity size (0: unbuffered).
func NewChan[T any](x *Execution, name string, size int) *Chan[T] {
	if size < 0 {
		panic("sim: NewChan: negative capacity")
	}
	ch := alloc[Chan[T]](x.pool)
	ch.c = chanCore{x: x, gen: x.gen, id: x.newObject("chan", Name{base: name}), name: Name{base: name}, cap: size}
	x.vals = append(x.vals, &ch.c)
	return ch
}

// NewNilChan returns a nil channel: Send and Recv block forever, Close is a
// finding. It is the value of a channel variable never made.
func NewNilChan[T any](x *Execution, name string) *Chan[T] {
	ch := NewChan[T](x, name, 0)
	ch.c.isNil = true
	return ch
}

// Name returns the channel's name.
func (ch *Chan[T]) Name() string { return ch.c.name.String() }

// Cap returns the capacity; it is not a visible step (it never changes).
func (ch *Chan[T]) Cap() int { return ch.c.cap }

// Len returns the number of values buffered; it is a read-only step.
func (ch *Chan[T]) Len() int {
	c := &ch.c
	x := c.x.own(c.gen, "chan", c.name)
	a := x.stepOp(req{kind: op.Len, obj: c.id})
	n := len(c.buf)
	x.done(a, false, func() string { return fmt.Sprint(n) })
	return n
}

// Send sends v, blocking until a receiver takes it (unbuffered) or there is
// room in the buffer.
func (ch *Chan[T]) Send(v T) {
	c := &ch.c
	x := c.x.own(c.gen, "chan", c.name)
	if c.isNil {
		x.stepOp(req{kind: op.Send, obj: c.id, wait: nilWait{c, true}})
		panic("sim: a nil channel's send was scheduled")
	}
	a := x.stepOp(req{kind: op.Send, obj: c.id})
	if c.trySend(a, v) {
		return
	}
	w := &chanWaiter{a: a, c: c, send: true, val: v}
	c.sendq = append(c.sendq, w)
	c.park(a, w, op.Send)
	if w.closed {
		c.sendOnClosed(a)
	}
	x.done(a, false, nil)
}

// trySend completes a send by a now if it can: it fails the execution on
// a closed channel, hands v to a waiting receiver, or buffers it.
func (c *chanCore) trySend(a *actor, v any) bool {
	x := c.x
	if c.closed {
		c.sendOnClosed(a)
	}
	c.lastSend = closeInfo{a, x.step}
	if w := c.pop(&c.recvq); w != nil {
		w.val, w.ok = v, true
		x.raceSignal(a, w.a) // the send happens before the receive completes
		x.done(a, false, func() string { return x.format(v) + " to " + w.a.name })
		return true
	}
	if len(c.buf) < c.cap {
		c.raceAcquireRecvs(a)
		c.buf = append(c.buf, chanItem{v: v, clk: c.raceSnapshot(a)})
		x.done(a, false, func() string { return x.format(v) })
		return true
	}
	return false
}

// Recv receives a value, blocking until one is sent; on a closed, drained
// channel it returns the zero value.
func (ch *Chan[T]) Recv() T {
	v, _ := ch.RecvOK()
	return v
}

// RecvOK is v, ok := <-ch: ok is false when the channel is closed and
// drained.
func (ch *Chan[T]) RecvOK() (T, bool) {
	c := &ch.c
	x := c.x.own(c.gen, "chan", c.name)
	if c.isNil {
		x.stepOp(req{kind: op.Recv, obj: c.id, wait: nilWait{c, false}})
		panic("sim: a nil channel's receive was scheduled")
	}
	a := x.stepOp(req{kind: op.Recv, obj: c.id})
	if v, ok, got := c.tryRecv(a); got {
		return typed[T](v), ok
	}
	w := &chanWaiter{a: a, c: c}
	c.recvq = append(c.recvq, w)
	c.park(a, w, op.Recv)
	x.done(a, false, func() string { return c.recvValue(w.val, w.ok) })
	return typed[T](w.val), w.ok
}

// Range receives values until the channel is closed and drained, as
// for v := range ch.
func (ch *Chan[T]) Range() iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, ok := ch.RecvOK()
			if !ok || !yield(v) {
				return
			}
		}
	}
}

// stateString is the channel's part of the terminal state: its buffered
// values and whether it is closed.
func (c *chanCore) stateString(x *Execution) string {
	s := "["
	for i, it := range c.buf {
		if i > 0 {
			s += " "
		}
		s += x.format(it.v)
	}
	if c.closed {
		return s + "] closed"
	}
	return s + "]"
}

func typed[T any](v any) T {
	if v == nil {
		var zero T
		return zero
	}
	return v.(T)
}

func (c *chanCore) recvValue(v any, ok bool) string {
	if !ok {
		return "closed"
	}
	return c.x.format(v)
}

// tryRecv completes a receive by a now if it can: from the buffer (taking
// a waiting sender's value into it), from a waiting sender, or from a
// closed channel. got is false when a must wait.
func (c *chanCore) tryRecv(a *actor) (v any, ok, got bool) {
	x := c.x
	if len(c.buf) > 0 {
		it := c.buf[0]
		c.buf = append(c.buf[:0], c.buf[1:]...)
		c.raceJoin(a, it.clk)
		if w := c.pop(&c.sendq); w != nil {
			c.buf = append(c.buf, chanItem{v: w.val, clk: c.raceSnapshot(w.a)})
			x.raceSignal(a, w.a)
		}
		c.raceReleaseRecv(a)
		c.lastRecv = closeInfo{a, x.step}
		x.done(a, false, func() string { return x.format(it.v) })
		return it.v, true, true
	}
	if w := c.pop(&c.sendq); w != nil {
		c.raceJoin(a, c.raceSnapshot(w.a)) // the send happens before this receive
		x.raceSignal(a, w.a)               // and (unbuffered) this receive before the send completes
		c.raceReleaseRecv(a)
		c.lastRecv = closeInfo{a, x.step}
		x.done(a, false, func() string { return x.format(w.val) + " from " + w.a.name })
		return w.val, true, true
	}
	if c.closed {
		c.raceJoin(a, c.closeClk)
		c.lastRecv = closeInfo{a, x.step}
		x.done(a, false, func() string { return "closed" })
		return nil, false, true
	}
	return nil, false, false
}

// park puts a (which is stepping) to sleep on w until a partner serves it,
// then takes the completing step, labelled kind.
func (c *chanCore) park(a *actor, w *chanWaiter, kind op.Op) {
	x := c.x
	x.sleep(a)
	x.done(a, true, func() string { return "blocks" })
	obj := c.id
	if w.sel != nil {
		obj = noObject
	}
	x.stepOp(req{kind: kind, obj: obj, wait: w})
	x.raceWake(a)
}

// pop takes the first waiter of q, waking it (and withdrawing the other
// cases of its select).
func (c *chanCore) pop(q *[]*chanWaiter) *chanWaiter {
	if len(*q) == 0 {
		return nil
	}
	w := (*q)[0]
	*q = (*q)[1:]
	w.serve()
	return w
}

// serve marks w served and wakes its actor; a select's other cases are
// withdrawn from their channels.
func (w *chanWaiter) serve() {
	w.done = true
	if s := w.sel; s != nil {
		s.fired = w.idx
		for _, o := range s.ws {
			if o != w && o != nil {
				o.c.remove(o)
			}
		}
	}
	w.c.x.wake(w.a)
}

func (c *chanCore) remove(w *chanWaiter) {
	q := &c.recvq
	if w.send {
		q = &c.sendq
	}
	for i, o := range *q {
		if o == w {
			*q = append((*q)[:i:i], (*q)[i+1:]...)
			return
		}
	}
}

// Close closes the channel: waiting receivers get the zero value, waiting
// senders panic (a finding), as do later sends.
func (ch *Chan[T]) Close() {
	c := &ch.c
	x := c.x.own(c.gen, "chan", c.name)
	a := x.stepOp(req{kind: op.Close, obj: c.id})
	if c.isNil {
		x.done(a, true, func() string { return "nil channel" })
		x.fail(&Finding{Kind: CloseOfNil, Step: x.step, Actor: a.name,
			Message: fmt.Sprintf("panic: close of nil channel: %s closes %s, which was never made", a.name, c.name)})
		panic(errAbort)
	}
	if c.closed {
		x.done(a, true, func() string { return "already closed" })
		x.fail(&Finding{Kind: CloseOfClosed, Step: x.step, Actor: a.name,
			Message: fmt.Sprintf("panic: close of closed channel: %s closes %s, which %s closed at step %d",
				a.name, c.name, c.closer.actor.name, c.closer.step)})
		panic(errAbort)
	}
	woke := c.close(a)
	x.done(a, false, func() string {
		if len(woke) == 0 {
			return ""
		}
		return fmt.Sprint("wakes ", woke)
	})
}

// close closes c for a, which is stepping (a Close, a cancel, a timer),
// and wakes every waiter; it returns their names.
func (c *chanCore) close(a *actor) []string {
	x := c.x
	c.closed = true
	c.closer = closeInfo{a, x.step}
	c.raceClose(a)
	var woke []string
	for _, q := range []*[]*chanWaiter{&c.recvq, &c.sendq} {
		for len(*q) > 0 {
			w := c.pop(q)
			w.closed = true
			w.val, w.ok = nil, false
			x.raceSignal(a, w.a)
			woke = append(woke, w.a.name)
		}
	}
	return woke
}

func (c *chanCore) sendOnClosed(a *actor) {
	x := c.x
	x.done(a, true, func() string { return "closed" })
	x.fail(&Finding{Kind: SendOnClosed, Step: x.step, Actor: a.name,
		Message: fmt.Sprintf("panic: send on closed channel: %s sends on %s, which %s closed at step %d",
			a.name, c.name, c.closer.actor.name, c.closer.step)})
	panic(errAbort)
}

// A waiter is the blocker of its actor's completing step: the engine keeps
// the actor asleep until a partner serves it, so ready is always true.
func (w *chanWaiter) ready(*actor) bool    { return true }
func (w *chanWaiter) holder(*actor) *actor { return nil }
func (w *chanWaiter) describe(*actor) string {
	if w.sel != nil {
		return w.sel.describe()
	}
	return w.c.describeWait(w.send)
}

// describeWait explains a blocked send or receive with the other side.
func (c *chanCore) describeWait(send bool) string {
	kind := "unbuffered"
	if c.cap > 0 {
		kind = fmt.Sprintf("buffered, %d/%d full", len(c.buf), c.cap)
	}
	if send {
		s := fmt.Sprintf("sending on %s (%s): no goroutine can receive from it", c.name, kind)
		if l := c.lastRecv; l.actor != nil {
			s += fmt.Sprintf("; the last receiver, %s, received at step %d%s", l.actor.name, l.step, finished(l.actor))
		} else {
			s += "; nobody ever received from it"
		}
		return s
	}
	s := fmt.Sprintf("receiving from %s (%s): no goroutine can send on it or close it", c.name, kind)
	if l := c.lastSend; l.actor != nil {
		s += fmt.Sprintf("; the last sender, %s, sent at step %d%s", l.actor.name, l.step, finished(l.actor))
	} else {
		s += "; nobody ever sent on it"
	}
	return s
}

func finished(a *actor) string {
	if a.done || a.exited {
		return " and has returned"
	}
	return ""
}

// nilWait blocks a send or receive on a nil channel forever.
type nilWait struct {
	c    *chanCore
	send bool
}

func (n nilWait) ready(*actor) bool    { return false }
func (n nilWait) holder(*actor) *actor { return nil }
func (n nilWait) describe(*actor) string {
	if n.c == nil {
		return "a select with no case that can ever proceed: blocks forever"
	}
	if n.send {
		return fmt.Sprintf("sending on %s, a nil channel: blocks forever", n.c.name)
	}
	return fmt.Sprintf("receiving from %s, a nil channel: blocks forever", n.c.name)
}
