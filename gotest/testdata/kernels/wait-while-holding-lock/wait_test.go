// Package waitunderlock: the caller holds a mutex while it waits on a
// WaitGroup whose workers need that mutex.
package waitunderlock

import (
	"sync"
	"testing"
)

type counter struct {
	sync.Mutex
	n int
}

func (c *counter) start(wg *sync.WaitGroup) {
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Lock()
			c.n++
			c.Unlock()
		}()
	}
}

func TestBuggy(t *testing.T) {
	var c counter
	var wg sync.WaitGroup
	c.start(&wg)
	c.Lock()
	wg.Wait() // bug: the workers need c's lock
	c.Unlock()
}

func TestFixed(t *testing.T) {
	var c counter
	var wg sync.WaitGroup
	c.start(&wg)
	wg.Wait()
	c.Lock()
	if c.n != 2 {
		t.Errorf("n = %d, want 2", c.n)
	}
	c.Unlock()
}
