// Package rlockviamethod is a Kubernetes-style informer cache whose List
// holds the read lock and calls a getter that read-locks again; a writer
// that arrives in between (ordered by a time.Sleep the test trusts)
// blocks the inner RLock, and the writer waits for the outer one.
package rlockviamethod

import (
	"sync"
	"testing"
	"time"
)

type cache struct {
	mu    sync.RWMutex
	keys  []string
	items map[string]int
}

func newCache() *cache {
	return &cache{keys: []string{"a", "b"}, items: map[string]int{"a": 1, "b": 2}}
}

func (c *cache) get(k string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.items[k]
}

func (c *cache) add(k string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keys = append(c.keys, k)
	c.items[k] = v
}

// list is buggy: get read-locks while list holds the read lock.
func (c *cache) list() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	sum := 0
	for _, k := range c.keys {
		sum += c.get(k)
	}
	return sum
}

func (c *cache) listFixed() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	sum := 0
	for _, k := range c.keys {
		sum += c.items[k]
	}
	return sum
}

func run(list func(*cache) int) {
	c := newCache()
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(time.Millisecond) // "list is done by then"
		c.add("c", 3)
	}()
	list(c)
	<-done
}

func TestBuggy(t *testing.T) { run((*cache).list) }

func TestFixed(t *testing.T) { run((*cache).listFixed) }
