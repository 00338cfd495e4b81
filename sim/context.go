package sim

import (
	"errors"
	"fmt"

	"github.com/simrun/simrun/op"
)

// The errors of a canceled context, as package context's.
var (
	Canceled         = errors.New("context canceled")
	DeadlineExceeded = errors.New("context deadline exceeded")
)

// Context is package context's Context on virtual time: Done is a channel
// closed when the context is canceled (by its cancel function, its
// parent's cancellation, or its deadline), Err says why, Cause gives the
// cause passed to a CancelCauseFunc. Canceling closes the Done channels of
// the context and all its descendants in one step, labelled op.Cancel
// (wide: it conflicts with every channel operation); Err is a read-only
// step on the Done channel. Cancellation happens before a receive that
// sees Done closed, for the race detector.
type Context struct {
	x        *Execution
	parent   *Context
	done     *Chan[struct{}]
	err      error
	cause    error
	children []*Context
	deadline Duration
	hasDl    bool
	timer    *Timer
}

// Background is context.Background: never canceled; its Done is a nil
// channel.
func Background(x *Execution) *Context {
	return &Context{x: x, done: NewNilChan[struct{}](x, "background.Done")}
}

// CancelFunc cancels its context and its descendants; calls after the
// first do nothing.
type CancelFunc func()

// WithCancel is context.WithCancel.
func WithCancel(parent *Context) (*Context, CancelFunc) {
	c := parent.child("ctx", 0, false)
	return c, func() { c.cancel(Canceled, nil) }
}

// WithCancelCause is context.WithCancelCause: cancel(cause) records cause
// for Cause.
func WithCancelCause(parent *Context) (*Context, func(cause error)) {
	c := parent.child("ctx", 0, false)
	return c, func(cause error) { c.cancel(Canceled, cause) }
}

// WithDeadline is context.WithDeadline: the context is canceled with
// DeadlineExceeded at virtual time d, unless canceled first.
func WithDeadline(parent *Context, d Duration) (*Context, CancelFunc) {
	c := parent.child("ctx", d, true)
	return c, func() { c.cancel(Canceled, nil) }
}

// WithTimeout is context.WithTimeout: WithDeadline(parent, Now()+d).
func WithTimeout(parent *Context, d Duration) (*Context, CancelFunc) {
	return WithDeadline(parent, parent.x.Now()+d)
}

// child creates a child context. Its creation reads the parent's state, so
// it is a step (op.Cancel on the new Done) unless the parent is
// Background.
func (p *Context) child(kind string, d Duration, hasDl bool) *Context {
	x := p.x
	c := &Context{x: x, parent: p}
	c.done = NewChan[struct{}](x, fmt.Sprintf("%s%d.Done", kind, len(x.objs)), 0)
	if p.parent != nil || p.err != nil {
		a := x.stepOp(req{kind: op.Cancel, obj: c.done.c.id})
		if p.err != nil {
			c.err, c.cause = p.err, p.cause
			c.done.c.close(a)
		} else {
			p.children = append(p.children, c)
		}
		x.done(a, false, func() string { return "new child" })
	}
	if pd, ok := p.Deadline(); ok && (!hasDl || pd < d) {
		d, hasDl = pd, true
	}
	if hasDl && c.err == nil {
		c.deadline, c.hasDl = d, true
		c.timer = newTimer(x, "deadline", d-x.now, 0, nil, func(a *actor) { c.cancelIn(a, DeadlineExceeded, nil) })
	}
	return c
}

// Done returns the channel closed when the context is canceled.
func (c *Context) Done() *Chan[struct{}] { return c.done }

// Deadline returns the context's deadline, if it has one.
func (c *Context) Deadline() (Duration, bool) { return c.deadline, c.hasDl }

// Err returns nil while the context is not canceled, then Canceled or
// DeadlineExceeded.
func (c *Context) Err() error {
	if c.parent == nil {
		return nil
	}
	x := c.x
	a := x.stepOp(req{kind: op.Len, obj: c.done.c.id})
	err := c.err
	if err != nil {
		c.done.c.raceJoin(a, c.done.c.closeClk)
	}
	x.done(a, false, func() string { return fmt.Sprint(err) })
	return err
}

// Cause returns the cause given to WithCancelCause's cancel, or Err.
func (c *Context) Cause() error {
	err := c.Err()
	if c.cause != nil {
		return c.cause
	}
	return err
}

func (c *Context) cancel(err, cause error) {
	x := c.x
	a := x.stepOp(req{kind: op.Cancel, obj: c.done.c.id})
	was := c.err == nil
	c.cancelIn(a, err, cause)
	x.done(a, !was, func() string {
		if !was {
			return "already canceled"
		}
		return err.Error()
	})
}

// cancelIn cancels c and its descendants within a's step.
func (c *Context) cancelIn(a *actor, err, cause error) {
	if c.err != nil {
		return
	}
	c.err, c.cause = err, cause
	c.done.c.close(a)
	if c.timer != nil {
		c.timer.disarm()
	}
	for _, ch := range c.children {
		ch.cancelIn(a, err, cause)
	}
	c.children = nil
	if p := c.parent; p != nil {
		for i, s := range p.children {
			if s == c {
				p.children = append(p.children[:i:i], p.children[i+1:]...)
				break
			}
		}
	}
}
