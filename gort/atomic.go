package gort

import (
	"fmt"
	"unsafe"

	"github.com/simrun/simrun/op"
)

// Package sync/atomic: every function and type, each operation one
// visible step on its location (the address it acts on) with
// acquire/release edges for the race detector: an atomic operation
// acquires what the location's earlier writes released, and a write
// releases, so a correct atomic flag orders the plain accesses around it.
// Loads and failed CompareAndSwaps are idle steps for fair scheduling, so
// a spin loop on an atomic is not a livelock. The value stays in the
// user's memory; outside an execution the operations act on it directly.

type atomicInt interface {
	~int32 | ~int64 | ~uint32 | ~uint64 | ~uintptr
}

// atomicStep runs f as one atomic step of kind on the memory at p (skip:
// frames from the caller of atomicStep to the user's code, for the name).
func atomicStep(p unsafe.Pointer, kind op.Op, f func() bool, value func() string) {
	if cur == nil {
		f()
		return
	}
	cur.AtomicStep(location(p, "atomic", "", 3), kind, f, value)
}

func atomicLoad[T any](p *T) T {
	var v T
	atomicStep(unsafe.Pointer(p), op.Load, func() bool { v = *p; return false }, func() string { return fmt.Sprint(v) })
	return v
}

func atomicStore[T any](p *T, v T) {
	atomicStep(unsafe.Pointer(p), op.Store, func() bool { *p = v; return true }, func() string { return fmt.Sprint(v) })
}

func atomicSwap[T any](p *T, v T) T {
	var old T
	atomicStep(unsafe.Pointer(p), op.Swap, func() bool { old, *p = *p, v; return true }, func() string { return fmt.Sprint(old, " -> ", v) })
	return old
}

func atomicCAS[T comparable](p *T, old, new T) bool {
	ok := false
	atomicStep(unsafe.Pointer(p), op.CAS, func() bool {
		if ok = *p == old; ok {
			*p = new
		}
		return ok
	}, func() string { return fmt.Sprint(old, " -> ", new, " ", ok) })
	return ok
}

func atomicAdd[T atomicInt](p *T, d T) T {
	var n T
	atomicStep(unsafe.Pointer(p), op.Add, func() bool { *p += d; n = *p; return true }, func() string { return fmt.Sprint(n) })
	return n
}

func atomicAnd[T atomicInt](p *T, m T) T {
	var old T
	atomicStep(unsafe.Pointer(p), op.And, func() bool { old = *p; *p &= m; return true }, func() string { return fmt.Sprint(old & m) })
	return old
}

func atomicOr[T atomicInt](p *T, m T) T {
	var old T
	atomicStep(unsafe.Pointer(p), op.Or, func() bool { old = *p; *p |= m; return true }, func() string { return fmt.Sprint(old | m) })
	return old
}

// AddInt32 is atomic.AddInt32.
func AddInt32(addr *int32, delta int32) (new int32) { return atomicAdd(addr, delta) }

// AndInt32 is atomic.AndInt32.
func AndInt32(addr *int32, mask int32) (old int32) { return atomicAnd(addr, mask) }

// OrInt32 is atomic.OrInt32.
func OrInt32(addr *int32, mask int32) (old int32) { return atomicOr(addr, mask) }

// AddInt64 is atomic.AddInt64.
func AddInt64(addr *int64, delta int64) (new int64) { return atomicAdd(addr, delta) }

// AndInt64 is atomic.AndInt64.
func AndInt64(addr *int64, mask int64) (old int64) { return atomicAnd(addr, mask) }

// OrInt64 is atomic.OrInt64.
func OrInt64(addr *int64, mask int64) (old int64) { return atomicOr(addr, mask) }

// AddUint32 is atomic.AddUint32.
func AddUint32(addr *uint32, delta uint32) (new uint32) { return atomicAdd(addr, delta) }

// AndUint32 is atomic.AndUint32.
func AndUint32(addr *uint32, mask uint32) (old uint32) { return atomicAnd(addr, mask) }

// OrUint32 is atomic.OrUint32.
func OrUint32(addr *uint32, mask uint32) (old uint32) { return atomicOr(addr, mask) }

// AddUint64 is atomic.AddUint64.
func AddUint64(addr *uint64, delta uint64) (new uint64) { return atomicAdd(addr, delta) }

// AndUint64 is atomic.AndUint64.
func AndUint64(addr *uint64, mask uint64) (old uint64) { return atomicAnd(addr, mask) }

// OrUint64 is atomic.OrUint64.
func OrUint64(addr *uint64, mask uint64) (old uint64) { return atomicOr(addr, mask) }

// AddUintptr is atomic.AddUintptr.
func AddUintptr(addr *uintptr, delta uintptr) (new uintptr) { return atomicAdd(addr, delta) }

// AndUintptr is atomic.AndUintptr.
func AndUintptr(addr *uintptr, mask uintptr) (old uintptr) { return atomicAnd(addr, mask) }

// OrUintptr is atomic.OrUintptr.
func OrUintptr(addr *uintptr, mask uintptr) (old uintptr) { return atomicOr(addr, mask) }

// LoadInt32 is atomic.LoadInt32.
func LoadInt32(addr *int32) (val int32) { return atomicLoad(addr) }

// StoreInt32 is atomic.StoreInt32.
func StoreInt32(addr *int32, val int32) { atomicStore(addr, val) }

// SwapInt32 is atomic.SwapInt32.
func SwapInt32(addr *int32, new int32) (old int32) { return atomicSwap(addr, new) }

// CompareAndSwapInt32 is atomic.CompareAndSwapInt32.
func CompareAndSwapInt32(addr *int32, old, new int32) (swapped bool) {
	return atomicCAS(addr, old, new)
}

// LoadInt64 is atomic.LoadInt64.
func LoadInt64(addr *int64) (val int64) { return atomicLoad(addr) }

// StoreInt64 is atomic.StoreInt64.
func StoreInt64(addr *int64, val int64) { atomicStore(addr, val) }

// SwapInt64 is atomic.SwapInt64.
func SwapInt64(addr *int64, new int64) (old int64) { return atomicSwap(addr, new) }

// CompareAndSwapInt64 is atomic.CompareAndSwapInt64.
func CompareAndSwapInt64(addr *int64, old, new int64) (swapped bool) {
	return atomicCAS(addr, old, new)
}

// LoadUint32 is atomic.LoadUint32.
func LoadUint32(addr *uint32) (val uint32) { return atomicLoad(addr) }

// StoreUint32 is atomic.StoreUint32.
func StoreUint32(addr *uint32, val uint32) { atomicStore(addr, val) }

// SwapUint32 is atomic.SwapUint32.
func SwapUint32(addr *uint32, new uint32) (old uint32) { return atomicSwap(addr, new) }

// CompareAndSwapUint32 is atomic.CompareAndSwapUint32.
func CompareAndSwapUint32(addr *uint32, old, new uint32) (swapped bool) {
	return atomicCAS(addr, old, new)
}

// LoadUint64 is atomic.LoadUint64.
func LoadUint64(addr *uint64) (val uint64) { return atomicLoad(addr) }

// StoreUint64 is atomic.StoreUint64.
func StoreUint64(addr *uint64, val uint64) { atomicStore(addr, val) }

// SwapUint64 is atomic.SwapUint64.
func SwapUint64(addr *uint64, new uint64) (old uint64) { return atomicSwap(addr, new) }

// CompareAndSwapUint64 is atomic.CompareAndSwapUint64.
func CompareAndSwapUint64(addr *uint64, old, new uint64) (swapped bool) {
	return atomicCAS(addr, old, new)
}

// LoadUintptr is atomic.LoadUintptr.
func LoadUintptr(addr *uintptr) (val uintptr) { return atomicLoad(addr) }

// StoreUintptr is atomic.StoreUintptr.
func StoreUintptr(addr *uintptr, val uintptr) { atomicStore(addr, val) }

// SwapUintptr is atomic.SwapUintptr.
func SwapUintptr(addr *uintptr, new uintptr) (old uintptr) { return atomicSwap(addr, new) }

// CompareAndSwapUintptr is atomic.CompareAndSwapUintptr.
func CompareAndSwapUintptr(addr *uintptr, old, new uintptr) (swapped bool) {
	return atomicCAS(addr, old, new)
}

// LoadPointer is atomic.LoadPointer.
func LoadPointer(addr *unsafe.Pointer) (val unsafe.Pointer) { return atomicLoad(addr) }

// StorePointer is atomic.StorePointer.
func StorePointer(addr *unsafe.Pointer, val unsafe.Pointer) { atomicStore(addr, val) }

// SwapPointer is atomic.SwapPointer.
func SwapPointer(addr *unsafe.Pointer, new unsafe.Pointer) (old unsafe.Pointer) {
	return atomicSwap(addr, new)
}

// CompareAndSwapPointer is atomic.CompareAndSwapPointer.
func CompareAndSwapPointer(addr *unsafe.Pointer, old, new unsafe.Pointer) (swapped bool) {
	return atomicCAS(addr, old, new)
}

// Int is sync/atomic's integer types: Int32, Int64, Uint32, Uint64 and
// Uintptr are its instances.
type Int[T atomicInt] struct {
	_ noCopy
	v T
}

// The integer types of sync/atomic.
type (
	Int32   = Int[int32]
	Int64   = Int[int64]
	Uint32  = Int[uint32]
	Uint64  = Int[uint64]
	Uintptr = Int[uintptr]
)

// Load atomically loads the value.
func (x *Int[T]) Load() T { return atomicLoad(&x.v) }

// Store atomically stores val.
func (x *Int[T]) Store(val T) { atomicStore(&x.v, val) }

// Swap atomically stores new and returns the old value.
func (x *Int[T]) Swap(new T) (old T) { return atomicSwap(&x.v, new) }

// CompareAndSwap executes the compare-and-swap operation.
func (x *Int[T]) CompareAndSwap(old, new T) (swapped bool) { return atomicCAS(&x.v, old, new) }

// Add atomically adds delta and returns the new value.
func (x *Int[T]) Add(delta T) (new T) { return atomicAdd(&x.v, delta) }

// And atomically ands mask in and returns the old value.
func (x *Int[T]) And(mask T) (old T) { return atomicAnd(&x.v, mask) }

// Or atomically ors mask in and returns the old value.
func (x *Int[T]) Or(mask T) (old T) { return atomicOr(&x.v, mask) }

// noCopy marks the atomic types as not to be copied (go vet's copylocks).
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// Bool is atomic.Bool.
type Bool struct {
	_ noCopy
	v uint32
}

func b32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// Load atomically loads the value.
func (x *Bool) Load() bool { return atomicLoad(&x.v) != 0 }

// Store atomically stores val.
func (x *Bool) Store(val bool) { atomicStore(&x.v, b32(val)) }

// Swap atomically stores new and returns the old value.
func (x *Bool) Swap(new bool) (old bool) { return atomicSwap(&x.v, b32(new)) != 0 }

// CompareAndSwap executes the compare-and-swap operation.
func (x *Bool) CompareAndSwap(old, new bool) (swapped bool) {
	return atomicCAS(&x.v, b32(old), b32(new))
}

// Pointer is atomic.Pointer[T].
type Pointer[T any] struct {
	_ [0]*T
	_ noCopy
	v unsafe.Pointer
}

// Load atomically loads the pointer.
func (x *Pointer[T]) Load() *T { return (*T)(atomicLoad(&x.v)) }

// Store atomically stores val.
func (x *Pointer[T]) Store(val *T) { atomicStore(&x.v, unsafe.Pointer(val)) }

// Swap atomically stores new and returns the old pointer.
func (x *Pointer[T]) Swap(new *T) (old *T) { return (*T)(atomicSwap(&x.v, unsafe.Pointer(new))) }

// CompareAndSwap executes the compare-and-swap operation.
func (x *Pointer[T]) CompareAndSwap(old, new *T) (swapped bool) {
	return atomicCAS(&x.v, unsafe.Pointer(old), unsafe.Pointer(new))
}

// Value is atomic.Value: Store of nil or of a value of another type than
// the first panics, as in package sync/atomic.
type Value struct {
	v any
}

func (v *Value) check(val any, what string) {
	if val == nil {
		panic("sync/atomic: " + what + " of nil value into Value")
	}
}

func (v *Value) consistent(cur, val any, what string) {
	if cur != nil && fmt.Sprintf("%T", cur) != fmt.Sprintf("%T", val) {
		panic("sync/atomic: " + what + " of inconsistently typed value into Value")
	}
}

// Load returns the value stored last, or nil.
func (v *Value) Load() (val any) { return atomicLoad(&v.v) }

// Store sets the value.
func (v *Value) Store(val any) {
	v.check(val, "store")
	atomicStep(unsafe.Pointer(&v.v), op.Store, func() bool {
		v.consistent(v.v, val, "store")
		v.v = val
		return true
	}, nil)
}

// Swap stores new and returns the previous value.
func (v *Value) Swap(new any) (old any) {
	v.check(new, "swap")
	atomicStep(unsafe.Pointer(&v.v), op.Swap, func() bool {
		v.consistent(v.v, new, "swap")
		old, v.v = v.v, new
		return true
	}, nil)
	return old
}

// CompareAndSwap executes the compare-and-swap operation.
func (v *Value) CompareAndSwap(old, new any) (swapped bool) {
	v.check(new, "compare and swap")
	atomicStep(unsafe.Pointer(&v.v), op.CAS, func() bool {
		v.consistent(v.v, new, "compare and swap")
		if swapped = v.v == old; swapped {
			v.v = new
		}
		return swapped
	}, nil)
	return swapped
}
