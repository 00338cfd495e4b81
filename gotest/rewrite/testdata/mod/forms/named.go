package forms

import (
	"sync"
	"time"
)

// Queue is a named channel type: every operation must accept it.
type Queue chan string

func UseQueue(q Queue, done chan<- struct{}) string {
	q <- "a"
	s := <-q
	s2, ok := <-q
	select {
	case q <- s2:
	case v := <-q:
		s += v
	case <-time.After(time.Millisecond):
	}
	for v := range q {
		s += v
	}
	close(q)
	close(done)
	if ok && len(q) == cap(q) {
		return s
	}
	return s
}

// Generic channel code: a type parameter whose core type is a channel.
func Drain[C ~chan E, E any](c C) (out []E) {
	c <- *new(E)
	out = append(out, <-c)
	close(c)
	for v := range c {
		out = append(out, v)
	}
	return out
}

// Lock is a named mutex; Guard embeds a pointer to one.
type (
	Lock  sync.Mutex
	Guard struct {
		*sync.Mutex
		cond  *sync.Cond
		ready bool
		fns   chan func()
	}
)

func (l *Lock) Do(f func()) {
	(*sync.Mutex)(l).Lock()
	defer (*sync.Mutex)(l).Unlock()
	f()
}

func NewGuard() *Guard {
	g := &Guard{Mutex: new(sync.Mutex), fns: make(chan func(), 1)}
	g.cond = sync.NewCond(g)
	return g
}

func (g *Guard) Wait() {
	g.Lock()
	for !g.ready {
		g.cond.Wait()
	}
	g.Unlock()
	g.fns <- func() {}
	(<-g.fns)()
	f := (*Guard).Wait
	_ = f
	var anon struct {
		sync.Once
		c chan int
	}
	anon.Do(func() { anon.c = make(chan int) })
}

// Watcher hands out channels through an interface.
type Watcher interface {
	ResultChan() <-chan int
	Stop()
}

func Watch(w Watcher) int {
	defer w.Stop()
	n := 0
	for range w.ResultChan() {
		n++
	}
	return n
}

// Sem is a semaphore on a channel, with methods (which the translation
// turns into functions).
type Sem chan struct{}

func (s Sem) Acquire()       { s <- struct{}{} }
func (s Sem) Release()       { <-s }
func (s *Sem) Reset(n int64) { *s = make(Sem, n) }
func (s Sem) TryAcquire() bool {
	select {
	case s <- struct{}{}:
		return true
	default:
		return false
	}
}

func UseSem(n int) {
	var s Sem
	s.Reset(int64(n))
	ps := &s
	ps.Acquire()
	defer s.Release()
	go s.Acquire()
	go ps.Reset(2)
	release := Sem.Release
	reset := (*Sem).Reset
	release(s)
	reset(ps, 1)
	if !s.TryAcquire() {
		return
	}
}

// Generic containers: a type parameter whose core type is a map or a
// slice is instrumented as one.
func Lookup[M ~map[K]V, K comparable, V any](m M, k K, s []V) (V, bool) {
	v, ok := m[k]
	m[k] = v
	delete(m, k)
	for key := range m {
		_ = key
	}
	if len(s) > 0 {
		s[0] = v
	}
	return v, ok
}

func Index[S ~[]E, E any](s S, i int) E {
	s[i] = s[0]
	return s[i]
}
