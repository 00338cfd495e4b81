package gort

import (
	"context"
	"time"

	"github.com/simrun/simrun/sim"
)

// Package context, replaced wholesale: contexts are sim.Contexts on virtual
// time, Done is a *Chan, and the errors are package context's own values,
// so errors.Is(err, context.Canceled) holds in translated code. A context
// made outside an execution (a package variable at process start) binds to
// the current execution when first used in it, as sync's types do.

// Context is context.Context of the translation.
type Context interface {
	Deadline() (deadline time.Time, ok bool)
	Done() *Chan[struct{}]
	Err() error
	Value(key any) any
}

// CancelFunc is context.CancelFunc.
type CancelFunc func()

// CancelCauseFunc is context.CancelCauseFunc.
type CancelCauseFunc func(cause error)

// The errors of a canceled context: package context's values.
var (
	Canceled         = context.Canceled
	DeadlineExceeded = context.DeadlineExceeded
)

// goErr maps sim's context errors to package context's.
func goErr(err error) error {
	switch err {
	case sim.Canceled:
		return Canceled
	case sim.DeadlineExceeded:
		return DeadlineExceeded
	}
	return err
}

type emptyCtx struct{ name string }

func (emptyCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (emptyCtx) Done() *Chan[struct{}]       { return nil }
func (emptyCtx) Err() error                  { return nil }
func (emptyCtx) Value(any) any               { return nil }
func (e emptyCtx) String() string            { return e.name }

var (
	background = emptyCtx{"context.Background"}
	todo       = emptyCtx{"context.TODO"}
)

// Background is context.Background.
func Background() Context { return background }

// TODO is context.TODO.
func TODO() Context { return todo }

// cancelCtx is a context with a cancel function, and maybe a deadline.
type cancelCtx struct {
	parent Context
	hasDl  bool
	dl     time.Time
	done   *Chan[struct{}]

	gen      uint64
	c        *sim.Context
	cancel   func(cause error)
	children []*cancelCtx
	afters   []*afterFunc
}

func newCancelCtx(parent Context, hasDl bool, dl time.Time) *cancelCtx {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	c := &cancelCtx{parent: parent, hasDl: hasDl, dl: dl}
	c.done = &Chan[struct{}]{name: "ctx.Done"}
	if cur != nil {
		c.bind()
	}
	return c
}

// bgCtx is sim's Background of the current execution.
var bgCtx struct {
	gen uint64
	c   *sim.Context
}

// simParent returns the sim context that a child of p derives from, and
// the cancelCtx of the translation among p's ancestors, if any. A parent
// of another implementation is watched by a goroutine, as package context
// does.
func simParent(p Context) (*sim.Context, *cancelCtx, bool) {
	for {
		switch q := p.(type) {
		case *cancelCtx:
			return q.bind(), q, true
		case *valueCtx:
			p = q.Context
			continue
		case emptyCtx, withoutCancelCtx:
		default:
			if bgCtx.gen != gen {
				bgCtx.c, bgCtx.gen = sim.Background(cur), gen
			}
			return bgCtx.c, nil, false
		}
		if bgCtx.gen != gen {
			bgCtx.c, bgCtx.gen = sim.Background(cur), gen
		}
		return bgCtx.c, nil, true
	}
}

// bind returns c's sim context in the current execution.
func (c *cancelCtx) bind() *sim.Context {
	if c.gen == gen && cur != nil {
		return c.c
	}
	exec("context")
	p, pc, ours := simParent(c.parent)
	var sc *sim.Context
	if c.hasDl {
		var cf sim.CancelFunc
		sc, cf = sim.WithDeadline(p, sim.Duration(c.dl.Sub(Epoch)))
		c.cancel = func(error) { cf() }
	} else {
		sc, c.cancel = sim.WithCancelCause(p)
	}
	c.gen, c.c, c.children, c.afters = gen, sc, nil, nil
	c.done.c, c.done.gen, c.done.size = sc.Done(), gen, 0
	if pc != nil {
		pc.children = append(pc.children, c)
	}
	if !ours {
		// A foreign parent: watch its Done, as package context does.
		parent := c.parent
		if pd := parent.Done(); pd != nil {
			Go("context.propagate", func() {
				if Select(false, Recving(pd), Recving(c.done)) == 0 {
					c.cancelWith(parent.Err())
				}
			})
		}
	}
	return sc
}

func (c *cancelCtx) Deadline() (time.Time, bool) {
	if cur == nil {
		if c.hasDl {
			return c.dl, true
		}
		return c.parent.Deadline()
	}
	d, ok := c.bind().Deadline()
	if !ok {
		return time.Time{}, false
	}
	return at(d), true
}

func (c *cancelCtx) Done() *Chan[struct{}] {
	if cur != nil {
		c.bind()
	}
	return c.done
}

func (c *cancelCtx) Err() error {
	if cur == nil {
		return nil
	}
	return goErr(c.bind().Err())
}

func (c *cancelCtx) Value(key any) any { return c.parent.Value(key) }

func (c *cancelCtx) String() string {
	if c.hasDl {
		return "context.WithDeadline(" + c.dl.String() + ")"
	}
	return "context.WithCancel"
}

// cancelWith cancels c (and its descendants) with cause, then starts the
// functions AfterFuncCtx registered on them.
func (c *cancelCtx) cancelWith(cause error) {
	if cur == nil {
		return
	}
	c.bind()
	c.cancel(cause)
	c.fireAfters()
}

func (c *cancelCtx) fireAfters() {
	for _, a := range c.afters {
		a.fire()
	}
	for _, ch := range c.children {
		ch.fireAfters()
	}
}

// WithCancel is context.WithCancel.
func WithCancel(parent Context) (Context, CancelFunc) {
	c := newCancelCtx(parent, false, time.Time{})
	return c, func() { c.cancelWith(nil) }
}

// WithCancelCause is context.WithCancelCause.
func WithCancelCause(parent Context) (Context, CancelCauseFunc) {
	c := newCancelCtx(parent, false, time.Time{})
	return c, func(cause error) { c.cancelWith(cause) }
}

// WithDeadline is context.WithDeadline on virtual time.
func WithDeadline(parent Context, d time.Time) (Context, CancelFunc) {
	c := newCancelCtx(parent, true, d)
	return c, func() { c.cancelWith(nil) }
}

// WithTimeout is context.WithTimeout: WithDeadline(parent, Now().Add(d)).
func WithTimeout(parent Context, d time.Duration) (Context, CancelFunc) {
	return WithDeadline(parent, Now().Add(d))
}

type valueCtx struct {
	Context
	key, val any
}

func (v *valueCtx) Value(key any) any {
	if key == v.key {
		return v.val
	}
	return v.Context.Value(key)
}

// WithValue is context.WithValue.
func WithValue(parent Context, key, val any) Context {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	if key == nil {
		panic("nil key")
	}
	return &valueCtx{parent, key, val}
}

type withoutCancelCtx struct{ parent Context }

func (withoutCancelCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (withoutCancelCtx) Done() *Chan[struct{}]       { return nil }
func (withoutCancelCtx) Err() error                  { return nil }
func (w withoutCancelCtx) Value(key any) any         { return w.parent.Value(key) }

// WithoutCancel is context.WithoutCancel.
func WithoutCancel(parent Context) Context {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	return withoutCancelCtx{parent}
}

// Cause is context.Cause: the cause given to a CancelCauseFunc, else Err.
func Cause(c Context) error {
	for {
		switch q := c.(type) {
		case *cancelCtx:
			if cur == nil {
				return nil
			}
			return goErr(q.bind().Cause())
		case *valueCtx:
			c = q.Context
			continue
		}
		return c.Err()
	}
}

// afterFunc is one registration of AfterFuncCtx.
type afterFunc struct {
	f     func()
	state int // 0 waiting, 1 started, 2 stopped
	timer *Timer
}

func (a *afterFunc) fire() {
	if a.state != 0 {
		return
	}
	a.state = 1
	Go("context.AfterFunc", a.f)
}

// AfterFuncCtx is context.AfterFunc: f runs in its own goroutine once ctx
// is done; stop reports whether it stopped f from running. A cancel
// function of the context or of an ancestor starts f in its step; a
// deadline, through a timer at the deadline (not a goroutine, so an
// unfired AfterFunc is no leak). For a context of another implementation
// a goroutine waits for its Done.
func AfterFuncCtx(ctx Context, f func()) (stop func() bool) {
	exec("context.AfterFunc")
	a := &afterFunc{f: f}
	var c *cancelCtx
	for p := ctx; c == nil; {
		switch q := p.(type) {
		case *cancelCtx:
			c = q
		case *valueCtx:
			p = q.Context
			continue
		case emptyCtx, withoutCancelCtx:
			return func() bool { return false }
		default:
			stopc := MakeChan[struct{}](0, "context.AfterFunc")
			Go("context.AfterFunc", func() {
				if Select(false, Recving(q.Done()), Recving(stopc)) == 0 {
					a.state = 1
					f()
				}
			})
			return func() bool {
				if a.state != 0 {
					return false
				}
				a.state = 2
				Close(stopc)
				return true
			}
		}
		break
	}
	if c.Err() != nil {
		a.fire()
	} else {
		c.afters = append(c.afters, a)
		if dl, ok := c.Deadline(); ok {
			// The deadline's own timer cancels c at the same instant; f
			// starts once it has, so that f sees c done.
			a.timer = AfterFunc(dl.Sub(Now()), func() {
				Recv(c.done)
				a.fire()
			})
		}
	}
	return func() bool {
		if a.state != 0 {
			return false
		}
		a.state = 2
		if a.timer != nil {
			a.timer.Stop()
		}
		return true
	}
}
