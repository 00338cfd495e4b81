// Package counter: two goroutines increment a shared counter without a
// lock.
package counter

import (
	"sync"
	"testing"
)

type stats struct {
	mu       sync.Mutex
	requests int
}

func (s *stats) inc()       { s.requests++ }
func (s *stats) incLocked() { s.mu.Lock(); defer s.mu.Unlock(); s.requests++ }

func hammer(inc func()) {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); inc() }()
	}
	wg.Wait()
}

func TestBuggy(t *testing.T) {
	s := &stats{}
	hammer(s.inc)
}

func TestFixed(t *testing.T) {
	s := &stats{}
	hammer(s.incLocked)
	if s.requests != 2 {
		t.Errorf("requests = %d, want 2", s.requests)
	}
}
