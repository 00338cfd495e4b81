package callbackunderlock

import "testing"

func watchAndSet(t *testing.T, set func(s *Store, k, v string)) {
	t.Helper()
	s := NewStore()
	seen := make(chan string, 1)
	registered := make(chan struct{})
	go func() {
		defer close(registered)
		s.Watch(func(key string) {
			select {
			case seen <- s.Get(key):
			default:
			}
		})
	}()
	set(s, "image", "alpine")
	<-registered
}

func TestBuggy(t *testing.T) { watchAndSet(t, (*Store).Set) }

func TestFixed(t *testing.T) { watchAndSet(t, (*Store).SetFixed) }
