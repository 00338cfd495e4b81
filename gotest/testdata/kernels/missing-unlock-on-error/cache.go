// Package unlockonerror is a cache whose Get returns early on an error
// path without unlocking; the next Lock blocks forever.
package unlockonerror

import (
	"errors"
	"sync"
)

var errMiss = errors.New("backend failed")

// Cache counts its successful lookups.
type Cache struct {
	mu   sync.Mutex
	hits int
}

// Get is the buggy lookup: the error path skips the Unlock.
func (c *Cache) Get(fail bool) error {
	c.mu.Lock()
	if fail {
		return errMiss
	}
	c.hits++
	c.mu.Unlock()
	return nil
}

// GetFixed unlocks with defer.
func (c *Cache) GetFixed(fail bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if fail {
		return errMiss
	}
	c.hits++
	return nil
}
