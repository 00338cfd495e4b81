// Package lockorder is a CockroachDB-style store and replica pair: a
// replica's Split holds the replica's lock and then takes the store's,
// while the store's Report holds the store's lock and then takes each
// replica's.
package lockorder

import "sync"

// Store owns replicas.
type Store struct {
	sync.Mutex
	replicas []*Replica
	splits   int
}

// Replica is a range of keys.
type Replica struct {
	sync.Mutex
	store *Store
	size  int
}

// NewStore returns a store with one replica of the given size.
func NewStore(size int) (*Store, *Replica) {
	s := &Store{}
	r := &Replica{store: s, size: size}
	s.replicas = append(s.replicas, r)
	return s, r
}

func (s *Store) noteSplit() {
	s.Lock()
	s.splits++
	s.Unlock()
}

// Split is buggy: it calls into the store with the replica locked.
func (r *Replica) Split() {
	r.Lock()
	defer r.Unlock()
	r.size /= 2
	r.store.noteSplit()
}

// SplitFixed releases the replica before calling into the store.
func (r *Replica) SplitFixed() {
	r.Lock()
	r.size /= 2
	r.Unlock()
	r.store.noteSplit()
}

// Report sums the replicas' sizes.
func (s *Store) Report() int {
	s.Lock()
	defer s.Unlock()
	n := 0
	for _, r := range s.replicas {
		r.Lock()
		n += r.size
		r.Unlock()
	}
	return n
}
