// Package sliceappend is a Syncthing-style folder scan whose goroutines
// append their results to a slice captured from the caller, unlocked.
package sliceappend

import (
	"sync"
	"testing"
)

func scan(folder string) string { return folder + "/.stfolder" }

func scanAll(folders []string) []string {
	var results []string
	var wg sync.WaitGroup
	for _, f := range folders {
		wg.Add(1)
		go func(f string) {
			defer wg.Done()
			results = append(results, scan(f)) // bug: concurrent appends
		}(f)
	}
	wg.Wait()
	return results
}

func scanAllFixed(folders []string) []string {
	var (
		mu      sync.Mutex
		results []string
		wg      sync.WaitGroup
	)
	for _, f := range folders {
		wg.Add(1)
		go func(f string) {
			defer wg.Done()
			r := scan(f)
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		}(f)
	}
	wg.Wait()
	return results
}

func TestBuggy(t *testing.T) { scanAll([]string{"docs", "photos"}) }

func TestFixed(t *testing.T) {
	if got := scanAllFixed([]string{"docs", "photos"}); len(got) != 2 {
		t.Errorf("%d results, want 2", len(got))
	}
}
