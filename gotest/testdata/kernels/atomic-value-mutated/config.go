// Package atomicvalue is an Istio-style config holder in an atomic.Value
// whose AddRoute mutates the loaded config in place instead of storing a
// copy: readers of the same config race with the write.
package atomicvalue

import (
	"sync"
	"sync/atomic"
)

// Config is the routing configuration.
type Config struct {
	Routes []string
	Gen    int
}

// Holder publishes configs.
type Holder struct {
	v  atomic.Value
	mu sync.Mutex // serialises writers
}

// NewHolder holds an empty config.
func NewHolder() *Holder {
	h := &Holder{}
	h.v.Store(&Config{})
	return h
}

// Load returns the current config; callers must not modify it.
func (h *Holder) Load() *Config { return h.v.Load().(*Config) }

// AddRoute is buggy: it modifies the published config.
func (h *Holder) AddRoute(r string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.Load()
	c.Routes = append(c.Routes, r)
	c.Gen++
}

// AddRouteFixed publishes a modified copy.
func (h *Holder) AddRouteFixed(r string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	old := h.Load()
	c := &Config{Routes: append(append([]string(nil), old.Routes...), r), Gen: old.Gen + 1}
	h.v.Store(c)
}
