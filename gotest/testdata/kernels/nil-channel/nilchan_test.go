// Package nilchan: a struct's channel field is never made, so the receive
// on the nil channel blocks forever.
package nilchan

import "testing"

type server struct {
	ready chan bool
}

func (s *server) start() {
	go func() {
		select {
		case s.ready <- true:
		default:
		}
	}()
	<-s.ready
}

func TestBuggy(t *testing.T) {
	s := &server{}
	s.start()
}

func TestFixed(t *testing.T) {
	s := &server{ready: make(chan bool, 1)}
	s.start()
}
