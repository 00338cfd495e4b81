// Package mini is a small worker pool, the module that simrun test's
// end-to-end test runs: its go.mod does not mention simrun, and it says
// go 1.21 (loop variables shared by every iteration).
package mini

import (
	"context"
	"sync"
)

// sums counts the calls of Sum: package state that every execution of a
// test must see fresh.
var sums int

// First runs work on every item in a goroutine of its own and returns the
// first result, or ctx's error when ctx ends first.
//
// The results channel has no buffer: once First has returned, the other
// workers block on their send forever (a goroutine leak).
func First(ctx context.Context, items []int, work func(int) int) (int, error) {
	results := make(chan int)
	for _, it := range items {
		go func(it int) { results <- work(it) }(it)
	}
	select {
	case r := <-results:
		return r, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// FirstFixed is First with room in the channel for every result, so that
// no worker is left blocked.
func FirstFixed(ctx context.Context, items []int, work func(int) int) (int, error) {
	results := make(chan int, len(items))
	for _, it := range items {
		go func(it int) { results <- work(it) }(it)
	}
	select {
	case r := <-results:
		return r, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Sum adds work(item) over the items in parallel, under a mutex.
func Sum(items []int, work func(int) int) int {
	sums++
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for _, it := range items {
		wg.Add(1)
		go func(it int) {
			defer wg.Done()
			v := work(it)
			mu.Lock()
			total += v
			mu.Unlock()
		}(it)
	}
	wg.Wait()
	return total
}
