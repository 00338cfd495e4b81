// Package doublelock: a method that holds the lock calls another method
// that locks it again.
package doublelock

import (
	"sync"
	"testing"
)

type store struct {
	mu sync.Mutex
	n  int
}

func (s *store) sizeLocked() int { return s.n }

func (s *store) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sizeLocked()
}

func (s *store) add() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n = s.size() + 1 // bug: size locks s.mu again
}

func (s *store) addFixed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n = s.sizeLocked() + 1
}

func check(t *testing.T, s *store, add func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); add() }()
	<-done
	if got := s.size(); got != 1 {
		t.Fatalf("size = %d, want 1", got)
	}
}

func TestBuggy(t *testing.T) {
	s := &store{}
	check(t, s, s.add)
}

func TestFixed(t *testing.T) {
	s := &store{}
	check(t, s, s.addFixed)
}
