package replychan

import (
	"testing"
	"time"
)

func get(t *testing.T, s *Server) {
	t.Helper()
	defer s.Stop()
	if _, ok := s.Get(time.Millisecond); !ok {
		t.Log("timed out; retrying later")
	}
}

func TestBuggy(t *testing.T) { get(t, NewServer(false)) }

func TestFixed(t *testing.T) { get(t, NewServer(true)) }
