// Package doubleclose: two goroutines close the same done channel on
// shutdown; a sync.Once fixes it.
package doubleclose

import (
	"sync"
	"testing"
)

type server struct {
	done      chan struct{}
	closeOnce sync.Once
}

// shutdown is "close if not closed": two callers can both see it open.
func (s *server) shutdown() {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
}

func (s *server) shutdownFixed() { s.closeOnce.Do(func() { close(s.done) }) }

func race(stop func()) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); stop() }() // a signal handler
	go func() { defer wg.Done(); stop() }() // the API
	wg.Wait()
}

func TestBuggy(t *testing.T) {
	s := &server{done: make(chan struct{})}
	race(s.shutdown)
}

func TestFixed(t *testing.T) {
	s := &server{done: make(chan struct{})}
	race(s.shutdownFixed)
}
