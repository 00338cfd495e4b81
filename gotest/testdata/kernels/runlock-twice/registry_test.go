// Package runlocktwice is a Kubernetes-style registry lookup whose error
// path read-unlocks, and then the deferred RUnlock unlocks again.
package runlocktwice

import (
	"errors"
	"sync"
	"testing"
)

var errNotFound = errors.New("not found")

type registry struct {
	mu    sync.RWMutex
	kinds map[string]int
}

func (r *registry) lookup(kind string) (int, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.kinds[kind]
	if !ok {
		r.mu.RUnlock() // bug: "release before building the error"
		return 0, errNotFound
	}
	return v, nil
}

func (r *registry) lookupFixed(kind string) (int, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.kinds[kind]
	if !ok {
		return 0, errNotFound
	}
	return v, nil
}

func lookupBoth(lookup func(*registry, string) (int, error)) {
	r := &registry{kinds: map[string]int{"Pod": 1}}
	var wg sync.WaitGroup
	for _, k := range []string{"Pod", "Widget"} {
		wg.Add(1)
		go func(k string) { defer wg.Done(); lookup(r, k) }(k)
	}
	wg.Wait()
}

func TestBuggy(t *testing.T) { lookupBoth((*registry).lookup) }

func TestFixed(t *testing.T) { lookupBoth((*registry).lookupFixed) }
