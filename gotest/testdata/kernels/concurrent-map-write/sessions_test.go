package mapwrite

import (
	"sync"
	"testing"
)

func handle(s *Sessions) int {
	var wg sync.WaitGroup
	for i, user := range []string{"h1", "h2"} {
		wg.Add(1)
		go func(user string, id int) {
			defer wg.Done()
			s.Put(user, id)
		}(user, i)
	}
	wg.Wait()
	return s.Len()
}

func TestBuggy(t *testing.T) { handle(NewSessions(false)) }

func TestFixed(t *testing.T) {
	if n := handle(NewSessions(true)); n != 2 {
		t.Errorf("%d sessions, want 2", n)
	}
}
