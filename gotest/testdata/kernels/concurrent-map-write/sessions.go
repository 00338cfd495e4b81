// Package mapwrite is a session table that two request handlers write; a
// plain Go map is not safe for concurrent writes.
package mapwrite

import "sync"

// Sessions maps a user to a session id.
type Sessions struct {
	mu     sync.RWMutex
	locked bool
	m      map[string]int
}

// NewSessions returns an empty table; locked says whether it takes its
// lock (the fix) or not (the bug).
func NewSessions(locked bool) *Sessions {
	return &Sessions{m: map[string]int{}, locked: locked}
}

// Put records a session.
func (s *Sessions) Put(user string, id int) {
	if s.locked {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	s.m[user] = id
}

// Len returns the number of sessions.
func (s *Sessions) Len() int {
	if s.locked {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	return len(s.m)
}
