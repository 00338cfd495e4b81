// Package leak is translatable, beside package unsupported which is not:
// its test runs all the same.
package leak

import "testing"

// TestLeak leaves its goroutine blocked on a send.
func TestLeak(t *testing.T) {
	c := make(chan int)
	go func() { c <- 1 }()
}
