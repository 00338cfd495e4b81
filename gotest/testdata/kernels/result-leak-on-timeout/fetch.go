// Package resultleak is a caller that waits for a worker's result or a
// timeout; the worker sends on an unbuffered channel, so when the timeout
// wins nobody ever receives and the worker leaks.
package resultleak

import (
	"context"
	"time"
)

// Fetch starts a worker and returns its result, or 0 on a timeout.
func Fetch(buffered bool) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	size := 0
	if buffered {
		size = 1 // the fix: the worker can always deliver and exit
	}
	result := make(chan int, size)
	go func() {
		time.Sleep(5 * time.Millisecond)
		result <- 42
	}()
	select {
	case v := <-result:
		return v
	case <-ctx.Done():
		return 0
	}
}
