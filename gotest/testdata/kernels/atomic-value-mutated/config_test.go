package atomicvalue

import "testing"

func routeWhileServing(t *testing.T, add func(*Holder, string)) {
	t.Helper()
	h := NewHolder()
	done := make(chan struct{})
	go func() { defer close(done); add(h, "/api") }()
	if c := h.Load(); c.Gen > 1 {
		t.Errorf("generation %d", c.Gen)
	}
	<-done
}

func TestBuggy(t *testing.T) { routeWhileServing(t, (*Holder).AddRoute) }

func TestFixed(t *testing.T) { routeWhileServing(t, (*Holder).AddRouteFixed) }
