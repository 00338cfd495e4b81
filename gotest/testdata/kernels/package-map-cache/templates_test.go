package mapcache

import (
	"sync"
	"testing"
)

func renderPages(t *testing.T, lookup func(string) string) {
	t.Helper()
	var wg sync.WaitGroup
	for _, page := range []string{"single", "list"} {
		wg.Add(1)
		go func(page string) {
			defer wg.Done()
			if lookup(page) == "" {
				t.Errorf("no template for %s", page)
			}
		}(page)
	}
	wg.Wait()
}

func TestBuggy(t *testing.T) { renderPages(t, Lookup) }

func TestFixed(t *testing.T) { renderPages(t, LookupFixed) }
