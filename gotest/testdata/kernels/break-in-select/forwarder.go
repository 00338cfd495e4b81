// Package breakinselect is a gRPC-style forwarding loop whose shutdown
// case says break, which leaves the select, not the for loop: after the
// context ends the goroutine spins for ever instead of returning.
package breakinselect

import "context"

// Forward copies in to out until ctx ends; it closes done when it stops.
func Forward(ctx context.Context, in <-chan int, out chan<- int, done chan<- struct{}) {
	defer close(done)
	for {
		select {
		case v := <-in:
			out <- v
		case <-ctx.Done():
			break // bug: ends the select only
		}
	}
}

// ForwardFixed returns when ctx ends.
func ForwardFixed(ctx context.Context, in <-chan int, out chan<- int, done chan<- struct{}) {
	defer close(done)
loop:
	for {
		select {
		case v := <-in:
			out <- v
		case <-ctx.Done():
			break loop
		}
	}
}
