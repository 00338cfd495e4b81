// Package checkthenact: a Load and a Store on an atomic are two steps, so
// two goroutines can both see zero and both initialise.
package checkthenact

import (
	"sync"
	"sync/atomic"
	"testing"
)

type component struct {
	state int32
	inits atomic.Int32
}

func (c *component) init() {
	if atomic.LoadInt32(&c.state) == 0 {
		atomic.StoreInt32(&c.state, 1)
		c.inits.Add(1)
	}
}

func (c *component) initFixed() {
	if atomic.CompareAndSwapInt32(&c.state, 0, 1) {
		c.inits.Add(1)
	}
}

func initTwice(t *testing.T, c *component, init func()) {
	t.Helper()
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); init() }()
	}
	wg.Wait()
	if n := c.inits.Load(); n != 1 {
		t.Errorf("initialised %d times", n)
	}
}

func TestBuggy(t *testing.T) {
	c := &component{}
	initTwice(t, c, c.init)
}

func TestFixed(t *testing.T) {
	c := &component{}
	initTwice(t, c, c.initFixed)
}
