// Package replychan is an etcd-style request loop: clients send a reply
// channel on a channel of channels and wait for the answer or a timeout.
// The reply channel is unbuffered, so after a timeout the loop blocks on
// its reply forever.
package replychan

import "time"

// Server answers requests in its loop.
type Server struct {
	reqs     chan chan int
	buffered bool
}

// NewServer starts the loop; buffered says whether clients make their
// reply channel buffered (the fix).
func NewServer(buffered bool) *Server {
	s := &Server{reqs: make(chan chan int), buffered: buffered}
	go s.loop()
	return s
}

func (s *Server) loop() {
	for reply := range s.reqs {
		reply <- 42
	}
}

// Get asks the loop for a value and gives up after timeout.
func (s *Server) Get(timeout time.Duration) (int, bool) {
	size := 0
	if s.buffered {
		size = 1
	}
	reply := make(chan int, size)
	s.reqs <- reply
	select {
	case v := <-reply:
		return v, true
	case <-time.After(timeout):
		return 0, false
	}
}

// Stop ends the loop.
func (s *Server) Stop() { close(s.reqs) }
