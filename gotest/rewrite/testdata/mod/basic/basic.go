// Package basic exercises the translation's main constructs.
package basic

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

var (
	counter int
	mu      sync.Mutex
	results = make(chan int, 4)
	hits    atomic.Int64
	table   = map[string]int{"a": 1}
)

type Pool struct {
	sync.Mutex
	wg    sync.WaitGroup
	jobs  chan int
	out   chan<- int
	done  <-chan struct{}
	items []int
	n     int
}

func NewPool(n int) *Pool {
	p := &Pool{jobs: make(chan int, n)}
	return p
}

func (p *Pool) Run(ctx context.Context, workers int) {
	for i := 0; i < workers; i++ {
		p.wg.Add(1)
		go p.worker(ctx, i)
	}
	go func() {
		p.wg.Wait()
		close(p.jobs)
	}()
}

func (p *Pool) worker(ctx context.Context, id int) {
	defer p.wg.Done()
	for {
		select {
		case j, ok := <-p.jobs:
			if !ok {
				return
			}
			p.Lock()
			p.items = append(p.items, j)
			p.n++
			p.Unlock()
		case <-ctx.Done():
			return
		case results <- id:
		default:
			time.Sleep(time.Millisecond)
		}
	}
}

func Drain(ch <-chan int) (sum int) {
	for v := range ch {
		sum += v
	}
	return sum
}

func Count(ch chan int) int {
	n := 0
loop:
	for range ch {
		n++
		if n > 3 {
			break loop
		}
	}
	return n
}

func Captured() int {
	x := 0
	done := make(chan bool)
	go func() {
		x++
		done <- true
	}()
	<-done
	if v, ok := <-done; ok {
		_ = v
	}
	mu.Lock()
	counter++
	table["b"] = counter
	delete(table, "a")
	mu.Unlock()
	hits.Add(1)
	return x + len(done) + cap(done)
}

func Labelled(a, b chan int) {
L:
	select {
	case v := <-a:
		if v > 0 {
			break L
		}
		b <- v
	case b <- 1:
	}
	select {}
}

type Named chan string

func MakeNamed() Named { return make(Named, 2) }

func init() {
	counter = 1
}
