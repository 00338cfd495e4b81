// Package condifnotfor is a CockroachDB-style connection pool whose Get
// waits on a sync.Cond with if instead of for: after a Broadcast two
// waiters wake for one returned connection, and the second takes from an
// empty slice.
package condifnotfor

import "sync"

// Pool hands out connection ids.
type Pool struct {
	mu   sync.Mutex
	cond *sync.Cond
	free []int
}

// NewPool returns an empty pool.
func NewPool() *Pool {
	p := &Pool{}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// Get is buggy: it re-checks nothing after Wait.
func (p *Pool) Get() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) == 0 {
		p.cond.Wait()
	}
	c := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	return c
}

// GetFixed waits in a loop.
func (p *Pool) GetFixed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.free) == 0 {
		p.cond.Wait()
	}
	c := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	return c
}

// Put returns a connection and wakes the waiters.
func (p *Pool) Put(c int) {
	p.mu.Lock()
	p.free = append(p.free, c)
	p.mu.Unlock()
	p.cond.Broadcast()
}
