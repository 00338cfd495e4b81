// Package pollflag is an Istio-style poller: a select loop with a default
// branch that checks a plain closed field, which Close writes without
// synchronisation.
package pollflag

import (
	"runtime"
	"sync/atomic"
)

// Poller drains work until closed.
type Poller struct {
	work      chan int
	closed    bool
	closedAtm atomic.Bool
	atomic    bool // use closedAtm (the fix)
	done      chan struct{}
}

// Start runs the loop.
func Start(useAtomic bool) *Poller {
	p := &Poller{work: make(chan int, 4), done: make(chan struct{}), atomic: useAtomic}
	go p.loop()
	return p
}

func (p *Poller) isClosed() bool {
	if p.atomic {
		return p.closedAtm.Load()
	}
	return p.closed
}

func (p *Poller) loop() {
	defer close(p.done)
	for {
		select {
		case <-p.work:
		default:
			if p.isClosed() {
				return
			}
			runtime.Gosched()
		}
	}
}

// Close stops the loop and waits for it.
func (p *Poller) Close() {
	if p.atomic {
		p.closedAtm.Store(true)
	} else {
		p.closed = true // bug: a plain write the loop reads
	}
	<-p.done
}
