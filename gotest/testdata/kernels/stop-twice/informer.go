// Package stoptwice is a Kubernetes-style informer whose Stop checks a
// stopped flag under its lock but closes the stop channel after releasing
// it: two concurrent Stops both see it running and both close.
package stoptwice

import "sync"

// Informer runs until stopped.
type Informer struct {
	mu      sync.Mutex
	stopped bool
	stopCh  chan struct{}
}

// NewInformer returns a running informer.
func NewInformer() *Informer { return &Informer{stopCh: make(chan struct{})} }

// Stop is buggy: check and close are not one critical section.
func (i *Informer) Stop() {
	i.mu.Lock()
	stopped := i.stopped
	i.mu.Unlock()
	if stopped {
		return
	}
	close(i.stopCh)
	i.mu.Lock()
	i.stopped = true
	i.mu.Unlock()
}

// StopFixed closes inside the critical section.
func (i *Informer) StopFixed() {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.stopped {
		return
	}
	close(i.stopCh)
	i.stopped = true
}
