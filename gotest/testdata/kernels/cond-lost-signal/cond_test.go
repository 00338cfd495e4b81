// Package lostsignal: a Signal comes before the Wait, which is not guarded
// by a condition.
package lostsignal

import (
	"sync"
	"testing"
)

type gate struct {
	mu    sync.Mutex
	c     *sync.Cond
	ready bool
}

func newGate() *gate {
	g := &gate{}
	g.c = sync.NewCond(&g.mu)
	go func() {
		g.mu.Lock()
		g.ready = true
		g.c.Signal()
		g.mu.Unlock()
	}()
	return g
}

func TestBuggy(t *testing.T) {
	g := newGate()
	g.mu.Lock()
	g.c.Wait() // bug: the signal may have come already
	g.mu.Unlock()
}

func TestFixed(t *testing.T) {
	g := newGate()
	g.mu.Lock()
	for !g.ready {
		g.c.Wait()
	}
	g.mu.Unlock()
}
