package gort

import (
	"fmt"
	"unsafe"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/sim"
)

// Package sync's types are zero-value usable: each binds to a sim object
// of the current execution the first time it is used in it, named by its
// kind and the site of that first use (sync.Mutex@pool.go:31), and re-binds
// in a later execution. Outside an execution (package initialisation at
// process start) a Mutex, RWMutex, WaitGroup and Once work as plain
// single-goroutine objects; an operation that would block there panics.

// Locker is sync.Locker.
type Locker interface {
	Lock()
	Unlock()
}

// outsideBlock panics for an operation that would block outside an
// execution.
func outsideBlock(what string) {
	panic(fmt.Sprintf("gort: %s would block outside a simrun execution (package initialisation or TestMain)", what))
}

// lazy is a sim object bound to the current execution on first use in
// it, and bound again in every later execution.
type lazy[P any] struct {
	gen  uint64
	p    P
	self *lazy[P] // where it was bound: elsewhere, it is a copy
}

// bind returns the object of the current execution, making it with mk (a
// sim constructor) named kind@site: the site of the user's call of the
// method that called the bind method that called this one.
//
// A copy made by value (a WaitGroup passed to a goroutine, a struct with a
// Mutex returned by value: go vet's copylocks) is, as in Go, an object of
// its own that starts with the original's state: copyOf, if not nil, makes
// it when the copy is first used (so from the original's state then, which
// is the state at the copy unless the original changed in between).
// Without copyOf a copy shares the original's object.
func (l *lazy[P]) bind(kind string, mk func(x *sim.Execution, name string) P, copyOf func(orig P) P) P {
	if l.gen == gen {
		if l.self != l && copyOf != nil {
			l.p, l.self = copyOf(l.p), l
		}
		return l.p
	}
	l.p = mk(cur, objName(kind, 3))
	l.gen, l.self = gen, l
	return l.p
}

// Mutex is sync.Mutex.
type Mutex struct {
	m    lazy[*sim.GoMutex]
	held bool // outside an execution
}

func (m *Mutex) bind() *sim.GoMutex { return m.m.bind("sync.Mutex", sim.NewGoMutex, copyMutex) }

// copyMutex is a copy of orig: locked if orig is.
func copyMutex(orig *sim.GoMutex) *sim.GoMutex {
	m := sim.NewGoMutex(cur, orig.Name()+" (copy)")
	if orig.Locked() {
		m.Lock()
	}
	return m
}

// Lock locks m.
func (m *Mutex) Lock() {
	if cur == nil {
		if m.held {
			outsideBlock("sync.Mutex.Lock")
		}
		m.held = true
		return
	}
	m.bind().Lock()
}

// TryLock locks m if it is unlocked and reports whether it did.
func (m *Mutex) TryLock() bool {
	if cur == nil {
		ok := !m.held
		m.held = true
		return ok
	}
	return m.bind().TryLock()
}

// Unlock unlocks m.
func (m *Mutex) Unlock() {
	if cur == nil {
		if !m.held {
			panic("fatal error: sync: unlock of unlocked mutex")
		}
		m.held = false
		return
	}
	m.bind().Unlock()
}

// RWMutex is sync.RWMutex.
type RWMutex struct {
	m       lazy[*sim.RWMutex]
	writer  bool // outside an execution
	readers int
}

func (rw *RWMutex) bind() *sim.RWMutex { return rw.m.bind("sync.RWMutex", sim.NewRWMutex, nil) }

// Lock write-locks rw.
func (rw *RWMutex) Lock() {
	if cur == nil {
		if rw.writer || rw.readers > 0 {
			outsideBlock("sync.RWMutex.Lock")
		}
		rw.writer = true
		return
	}
	rw.bind().Lock()
}

// Unlock write-unlocks rw.
func (rw *RWMutex) Unlock() {
	if cur == nil {
		if !rw.writer {
			panic("fatal error: sync: Unlock of unlocked RWMutex")
		}
		rw.writer = false
		return
	}
	rw.bind().Unlock()
}

// RLock read-locks rw.
func (rw *RWMutex) RLock() {
	if cur == nil {
		if rw.writer {
			outsideBlock("sync.RWMutex.RLock")
		}
		rw.readers++
		return
	}
	rw.bind().RLock()
}

// RUnlock undoes one RLock.
func (rw *RWMutex) RUnlock() {
	if cur == nil {
		if rw.readers == 0 {
			panic("fatal error: sync: RUnlock of unlocked RWMutex")
		}
		rw.readers--
		return
	}
	rw.bind().RUnlock()
}

// TryLock write-locks rw if it is free and reports whether it did.
func (rw *RWMutex) TryLock() bool {
	if cur == nil {
		if rw.writer || rw.readers > 0 {
			return false
		}
		rw.writer = true
		return true
	}
	return rw.bind().TryLock()
}

// TryRLock read-locks rw if RLock would not block and reports whether it
// did.
func (rw *RWMutex) TryRLock() bool {
	if cur == nil {
		if rw.writer {
			return false
		}
		rw.readers++
		return true
	}
	return rw.bind().TryRLock()
}

// RLocker returns a Locker whose Lock and Unlock are RLock and RUnlock.
func (rw *RWMutex) RLocker() Locker { return rlocker{rw} }

type rlocker struct{ rw *RWMutex }

func (r rlocker) Lock()   { r.rw.RLock() }
func (r rlocker) Unlock() { r.rw.RUnlock() }

// WaitGroup is sync.WaitGroup.
type WaitGroup struct {
	wg lazy[*sim.WaitGroup]
	n  int // outside an execution
}

func (wg *WaitGroup) bind() *sim.WaitGroup {
	return wg.wg.bind("sync.WaitGroup", sim.NewWaitGroup, copyWaitGroup)
}

// copyWaitGroup is a copy of orig: with its counter.
func copyWaitGroup(orig *sim.WaitGroup) *sim.WaitGroup {
	wg := sim.NewWaitGroup(cur, orig.Name()+" (copy)")
	if n := orig.Counter(); n > 0 {
		wg.Add(n)
	}
	return wg
}

// Add adds delta to the counter; a negative counter is a finding.
func (wg *WaitGroup) Add(delta int) {
	if cur == nil {
		wg.n += delta
		if wg.n < 0 {
			panic("sync: negative WaitGroup counter")
		}
		return
	}
	wg.bind().Add(delta)
}

// Done decrements the counter.
func (wg *WaitGroup) Done() {
	if cur == nil {
		wg.Add(-1)
		return
	}
	wg.bind().Add(-1)
}

// Wait blocks until the counter is zero.
func (wg *WaitGroup) Wait() {
	if cur == nil {
		if wg.n != 0 {
			outsideBlock("sync.WaitGroup.Wait")
		}
		return
	}
	wg.bind().Wait()
}

// Go is WaitGroup.Go (Go 1.25): Add(1), then f in a new goroutine that
// calls Done when f returns.
func (wg *WaitGroup) Go(f func()) {
	exec("WaitGroup.Go")
	wg.bind().Add(1)
	Go("wg.Go@"+callerSite(1), func() {
		defer wg.Done()
		f()
	})
}

// Once is sync.Once.
type Once struct {
	o    lazy[*sim.Once]
	done bool // outside an execution
}

// Do calls f if and only if Do is being called for the first time for
// this Once in the execution; other calls wait until f has returned.
func (o *Once) Do(f func()) {
	if cur == nil {
		if !o.done {
			o.done = true
			f()
		}
		return
	}
	o.bind().Do(f)
}

func (o *Once) bind() *sim.Once { return o.o.bind("sync.Once", sim.NewOnce, nil) }

// OnceFunc is sync.OnceFunc.
func OnceFunc(f func()) func() {
	var once Once
	return func() { once.Do(f) }
}

// OnceValue is sync.OnceValue.
func OnceValue[T any](f func() T) func() T {
	var once Once
	var v T
	return func() T {
		once.Do(func() { v = f() })
		return v
	}
}

// OnceValues is sync.OnceValues.
func OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) {
	var once Once
	var v1 T1
	var v2 T2
	return func() (T1, T2) {
		once.Do(func() { v1, v2 = f() })
		return v1, v2
	}
}

// Cond is sync.Cond, without spurious wakeups; Signal wakes the longest
// waiting goroutine.
type Cond struct {
	L Locker

	gen uint64
	c   *sim.GoCond
}

// NewCond is sync.NewCond.
func NewCond(l Locker) *Cond { return &Cond{L: l} }

func (c *Cond) bind(what string) *sim.GoCond {
	x := exec("sync.Cond." + what)
	if c.gen != gen {
		c.c = sim.NewGoCond(x, objName("sync.Cond", 2), c.L)
		c.gen = gen
	}
	return c.c
}

// Wait unlocks c.L, waits for a Signal or Broadcast, and locks c.L again.
func (c *Cond) Wait() { c.bind("Wait").Wait() }

// Signal wakes one waiting goroutine, if any.
func (c *Cond) Signal() {
	if cur != nil {
		c.bind("Signal").Signal()
	}
}

// Broadcast wakes every waiting goroutine.
func (c *Cond) Broadcast() {
	if cur != nil {
		c.bind("Broadcast").Broadcast()
	}
}

// Map is sync.Map. Each method is one visible step on the map (a Load or
// Range a read-only one); Range visits the entries in insertion order, so
// executions are deterministic, and calls f after its step.
type Map struct {
	obj  stepObject
	m    map[any]int // key -> index in keys
	keys []any
	vals []any
	live []bool
}

// step runs f as one step on the map, labelled kind; outside an
// execution, it just runs f.
// stepObject is a sync object whose every method is one step on its
// location: a Map, a Pool.
type stepObject struct {
	gen uint64
	loc int
}

// step runs f as one step of kind on o, a kind object, or just runs it
// outside an execution. fresh drops the contents of an earlier execution
// when o binds to the current one.
func (o *stepObject) step(what string, kind op.Op, f func() bool, fresh func()) {
	if cur == nil {
		f()
		return
	}
	if o.gen != gen {
		o.loc = cur.NewLocation(what, objName(what, 3))
		o.gen = gen
		fresh()
	}
	cur.AtomicStep(o.loc, kind, f, nil)
}

func (m *Map) step(kind op.Op, f func() bool) {
	m.obj.step("sync.Map", kind, f, func() { m.m, m.keys, m.vals, m.live = nil, nil, nil, nil })
}

func (m *Map) find(k any) (int, bool) {
	i, ok := m.m[k]
	if ok && m.live[i] {
		return i, true
	}
	return 0, false
}

func (m *Map) set(k, v any) {
	if i, ok := m.m[k]; ok {
		m.vals[i], m.live[i] = v, true
		return
	}
	if m.m == nil {
		m.m = map[any]int{}
	}
	m.m[k] = len(m.keys)
	m.keys, m.vals, m.live = append(m.keys, k), append(m.vals, v), append(m.live, true)
}

func (m *Map) del(k any) {
	if i, ok := m.m[k]; ok {
		delete(m.m, k)
		m.keys[i], m.vals[i], m.live[i] = nil, nil, false
	}
}

// Load returns the value stored for key.
func (m *Map) Load(key any) (value any, ok bool) {
	m.step(op.Load, func() bool {
		var i int
		if i, ok = m.find(key); ok {
			value = m.vals[i]
		}
		return false
	})
	return value, ok
}

// Store sets the value for key.
func (m *Map) Store(key, value any) {
	m.step(op.Store, func() bool { m.set(key, value); return true })
}

// LoadOrStore returns the existing value for key if present; otherwise
// it stores value and returns it. loaded reports whether it was present.
func (m *Map) LoadOrStore(key, value any) (actual any, loaded bool) {
	m.step(op.CAS, func() bool {
		var i int
		if i, loaded = m.find(key); loaded {
			actual = m.vals[i]
			return false
		}
		m.set(key, value)
		actual = value
		return true
	})
	return actual, loaded
}

// LoadAndDelete deletes the value for key, returning it if it was there.
func (m *Map) LoadAndDelete(key any) (value any, loaded bool) {
	m.step(op.Swap, func() bool {
		var i int
		if i, loaded = m.find(key); loaded {
			value = m.vals[i]
			m.del(key)
		}
		return true
	})
	return value, loaded
}

// Delete deletes the value for key.
func (m *Map) Delete(key any) {
	m.step(op.Store, func() bool { m.del(key); return true })
}

// Swap stores value for key and returns the previous one, if any.
func (m *Map) Swap(key, value any) (previous any, loaded bool) {
	m.step(op.Swap, func() bool {
		var i int
		if i, loaded = m.find(key); loaded {
			previous = m.vals[i]
		}
		m.set(key, value)
		return true
	})
	return previous, loaded
}

// CompareAndSwap stores new for key if its value is old.
func (m *Map) CompareAndSwap(key, old, new any) (swapped bool) {
	m.step(op.CAS, func() bool {
		if i, ok := m.find(key); ok && m.vals[i] == old {
			m.vals[i] = new
			swapped = true
		}
		return swapped
	})
	return swapped
}

// CompareAndDelete deletes key if its value is old.
func (m *Map) CompareAndDelete(key, old any) (deleted bool) {
	m.step(op.CAS, func() bool {
		if i, ok := m.find(key); ok && m.vals[i] == old {
			m.del(key)
			deleted = true
		}
		return deleted
	})
	return deleted
}

// Clear deletes every entry.
func (m *Map) Clear() {
	m.step(op.Store, func() bool {
		clear(m.m)
		m.keys, m.vals, m.live = m.keys[:0], m.vals[:0], m.live[:0]
		return true
	})
}

// Range calls f for each entry, in insertion order, until f returns
// false. The entries are those of one step; f runs after it.
func (m *Map) Range(f func(key, value any) bool) {
	var ks, vs []any
	m.step(op.Load, func() bool {
		for i, k := range m.keys {
			if m.live[i] {
				ks, vs = append(ks, k), append(vs, m.vals[i])
			}
		}
		return false
	})
	for i := range ks {
		if !f(ks[i], vs[i]) {
			return
		}
	}
}

// Pool is sync.Pool, deterministic: Get takes the value Put last (LIFO)
// and calls New when the pool is empty; the pool never drops values.
type Pool struct {
	New func() any

	obj   stepObject
	items []any
}

func (p *Pool) step(kind op.Op, f func() bool) {
	p.obj.step("sync.Pool", kind, f, func() { p.items = nil })
}

// Get takes a value from the pool, or returns New() (nil without New).
func (p *Pool) Get() any {
	var v any
	got := false
	p.step(op.Swap, func() bool {
		if n := len(p.items); n > 0 {
			v, got = p.items[n-1], true
			p.items = p.items[:n-1]
		}
		return got
	})
	if !got && p.New != nil {
		v = p.New()
	}
	return v
}

// Put adds x to the pool.
func (p *Pool) Put(x any) {
	if x == nil {
		return
	}
	p.step(op.Store, func() bool { p.items = append(p.items, x); return true })
}

// location returns the sim location of the memory at p in the current
// execution, registering it on first use, named name, or without a name
// after its creation site, skip frames up (found only then: it walks the
// stack).
func location(p unsafe.Pointer, kind, name string, skip int) int {
	if l, ok := locs[p]; ok {
		return l
	}
	if name == "" {
		name = objName(kind, skip+1)
	}
	l := cur.NewLocation(kind, name)
	locs[p] = l
	return l
}
