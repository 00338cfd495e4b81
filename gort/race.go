package gort

import "unsafe"

// Memory accesses for the race detector. The translation wraps the reads
// and writes of shared memory (package variables, captured or
// address-taken locals, fields through pointers, slice elements, *p, map
// contents): *gort.Read(&e, site), *gort.Write(&e, site). Each checks the
// access by the running goroutine against the other goroutines' with the
// execution's vector clocks (sim.Execution.Access): not a visible step,
// nothing is scheduled. The memory is identified by its address, which
// the execution holds, so it stays one variable for the whole execution.
// Outside an execution, or with races off, they only return their
// argument.

// Read records a read of *p at site ("counter (pool.go:12)") and returns p.
func Read[T any](p *T, site string) *T {
	if racesOn && unsafe.Sizeof(*p) > 0 { // zero-size variables share one address
		access(unsafe.Pointer(p), site, false)
	}
	return p
}

// Write records a write of *p at site and returns p.
func Write[T any](p *T, site string) *T {
	if racesOn && unsafe.Sizeof(*p) > 0 {
		access(unsafe.Pointer(p), site, true)
	}
	return p
}

// ReadMap records a read of the contents of m (the map as one location)
// and returns m.
func ReadMap[M ~map[K]V, K comparable, V any](m M, site string) M {
	if racesOn && m != nil {
		access(*(*unsafe.Pointer)(unsafe.Pointer(&m)), site, false)
	}
	return m
}

// WriteMap records a write of the contents of m and returns m.
func WriteMap[M ~map[K]V, K comparable, V any](m M, site string) M {
	if racesOn && m != nil {
		access(*(*unsafe.Pointer)(unsafe.Pointer(&m)), site, true)
	}
	return m
}

// racesOn: an execution with the race detector runs.
var racesOn bool

func access(p unsafe.Pointer, site string, write bool) {
	if p == nil {
		return // a nil pointer: the dereference panics, as it should
	}
	cur.Access(location(p, "var", site, 0), site, write)
}
