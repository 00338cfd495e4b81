package sim

import (
	"fmt"
	"strings"

	"github.com/simrun/simrun/op"
)

// This file ends the lifetime of shared objects. C code frees what it
// shares: a thread destroys the mutex and condition it waited on
// (pthread_mutex_destroy, pthread_cond_destroy) and returns from the frame
// that held them, while another thread may still be about to unlock or
// signal them. Free models the end of such an object's life; any later
// operation on it ends the execution with a use-after-free finding that
// names both steps.

// UseAfterFree is the finding kind of an operation on an object after Free
// ended its lifetime, of a second Free, or of a Free of a mutex that is
// held or a condition variable that has waiters (which POSIX leaves
// undefined, for the same reason: another thread still uses it).
const UseAfterFree Kind = "use-after-free"

// Freeable is a shared object whose lifetime Free can end: a *Mutex, *Cond,
// *Var, *Atomic or *Object.
type Freeable interface {
	objectID() (x *Execution, gen uint64, id int)
}

func (m *Mutex) objectID() (*Execution, uint64, int)     { return m.x, m.gen, m.id }
func (c *Cond) objectID() (*Execution, uint64, int)      { return c.x, c.gen, c.id }
func (v *Var[T]) objectID() (*Execution, uint64, int)    { return v.x, v.gen, v.id }
func (v *Atomic[T]) objectID() (*Execution, uint64, int) { return v.x, v.gen, v.id }
func (o *Object) objectID() (*Execution, uint64, int)    { return o.x, o.gen, o.id }

// lifetimes are the objects freed so far in the execution. Frees are few,
// so a slice searched from the end is all it takes; while it is empty the
// door (stepOp) pays one length test.
type lifetimes struct {
	freed   []freedObject
	freeing bool // the step being taken is a Free, for the message
}

// freedObject is one Free: of which object, at which step, by whom.
type freedObject struct {
	obj, step int
	actor     string
}

// Free ends the lifetime of obj, as the actor's free or destroy of it: one
// visible step, which traces show as a write of the object with the value
// "free" (a free conflicts with every other operation on the object).
// From then on any operation on obj, by any actor, is a use-after-free
// finding; so is a second Free. Freeing a mutex that an actor holds, or a
// condition variable that actors wait on, is a use-after-free finding at
// once.
func (x *Execution) Free(obj Freeable) {
	_, gen, id := obj.objectID()
	x.own(gen, "object", Name{base: "given to Free"}) // before id indexes this execution's objects
	if x.stateRec.on {
		x.refuseStates("object lifetimes (Execution.Free)")
	}
	x.freeing = true
	a := x.stepOp(req{kind: op.Write, obj: id})
	x.freeing = false
	switch p := obj.(type) {
	case *Mutex:
		if p.owner != nil {
			x.done(a, false, func() string { return "free" })
			x.lifetimeFail(a, fmt.Sprintf("%s destroys mutex %s while %s holds it (locked at step %d)", a.name, p.name, p.owner.name, p.taken),
				[]int{p.taken, x.step})
		}
	case *Cond:
		if len(p.waiters) > 0 {
			var ws []string
			for _, w := range p.waiters {
				ws = append(ws, w.name)
			}
			x.done(a, false, func() string { return "free" })
			x.lifetimeFail(a, fmt.Sprintf("%s destroys condition %s while %s wait on it", a.name, p.name, strings.Join(ws, ", ")), []int{x.step})
		}
	}
	x.freed = append(x.freed, freedObject{obj: id, step: x.step, actor: a.name})
	x.done(a, false, func() string { return "free" })
}

// checkLive is stepOp's lifetime check of the operation o that actor a is
// about to take: it fails the execution if o touches a freed object (its
// object, or for Wait and its wakeup the mutex as well).
func (x *Execution) checkLive(a *actor, o req) {
	for i := len(x.freed) - 1; i >= 0; i-- {
		f := x.freed[i]
		if f.obj != o.obj && !((o.kind == op.Wait || o.kind == op.Wake) && f.obj == o.arg) {
			continue
		}
		info := x.objs[f.obj]
		what := o.kind.String()
		if x.freeing {
			what = "free"
		}
		x.record(a, o.kind, o.obj, o.arg, false, func() string { return "use after free" })
		x.lifetimeFail(a, fmt.Sprintf("%s: %s of %s %s, which %s freed at step %d", a.name, what, info.kind, info.name, f.actor, f.step),
			[]int{f.step, x.step})
	}
}

// lifetimeFail ends the execution with a use-after-free finding of actor a
// caused by the given steps.
func (x *Execution) lifetimeFail(a *actor, msg string, cause []int) {
	x.freeing = false
	x.fail(&Finding{Kind: UseAfterFree, Step: x.step, Actor: a.name, Message: msg, Cause: cause})
	panic(errAbort)
}
