package sim

import (
	"fmt"

	"github.com/simrun/simrun/op"
)

// Integer is the type set of AtomicInt: the integer types of sync/atomic.
type Integer interface {
	~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64 | ~uintptr
}

// AtomicInt is an atomic integer with the methods of sync/atomic's Int64:
// Load, Store, Add, Swap, CompareAndSwap, And and Or. Every method is one
// visible sequentially consistent step; for the race detector a write
// happens before the operations that read what it wrote.
type AtomicInt[T Integer] struct {
	x    *Execution
	gen  uint64 // the execution that made it (see execGen)
	id   int
	name Name
	v    T
}

// NewAtomicInt creates an atomic integer holding init.
func NewAtomicInt[T Integer](x *Execution, name string, init T) *AtomicInt[T] {
	v := alloc[AtomicInt[T]](x.pool)
	*v = AtomicInt[T]{x: x, gen: x.gen, id: x.newObject("atomic", Name{base: name}), name: Name{base: name}, v: init}
	x.vals = append(x.vals, v)
	return v
}

func (v *AtomicInt[T]) stateString(x *Execution) string { return fmt.Sprint(v.v) }

// rmw is one read-modify-write step labelled kind; f returns the new value
// and whether it wrote.
func (v *AtomicInt[T]) rmw(kind op.Op, f func(old T) (T, bool)) (old T, wrote bool) {
	x := v.x.own(v.gen, "atomic", v.name)
	a := x.stepOp(req{kind: kind, obj: v.id})
	old = v.v
	if x.stateRec.on {
		x.observeValue(a, v) // with the actor's local state, old determines the result
	}
	x.raceAcquire(a, v.id)
	nv, wrote := f(old)
	if wrote {
		v.v = nv
		x.stateRec.wrote(v.id)
		x.raceRelease(a, v.id)
	}
	x.done(a, !wrote, func() string { return fmt.Sprintf("%v -> %v", old, v.v) })
	return old, wrote
}

// Load returns the value.
func (v *AtomicInt[T]) Load() T {
	x := v.x.own(v.gen, "atomic", v.name)
	a := x.stepOp(req{kind: op.Load, obj: v.id})
	x.raceAcquire(a, v.id)
	val := v.v
	if x.stateRec.on {
		x.observeValue(a, v)
	}
	x.done(a, false, func() string { return fmt.Sprint(val) })
	return val
}

// Store sets the value.
func (v *AtomicInt[T]) Store(val T) {
	v.rmw(op.Store, func(T) (T, bool) { return val, true })
}

// Add adds delta and returns the new value.
func (v *AtomicInt[T]) Add(delta T) T {
	old, _ := v.rmw(op.Add, func(old T) (T, bool) { return old + delta, true })
	return old + delta
}

// Swap sets the value to new and returns the old one.
func (v *AtomicInt[T]) Swap(new T) T {
	old, _ := v.rmw(op.Swap, func(T) (T, bool) { return new, true })
	return old
}

// CompareAndSwap sets the value to new if it is old and reports whether it
// did. A failed CompareAndSwap is marked failed in traces.
func (v *AtomicInt[T]) CompareAndSwap(old, new T) bool {
	_, ok := v.rmw(op.CAS, func(cur T) (T, bool) { return new, cur == old })
	return ok
}

// And sets the value to value & mask and returns the old value.
func (v *AtomicInt[T]) And(mask T) T {
	old, _ := v.rmw(op.And, func(old T) (T, bool) { return old & mask, true })
	return old
}

// Or sets the value to value | mask and returns the old value.
func (v *AtomicInt[T]) Or(mask T) T {
	old, _ := v.rmw(op.Or, func(old T) (T, bool) { return old | mask, true })
	return old
}
