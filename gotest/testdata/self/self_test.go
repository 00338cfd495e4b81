// Package self is a test package inside the simrun module itself, where
// simrun test needs no temporary go.mod and must not translate the
// runtime (go test ./... leaves testdata out).
package self

import "testing"

// TestLeak leaves its goroutine blocked on a send.
func TestLeak(t *testing.T) {
	c := make(chan int)
	go func() { c <- 1 }()
}
