package atomicmixed

import "testing"

func applyWhileReporting(t *testing.T, index func(*Node) uint64) {
	t.Helper()
	n := &Node{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.Apply()
		n.Apply()
	}()
	if i := index(n); i > 2 {
		t.Errorf("applied index %d > 2", i)
	}
	<-done
}

func TestBuggy(t *testing.T) { applyWhileReporting(t, (*Node).AppliedIndex) }

func TestFixed(t *testing.T) { applyWhileReporting(t, (*Node).AppliedIndexFixed) }
