// Package closebeforesent is a Docker-style collector: producers join a
// WaitGroup from inside their own goroutines and a closer closes the
// results channel after Wait, which can return before a late producer
// has joined; its send then panics.
package closebeforesent

import (
	"sync"
	"testing"
)

func collect(addInside bool) int {
	results := make(chan int, 4)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		if !addInside {
			wg.Add(1)
		}
		go func(v int) {
			if addInside {
				wg.Add(1) // bug: Wait may already have returned
			}
			defer wg.Done()
			results <- v
		}(i)
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	n := 0
	for range results {
		n++
	}
	return n
}

func TestBuggy(t *testing.T) { collect(true) }

func TestFixed(t *testing.T) {
	if n := collect(false); n != 2 {
		t.Errorf("collected %d, want 2", n)
	}
}
