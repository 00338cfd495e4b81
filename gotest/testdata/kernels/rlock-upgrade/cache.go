// Package rlockupgrade is a Kubernetes-style lazily filled cache whose
// GetOrLoad, on a miss, takes the write lock while still holding the read
// lock: RWMutex cannot be upgraded, so it blocks forever. A concurrent
// eviction decides whether the lookup misses.
package rlockupgrade

import "sync"

// Cache loads missing entries on demand.
type Cache struct {
	rw sync.RWMutex
	m  map[string]int
}

// NewCache returns a cache holding key.
func NewCache(key string, v int) *Cache { return &Cache{m: map[string]int{key: v}} }

func load(key string) int { return len(key) }

// Evict drops key.
func (c *Cache) Evict(key string) {
	c.rw.Lock()
	delete(c.m, key)
	c.rw.Unlock()
}

// GetOrLoad is buggy: it "upgrades" the read lock on a miss.
func (c *Cache) GetOrLoad(key string) int {
	c.rw.RLock()
	defer c.rw.RUnlock()
	v, ok := c.m[key]
	if !ok {
		c.rw.Lock()
		v = load(key)
		c.m[key] = v
		c.rw.Unlock()
	}
	return v
}

// GetOrLoadFixed releases the read lock before taking the write lock.
func (c *Cache) GetOrLoadFixed(key string) int {
	c.rw.RLock()
	v, ok := c.m[key]
	c.rw.RUnlock()
	if ok {
		return v
	}
	c.rw.Lock()
	defer c.rw.Unlock()
	if v, ok := c.m[key]; ok {
		return v
	}
	v = load(key)
	c.m[key] = v
	return v
}
