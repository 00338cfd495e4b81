package countglobal

import (
	"sync"
	"testing"
)

func serveTwo(t *testing.T, handle func()) {
	t.Helper()
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); handle() }()
	}
	wg.Wait()
	if n := InFlight(); n != 0 {
		t.Errorf("%d requests in flight after all returned", n)
	}
}

func TestBuggy(t *testing.T) { serveTwo(t, Handle) }

func TestFixed(t *testing.T) { serveTwo(t, HandleFixed) }
