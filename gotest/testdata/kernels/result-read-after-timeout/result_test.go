// Package resultvar: the worker writes a shared result variable; the
// caller reads it after a timeout, unordered with the write.
package resultvar

import (
	"testing"
	"time"
)

func callShared() int {
	var res int
	out := make(chan int, 1)
	go func() {
		res = 42
		out <- 0
	}()
	select {
	case <-out:
	case <-time.After(5 * time.Millisecond):
	}
	return res // bug: after a timeout this read races with the write
}

func callViaChan() int {
	out := make(chan int, 1)
	go func() { out <- 42 }()
	select {
	case v := <-out:
		return v
	case <-time.After(5 * time.Millisecond):
		return 0
	}
}

func TestBuggy(t *testing.T) { callShared() }

func TestFixed(t *testing.T) { callViaChan() }
