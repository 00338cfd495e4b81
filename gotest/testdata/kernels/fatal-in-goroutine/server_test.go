// Package fatalgoroutine is a Kubernetes-style test that calls t.Fatalf
// from a goroutine it started: when the request fails (the server was not
// ready yet, an order violation) the goroutine exits without closing done
// and the test blocks forever.
package fatalgoroutine

import (
	"errors"
	"sync"
	"testing"
)

var errNotReady = errors.New("server not ready")

type server struct {
	mu    sync.Mutex
	ready bool
}

// start readies the server in the background.
func (s *server) start() {
	go func() {
		s.mu.Lock()
		s.ready = true
		s.mu.Unlock()
	}()
}

// startSync returns once the server is ready.
func (s *server) startSync() {
	up := make(chan struct{})
	go func() {
		s.mu.Lock()
		s.ready = true
		s.mu.Unlock()
		close(up)
	}()
	<-up
}

func (s *server) request() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ready {
		return errNotReady
	}
	return nil
}

func TestBuggy(t *testing.T) {
	s := &server{}
	s.start()
	done := make(chan struct{})
	go func() {
		if err := s.request(); err != nil {
			t.Fatalf("request: %v", err) // bug: Fatal in a goroutine; done is never closed
		}
		close(done)
	}()
	<-done
}

func TestFixed(t *testing.T) {
	s := &server{}
	s.startSync()
	errc := make(chan error, 1)
	go func() { errc <- s.request() }()
	if err := <-errc; err != nil {
		t.Fatalf("request: %v", err)
	}
}
