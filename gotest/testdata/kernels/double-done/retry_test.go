// Package doubledone: a retry path calls wg.Done a second time, making the
// WaitGroup counter negative.
package doubledone

import (
	"sync"
	"testing"
)

func fetch(wg *sync.WaitGroup, retried bool) {
	defer wg.Done()
	if retried {
		wg.Done() // bug: the retry path "finishes" too
	}
}

func run(retried bool) {
	var wg sync.WaitGroup
	wg.Add(2)
	go fetch(&wg, retried)
	go fetch(&wg, false)
	wg.Wait()
}

func TestBuggy(t *testing.T) { run(true) }

func TestFixed(t *testing.T) { run(false) }
