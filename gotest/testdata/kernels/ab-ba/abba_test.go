// Package abba: two goroutines take two locks in opposite orders.
package abba

import (
	"sync"
	"testing"
)

var a, b sync.Mutex

func both(first, second *sync.Mutex) {
	first.Lock()
	second.Lock()
	second.Unlock()
	first.Unlock()
}

func run(fixed bool) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); both(&a, &b) }()
	go func() {
		defer wg.Done()
		if fixed {
			both(&a, &b)
		} else {
			both(&b, &a)
		}
	}()
	wg.Wait()
}

func TestBuggy(t *testing.T) { run(false) }

func TestFixed(t *testing.T) { run(true) }
