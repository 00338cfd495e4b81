// Package lazydone is a gRPC-style operation whose Done channel is made
// lazily, like context's, but without the lock: two goroutines calling
// Done at once race, and may get different channels, one never closed.
package lazydone

import "sync"

// Op is an operation that finishes once.
type Op struct {
	mu     sync.Mutex
	done   chan struct{}
	locked bool // Done takes mu (the fix)
}

// Done returns a channel closed when the operation finishes.
func (o *Op) Done() <-chan struct{} {
	if o.locked {
		o.mu.Lock()
		defer o.mu.Unlock()
	}
	if o.done == nil {
		o.done = make(chan struct{})
	}
	return o.done
}

// Finish ends the operation.
func (o *Op) Finish() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done == nil {
		o.done = make(chan struct{})
	}
	close(o.done)
}
