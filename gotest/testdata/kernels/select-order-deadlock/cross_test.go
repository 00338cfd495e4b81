// Package crosssend: two goroutines each send to the other on unbuffered
// channels before receiving.
package crosssend

import (
	"sync"
	"testing"
)

func exchange(size int) {
	toA := make(chan int, size)
	toB := make(chan int, size)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); toB <- 1; <-toA }()
	go func() { defer wg.Done(); toA <- 2; <-toB }()
	wg.Wait()
}

func TestBuggy(t *testing.T) { exchange(0) }

func TestFixed(t *testing.T) { exchange(1) }
