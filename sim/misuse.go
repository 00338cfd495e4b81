package sim

import (
	"fmt"
	"runtime/debug"
	"sync/atomic"

	"github.com/simrun/simrun/op"
)

// This file turns misuse of the library into findings or panics that say
// what went wrong, instead of an actor that silently stops, a crashed
// process or a passing test: a primitive used outside its execution, a
// visible operation inside Object.Do, bad arguments, runtime.Goexit in an
// actor, a panic in a check.

// Misuse is the finding kind of a scenario that breaks the library's rules
// (see the panics of this file): its verdict says nothing about the
// protocol under test.
const Misuse Kind = "misuse"

// execGen numbers the executions of the process, from 1. A primitive keeps
// the number of the execution that made it; a runner reuses its Execution
// for the next run, so the number is what tells a live
// handle from a stale one. It is global, not per runner, so that a handle
// of another worker's execution never matches by chance.
//
// Primitives and actor handles are allocated afresh for every execution
// (the runner recycles coroutines and buffers, never a handle), so a kept
// handle never aliases a primitive of a later execution and the check
// catches every use of it.
var execGen atomic.Uint64

// foreignUse is the panic value of a primitive used outside its execution.
// The actor body that recovers it knows the calling execution and turns it
// into a Misuse finding; anywhere else it crashes with its message.
type foreignUse struct {
	what string // "Lock of mutex m"
	gen  uint64 // the primitive's execution
	now  uint64 // the execution its runner runs now
}

func (e *foreignUse) Error() string {
	return fmt.Sprintf("sim: %s of execution #%d, used after that execution ended (its runner now runs execution #%d): a primitive is valid only in the execution that created it; create it inside the scenario",
		e.what, e.gen, e.now)
}

// stale panics for a primitive of execution gen used while x runs another.
// It is kept out of line so that the check in each primitive stays two
// loads and a compare.
//
//go:noinline
func (x *Execution) stale(kind string, name Name, gen uint64) {
	what := kind
	if s := name.String(); s != "" {
		what += " " + s
	}
	panic(&foreignUse{what: what, gen: gen, now: x.gen})
}

// own returns x after checking that a primitive made in execution gen (of
// the kind and name given, for the message) belongs to the execution
// running now.
func (x *Execution) own(gen uint64, kind string, name Name) *Execution {
	if gen != x.gen {
		x.stale(kind, name, gen)
	}
	return x
}

// The exec methods return the primitive's execution, after checking that
// the primitive belongs to the execution running now.

func (m *Mutex) exec() *Execution { return m.x.own(m.gen, "mutex", m.name) }

func (c *Cond) exec() *Execution { return c.x.own(c.gen, "cond", c.name) }

func (v *Atomic[T]) exec() *Execution { return v.x.own(v.gen, "atomic", v.name) }

func (v *Var[T]) exec() *Execution { return v.x.own(v.gen, "var", v.name) }

func (o *Object) exec() *Execution { return o.x.own(o.gen, "object", Name{base: o.name}) }

func (r *Resource) exec() *Execution { return r.x.own(r.gen, "resource", Name{base: r.name}) }

// misuseFinding returns the finding of a panic r of actor a that is a
// misuse of the library rather than a panic of the code under test, or
// nil.
func (x *Execution) misuseFinding(a *actor, r any, stack []byte) *Finding {
	var msg string
	switch {
	case r == errAbort:
		// x has not ended (body checked): the abort came from the
		// primitive of another execution, which has.
		msg = fmt.Sprintf("sim: %s of execution #%d called a primitive of another execution, which has ended: a primitive is valid only in the execution that created it",
			a.name, x.gen)
	default:
		e, ok := r.(*foreignUse)
		if !ok {
			return nil
		}
		if e.now == x.gen {
			msg = fmt.Sprintf("sim: %s of execution #%d used by %s in execution #%d: a primitive is valid only in the execution that created it; create it inside the scenario",
				e.what, e.gen, a.name, x.gen)
		} else {
			msg = fmt.Sprintf("sim: %s of execution #%d (of another worker) used by %s in execution #%d: a primitive is valid only in the execution that created it",
				e.what, e.gen, a.name, x.gen)
		}
	}
	return &Finding{Kind: Misuse, Step: x.step, Actor: a.name, Message: msg,
		Detail: fmt.Sprintf("stack of actor %s:\n%s", a.name, cleanStack(stack))}
}

// inDo panics for a visible operation inside the function of an Object.Do,
// which runs as one atomic step: no other actor may run inside it.
func (x *Execution) inDo(a *actor, o op.Op) {
	d := a.inDo
	a.inDo = nil
	panic(fmt.Sprintf("sim: %s inside Do of object %s: the function of Do is one atomic step and must not perform visible operations", o, d.name))
}

// nonNegative panics for a negative duration given to what.
func nonNegative(what string, d Duration) {
	if d < 0 {
		panic(fmt.Sprintf("sim: %s(%v): negative duration", what, d))
	}
}

// errGoexit is what an actor that called runtime.Goexit panics with, on
// its way out.
var errGoexit = &abort{"sim: an actor called runtime.Goexit"}

// goexit ends the execution with a finding for an actor that called
// runtime.Goexit (t.FailNow, t.Fatal, t.SkipNow in actor code). Goexit
// cannot be stopped once started, and iter.Pull would re-raise it on the
// worker (ending a test with "panic(nil) or runtime.Goexit"). A panic
// raised during the Goexit is what iter.Pull re-raises instead: the
// coroutine's goroutine exits, and the runner recovers errGoexit (see
// recoverGoexit); exitHome first makes the runner the goroutine that the
// exit resumes. The coroutine is dead: it is never reused.
func (a *actor) goexit(stack []byte) {
	x := a.x
	x.fail(&Finding{Kind: Misuse, Step: x.step, Actor: a.name,
		Message: fmt.Sprintf("sim: %s called runtime.Goexit (t.FailNow, t.Fatal or t.SkipNow in actor code?): an actor must return, or fail with Assert, Failf or a panic", a.name),
		Detail:  fmt.Sprintf("stack of actor %s at the Goexit:\n%s", a.name, cleanStack(stack))})
	a.co.dead = true
	x.pool.exitHome(a.co)
	panic(errGoexit)
}

// recoverGoexit, deferred by the loop that resumes actors, ends the
// unwinding that goexit started.
func recoverGoexit() {
	if r := recover(); r != nil && r != errGoexit {
		panic(r)
	}
}

// runCheck runs one check of Execution.Check or Monitor; a panic in it is the
// execution's finding, with the check's stack.
func runCheck(c check, h *History) (f *Finding) {
	defer func() {
		if r := recover(); r != nil {
			f = &Finding{Kind: Panic, Message: fmt.Sprintf("a check panicked: %v", r),
				Detail: "stack of the check at the panic:\n" + cleanStack(debug.Stack())}
		}
	}()
	if c.m != nil {
		return c.m.Check(h)
	}
	return c.fn(h)
}
