// Package subtestserver is a test with subtests (t.Run) sharing a server
// that the parent test starts; the parent never stops it, so its accept
// loop outlives the test (the leak goleak reports in many Kubernetes and
// etcd test suites).
package subtestserver

import (
	"sync"
	"testing"
)

type server struct {
	conns chan string
	quit  chan struct{}
	mu    sync.Mutex
	seen  []string
	wg    sync.WaitGroup
}

func startServer() *server {
	s := &server{conns: make(chan string), quit: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			select {
			case c := <-s.conns:
				s.mu.Lock()
				s.seen = append(s.seen, c)
				s.mu.Unlock()
			case <-s.quit:
				return
			}
		}
	}()
	return s
}

func (s *server) stop() {
	close(s.quit)
	s.wg.Wait()
}

func runClients(t *testing.T, s *server) {
	for _, name := range []string{"alice", "bob"} {
		t.Run(name, func(t *testing.T) {
			s.conns <- name
		})
	}
}

func TestBuggy(t *testing.T) {
	s := startServer()
	runClients(t, s)
}

func TestFixed(t *testing.T) {
	s := startServer()
	defer s.stop()
	runClients(t, s)
}
