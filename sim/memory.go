package sim

import "github.com/simrun/simrun/op"

// Atomic is a sequentially consistent atomic value (an integer, a flag, a
// pointer: any comparable type). Every method is one visible step.
type Atomic[T comparable] struct {
	x    *Execution
	gen  uint64
	id   int
	name Name
	v    T
}

// NewAtomic creates an atomic holding init.
func NewAtomic[T comparable](x *Execution, name string, init T) *Atomic[T] {
	return NewAtomicNamed(x, Name{base: name}, init)
}

// NewAtomicNamed creates an atomic whose name is formatted only when a
// trace or a finding needs it (see Indexed).
func NewAtomicNamed[T comparable](x *Execution, name Name, init T) *Atomic[T] {
	v := alloc[Atomic[T]](x.pool)
	v.x, v.gen, v.id, v.name, v.v = x, x.gen, x.newObject("atomic", name), name, init // field by field: see InitMutex
	x.vals = append(x.vals, v)
	return v
}

// Load returns the value.
func (v *Atomic[T]) Load() T {
	x := v.exec()
	a := x.stepOp(req{kind: op.Load, obj: v.id})
	x.raceAcquire(a, v.id)
	val := v.v
	if x.stateRec.on {
		x.observeValue(a, v)
	}
	x.done(a, false, func() string { return x.format(val) })
	return val
}

// Store sets the value.
func (v *Atomic[T]) Store(val T) {
	x := v.exec()
	a := x.stepOp(req{kind: op.Store, obj: v.id})
	v.v = val
	x.stateRec.wrote(v.id)
	x.raceRelease(a, v.id)
	x.done(a, false, func() string { return x.format(val) })
}

// CompareAndSwap sets the value to new if it is old, and reports whether it
// did.
func (v *Atomic[T]) CompareAndSwap(old, new T) bool {
	x := v.exec()
	a := x.stepOp(req{kind: op.CAS, obj: v.id})
	ok := v.v == old
	x.raceAcquire(a, v.id)
	if ok {
		v.v = new
		x.stateRec.wrote(v.id)
		x.raceRelease(a, v.id)
	}
	x.done(a, !ok, func() string {
		res := " fails"
		if ok {
			res = " ok"
		}
		return x.format(old) + " -> " + x.format(new) + res
	})
	return ok
}

// Swap sets the value to new and returns the old one.
func (v *Atomic[T]) Swap(new T) T {
	x := v.exec()
	a := x.stepOp(req{kind: op.Swap, obj: v.id})
	old := v.v
	if x.stateRec.on {
		x.observeValue(a, v)
	}
	v.v = new
	x.stateRec.wrote(v.id)
	x.raceAcquireRelease(a, v.id)
	x.done(a, false, func() string { return x.format(old) + " -> " + x.format(new) })
	return old
}

// Var is plain shared memory: every Read and Write is one visible step, so
// the strategy can interleave other actors between them, but unlike an
// Atomic it promises no synchronization.
type Var[T any] struct {
	x    *Execution
	gen  uint64
	id   int
	name Name
	v    T
}

// NewVar creates a variable holding init.
func NewVar[T any](x *Execution, name string, init T) *Var[T] {
	return NewVarNamed(x, Name{base: name}, init)
}

// NewVarNamed creates a variable whose name is formatted only when a trace
// or a finding needs it (see Indexed).
func NewVarNamed[T any](x *Execution, name Name, init T) *Var[T] {
	return initVar(x, alloc[Var[T]](x.pool), name, init)
}

// InitVar makes v a new variable of x named name holding init, in place,
// and returns it: InitMutex for a Var.
func InitVar[T any](x *Execution, v *Var[T], name Name, init T) *Var[T] {
	initCheck(x, v.x, v.gen, "InitVar")
	return initVar(x, v, name, init)
}

func initVar[T any](x *Execution, v *Var[T], name Name, init T) *Var[T] {
	v.x, v.gen, v.id, v.name, v.v = x, x.gen, x.newObject("var", name), name, init // field by field: see InitMutex
	x.vals = append(x.vals, v)
	return v
}

// Read returns the value.
func (v *Var[T]) Read() T {
	x := v.exec()
	a := x.stepOp(req{kind: op.Read, obj: v.id})
	val := v.v
	if x.stateRec.on {
		x.observeValue(a, v)
	}
	x.done(a, false, func() string { return x.format(val) })
	x.raceAccess(a, v.id, v.name, false)
	return val
}

// Write sets the value.
func (v *Var[T]) Write(val T) {
	x := v.exec()
	a := x.stepOp(req{kind: op.Write, obj: v.id})
	v.v = val
	x.stateRec.wrote(v.id)
	x.done(a, false, func() string { return x.format(val) })
	x.raceAccess(a, v.id, v.name, true)
}

// Object is a shared object whose operations are atomic: a single-threaded
// server, a data structure under an implicit lock. Each Do is one visible
// step.
type Object struct {
	x    *Execution
	gen  uint64
	id   int
	name string
}

// NewObject creates a shared object.
func NewObject(x *Execution, name string) *Object {
	return initObject(x, alloc[Object](x.pool), name)
}

// InitObject makes o a new shared object of x named name, in place, and
// returns it: InitMutex for an Object.
func InitObject(x *Execution, o *Object, name string) *Object {
	initCheck(x, o.x, o.gen, "InitObject")
	return initObject(x, o, name)
}

func initObject(x *Execution, o *Object, name string) *Object {
	o.x, o.gen, o.id, o.name = x, x.gen, x.newObject("object", Name{base: name}), name // field by field: see InitMutex
	return o
}

// Do runs fn atomically as one visible step on the object. fn must not
// perform visible operations itself.
func (o *Object) Do(fn func()) {
	x := o.exec()
	a := x.stepOp(req{kind: op.Call, obj: o.id})
	x.done(a, false, nil)
	x.raceAcquireRelease(a, o.id)
	a.inDo = o // a visible operation in fn would break its atomicity: stepOp refuses it
	fn()
	a.inDo = nil
}

// Resource is a shared resource with a fixed capacity that serves requests
// for an amount of virtual time each, first come first served: a
// single-threaded server, a disk.
type Resource struct {
	x    *Execution
	gen  uint64
	id   int
	name string
	free []Duration // when each slot is next free
}

// NewResource creates a resource that serves capacity requests at once.
func NewResource(x *Execution, name string, capacity int) *Resource {
	if capacity < 1 {
		panic("sim: NewResource: capacity must be at least 1")
	}
	r := alloc[Resource](x.pool)
	*r = Resource{x: x, gen: x.gen, id: x.newObject("resource", Name{base: name}), name: name, free: make([]Duration, capacity)}
	return r
}

// Use occupies one slot of the resource for d and returns when the service
// is done (in virtual time). It is one visible step.
func (r *Resource) Use(d Duration) {
	x := r.exec()
	nonNegative("Resource.Use", d)
	a := x.stepOp(req{kind: op.Use, obj: r.id})
	best := 0
	for i, f := range r.free {
		if f < r.free[best] {
			best = i
		}
	}
	start := max(x.now, r.free[best], a.readyAt)
	r.free[best] = start + d
	a.readyAt = start + d
	x.done(a, false, d.String)
}
