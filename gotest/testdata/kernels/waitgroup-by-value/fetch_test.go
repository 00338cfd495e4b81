// Package wgbyvalue passes a sync.WaitGroup to its workers by value (a
// Docker- and Kubernetes-style bug of Tu et al.): each worker's Done
// lowers its own copy, so Wait never returns.
package wgbyvalue

import (
	"sync"
	"testing"
)

type fetcher struct {
	mu      sync.Mutex
	fetched []string
}

func (f *fetcher) fetch(url string) {
	f.mu.Lock()
	f.fetched = append(f.fetched, url)
	f.mu.Unlock()
}

// worker is buggy: wg is copied (go vet says so; go test does not run that check).
func (f *fetcher) worker(url string, wg sync.WaitGroup) {
	defer wg.Done()
	f.fetch(url)
}

func (f *fetcher) workerFixed(url string, wg *sync.WaitGroup) {
	defer wg.Done()
	f.fetch(url)
}

func TestBuggy(t *testing.T) {
	f := &fetcher{}
	var wg sync.WaitGroup
	for _, u := range []string{"a", "b"} {
		wg.Add(1)
		go f.worker(u, wg)
	}
	wg.Wait()
}

func TestFixed(t *testing.T) {
	f := &fetcher{}
	var wg sync.WaitGroup
	for _, u := range []string{"a", "b"} {
		wg.Add(1)
		go f.workerFixed(u, &wg)
	}
	wg.Wait()
	if len(f.fetched) != 2 {
		t.Errorf("fetched %v", f.fetched)
	}
}
