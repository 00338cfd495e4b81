// Package tickerloop is a background refresher that selects on a ticker
// and a stop channel; its owner never closes stop, so the loop outlives
// it.
package tickerloop

import (
	"sync/atomic"
	"time"
)

// Refresher refreshes every period until stopped.
type Refresher struct {
	stop  chan struct{}
	ticks atomic.Int64
}

// NewRefresher starts the refresh loop.
func NewRefresher(period time.Duration) *Refresher {
	r := &Refresher{stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				r.ticks.Add(1)
			case <-r.stop:
				return
			}
		}
	}()
	return r
}

// Stop ends the loop.
func (r *Refresher) Stop() { close(r.stop) }
