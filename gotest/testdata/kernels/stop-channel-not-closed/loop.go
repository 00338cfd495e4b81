// Package stoploop is a background loop that selects on a stop channel
// which Close forgets to close.
package stoploop

// Loop processes work until it is closed.
type Loop struct {
	stop chan struct{}
	work chan int
	// closeStops says whether Close closes stop; the buggy version forgets.
	closeStops bool
}

// Start starts the loop's goroutine.
func Start(closeStops bool) *Loop {
	l := &Loop{stop: make(chan struct{}), work: make(chan int), closeStops: closeStops}
	go l.run()
	return l
}

func (l *Loop) run() {
	for {
		select {
		case <-l.work:
		case <-l.stop:
			return
		}
	}
}

// Submit hands one item to the loop.
func (l *Loop) Submit(v int) { l.work <- v }

// Close stops the loop.
func (l *Loop) Close() {
	if l.closeStops {
		close(l.stop)
	}
}
