// Package lease is a lease that expires through time.AfterFunc. Revoke
// holds the lease's lock while it waits for an expiry callback that has
// already started, and that callback needs the lock.
package lease

import (
	"sync"
	"time"
)

// Lease expires after its TTL unless revoked.
type Lease struct {
	mu      sync.Mutex
	timer   *time.Timer
	expired chan struct{}
	state   string
}

// Grant starts a lease of ttl.
func Grant(ttl time.Duration) *Lease {
	l := &Lease{expired: make(chan struct{}), state: "granted"}
	l.timer = time.AfterFunc(ttl, l.expire)
	return l
}

func (l *Lease) expire() {
	l.mu.Lock()
	l.state = "expired"
	l.mu.Unlock()
	close(l.expired)
}

// Revoke is buggy: when the timer has fired, it waits for the callback
// while holding the lock the callback takes.
func (l *Lease) Revoke() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.timer.Stop() {
		<-l.expired
	}
	l.state = "revoked"
}

// RevokeFixed waits for a running callback before taking the lock.
func (l *Lease) RevokeFixed() {
	if !l.timer.Stop() {
		<-l.expired
	}
	l.mu.Lock()
	l.state = "revoked"
	l.mu.Unlock()
}

// State returns the lease's state.
func (l *Lease) State() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state
}
