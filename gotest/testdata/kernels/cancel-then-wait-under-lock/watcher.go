// Package cancelunderlock is an Istio-style config watcher whose Stop
// cancels the watch context and waits for the watch goroutine while
// holding the lock that goroutine takes on its way out.
package cancelunderlock

import (
	"context"
	"sync"
)

// Watcher runs one watch goroutine.
type Watcher struct {
	mu      sync.Mutex
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	stopped int
}

// Start begins watching.
func (w *Watcher) Start(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	w.mu.Lock()
	w.cancel = cancel
	w.mu.Unlock()
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		<-ctx.Done()
		w.mu.Lock() // clean up
		w.stopped++
		w.mu.Unlock()
	}()
}

// Stop is buggy: it waits for the goroutine under w.mu.
func (w *Watcher) Stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cancel()
	w.wg.Wait()
}

// StopFixed cancels and waits without the lock.
func (w *Watcher) StopFixed() {
	w.mu.Lock()
	cancel := w.cancel
	w.mu.Unlock()
	cancel()
	w.wg.Wait()
}
