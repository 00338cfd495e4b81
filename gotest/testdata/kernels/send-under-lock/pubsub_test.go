// Package sendunderlock: a goroutine sends on an unbuffered channel while
// holding a mutex the receiver needs first.
package sendunderlock

import (
	"sync"
	"testing"
)

type publisher struct {
	mu      sync.Mutex
	state   int
	updates chan int
}

func (p *publisher) publish() {
	p.mu.Lock()
	p.state = 1
	p.updates <- 1 // bug: sends while holding p.mu
	p.mu.Unlock()
}

func (p *publisher) publishFixed() {
	p.mu.Lock()
	p.state = 1
	p.mu.Unlock()
	p.updates <- 1
}

func subscribe(p *publisher) {
	p.mu.Lock() // the subscriber reads the state first
	_ = p.state
	p.mu.Unlock()
	<-p.updates
}

func TestBuggy(t *testing.T) {
	p := &publisher{updates: make(chan int)}
	go p.publish()
	subscribe(p)
}

func TestFixed(t *testing.T) {
	p := &publisher{updates: make(chan int)}
	go p.publishFixed()
	subscribe(p)
}
