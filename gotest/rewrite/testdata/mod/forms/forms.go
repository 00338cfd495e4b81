// Package forms exercises the forms of Go's concurrency the translation
// must keep: evaluation order, every select and receive position, channel
// types nested in other types, and the sync, time, context, runtime,
// math/rand and sync/atomic names.
package forms

import (
	"context"
	"math/rand"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Channel types anywhere in type expressions.
type (
	Msg        struct{ Reply chan<- error }
	Handler    func(in <-chan Msg) chan Msg
	Table      map[string][]chan int
	Box[T any] struct {
		C chan T
	}
	Stream[C ~chan int] struct{ c C }
)

func Pipe[T any](in <-chan T, f func(T) T) <-chan T {
	out := make(chan T)
	go func() {
		defer close(out)
		for v := range in {
			out <- f(v)
		}
	}()
	return out
}

func NewBox[T any](n int) *Box[T] { return &Box[T]{C: make(chan T, n)} }

type Server struct {
	sync.RWMutex
	lock  sync.Locker
	once  sync.Once
	cond  *sync.Cond
	peers map[string]int
	calls atomic.Int32
	n     int64
	stop  chan struct{}
}

func NewServer() *Server {
	s := &Server{peers: map[string]int{}, stop: make(chan struct{})}
	s.lock = &sync.Mutex{}
	s.cond = sync.NewCond(s.lock)
	return s
}

func (s *Server) Peer(name string) int {
	s.RLock()
	defer s.RUnlock()
	return s.peers[name]
}

func (s *Server) Add(name string) {
	with(s.Lock, s.Unlock, func() { s.peers[name]++ })
	atomic.AddInt64(&s.n, 1)
	s.calls.Add(1)
	s.once.Do(func() { close(s.stop) })
}

func with(lock, unlock func(), f func()) {
	lock()
	defer unlock()
	f()
}

func work(id int, xs ...int) int { return id + len(xs) }

func Spawn(s *Server, ids []int, results chan int) {
	for i, id := range ids {
		go work(id, ids[i:]...)
		go func(id int) { results <- id }(id)
		go s.Add("p")
		go println(id)
		go Apply(id, double)
	}
	go sendAll(results, 1, 2.0)
}

func double(x int) int { return 2 * x }

func Apply[T any](v T, f func(T) T) T { return f(v) }

func sendAll(c chan<- int, a int, b float64) { c <- a + int(b) }

func Receives(c chan int, ok chan bool, done <-chan struct{}) (int, error) {
	if v, ok := <-c; ok {
		return v, nil
	}
	for x, more := <-c, true; more; x, more = <-c, false {
		_ = x
	}
	switch v, open := <-c; {
	case open:
		return v, nil
	}
	var v, got = <-c
	_, _ = v, got
	var last int
	last, _ = <-c
	work(<-c, <-c)
	select {
	case <-done:
	default:
	}
	return <-c + last, nil
}

func Selects(in, out chan int, quit chan struct{}) (n int, err error) {
	var x int
	var ok bool
	var nilc chan int
Loop:
	for {
		select {
		case x = <-in:
			n += x
		case x, ok = <-in:
			if !ok {
				break Loop
			}
		case out <- n * 2:
			continue Loop
		case v := <-nilc:
			_ = v
		case <-quit:
			return n, nil
		}
	}
	return n, nil
}

func RangeAssign(c chan int) (last int) {
	var v int
outer:
	for v = range c {
		if v < 0 {
			continue outer
		}
		last = v
	}
	return last + v
}

func Timers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	t := time.NewTimer(time.Millisecond)
	defer t.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	select {
	case <-t.C:
	case <-tick.C:
	case <-time.After(time.Duration(rand.Intn(3)) * time.Millisecond):
	case <-ctx.Done():
		return ctx.Err()
	}
	runtime.Gosched()
	time.AfterFunc(time.Millisecond, func() {})
	if time.Since(start) > time.Hour {
		return context.Canceled
	}
	return nil
}

func Waits(n int) []int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			out = append(out, i)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

var (
	registry   = map[string]Handler{}
	registryMu sync.Mutex
	_          = register("echo", func(in <-chan Msg) chan Msg { return nil })
)

func register(name string, h Handler) bool {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[name] = h
	return true
}
