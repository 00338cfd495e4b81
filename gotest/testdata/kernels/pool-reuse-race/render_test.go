package poolreuse

import (
	"sync"
	"testing"
)

func renderTwo(t *testing.T, render func(string) int) {
	t.Helper()
	var wg sync.WaitGroup
	for _, p := range []string{"index", "about"} {
		wg.Add(1)
		go func(p string) {
			defer wg.Done()
			if n := render(p); n != len(p) {
				t.Errorf("rendered %d bytes of %q", n, p)
			}
		}(p)
	}
	wg.Wait()
}

func TestBuggy(t *testing.T) { renderTwo(t, Render) }

func TestFixed(t *testing.T) { renderTwo(t, RenderFixed) }
