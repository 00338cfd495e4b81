// Package recursiverlock: a reader takes the read lock twice while a
// writer waits in between; Go's writer preference blocks the second RLock.
package recursiverlock

import (
	"sync"
	"testing"
)

type config struct {
	rw sync.RWMutex
	v  int
}

func (c *config) set(v int) {
	c.rw.Lock()
	c.v = v
	c.rw.Unlock()
}

// value read-locks; get calls it while holding the read lock already.
func (c *config) value() int {
	c.rw.RLock()
	defer c.rw.RUnlock()
	return c.v
}

func (c *config) get() int {
	c.rw.RLock()
	defer c.rw.RUnlock()
	return c.value() // bug: a recursive read lock
}

func (c *config) getFixed() int {
	c.rw.RLock()
	defer c.rw.RUnlock()
	return c.v
}

func run(get func(*config) int) {
	c := &config{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.set(1) }()
	go func() { defer wg.Done(); get(c) }()
	wg.Wait()
}

func TestBuggy(t *testing.T) { run((*config).get) }

func TestFixed(t *testing.T) { run((*config).getFixed) }
