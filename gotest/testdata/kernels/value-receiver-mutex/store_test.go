// Package valuereceiver is a Docker-style store whose methods have value
// receivers: each call locks its own copy of the mutex, so nothing is
// excluded and the map they share is written concurrently.
package valuereceiver

import (
	"sync"
	"testing"
)

type store struct {
	mu sync.Mutex
	m  map[string]int
}

// put is buggy: the receiver copies mu (go vet says so; go test does not run that check).
func (s store) put(k string, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

func (s *store) putFixed(k string, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

func putTwo(put func(k string, v int)) {
	var wg sync.WaitGroup
	for i, k := range []string{"a", "b"} {
		wg.Add(1)
		go func(k string, v int) { defer wg.Done(); put(k, v) }(k, i)
	}
	wg.Wait()
}

func TestBuggy(t *testing.T) {
	s := &store{m: map[string]int{}}
	putTwo(s.put)
}

func TestFixed(t *testing.T) {
	s := &store{m: map[string]int{}}
	putTwo(s.putFixed)
	if len(s.m) != 2 {
		t.Errorf("%d entries", len(s.m))
	}
}
