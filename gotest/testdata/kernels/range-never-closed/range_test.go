// Package rangeclose: a consumer ranges over a channel the producer never
// closes.
package rangeclose

import (
	"sync"
	"testing"
)

func produce(closes bool) {
	items := make(chan int, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range items {
		}
	}()
	for i := 0; i < 2; i++ {
		items <- i
	}
	if closes {
		close(items)
		wg.Wait()
	}
}

func TestBuggy(t *testing.T) { produce(false) }

func TestFixed(t *testing.T) { produce(true) }
