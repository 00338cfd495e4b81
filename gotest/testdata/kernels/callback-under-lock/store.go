// Package callbackunderlock is a key-value store (in the style of
// Docker's and Kubernetes' in-memory stores, with an embedded mutex) that
// runs its watchers' callbacks while holding its lock; a callback that
// reads the store locks it again.
package callbackunderlock

import "sync"

// Store is a map with change callbacks.
type Store struct {
	sync.Mutex
	data     map[string]string
	watchers []func(key string)
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{data: map[string]string{}} }

// Watch registers f, called after every Set.
func (s *Store) Watch(f func(key string)) {
	s.Lock()
	s.watchers = append(s.watchers, f)
	s.Unlock()
}

// Get returns the value of key.
func (s *Store) Get(key string) string {
	s.Lock()
	defer s.Unlock()
	return s.data[key]
}

// Set is the buggy setter: it calls the watchers under the lock.
func (s *Store) Set(key, value string) {
	s.Lock()
	defer s.Unlock()
	s.data[key] = value
	for _, w := range s.watchers {
		w(key)
	}
}

// SetFixed copies the watchers and calls them after unlocking.
func (s *Store) SetFixed(key, value string) {
	s.Lock()
	s.data[key] = value
	ws := make([]func(string), len(s.watchers))
	copy(ws, s.watchers)
	s.Unlock()
	for _, w := range ws {
		w(key)
	}
}
