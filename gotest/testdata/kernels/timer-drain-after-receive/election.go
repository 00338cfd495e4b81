// Package timerdrain is an etcd-style election loop that resets its
// timer with the usual "stop and drain" idiom; when the loop has already
// received the timer's value, Stop returns false and the drain blocks for
// ever.
package timerdrain

import "time"

// Candidate waits for heartbeats and campaigns when they stop.
type Candidate struct {
	heartbeats chan struct{}
	stop       chan struct{}
	done       chan struct{}
	campaigns  int
}

// Start runs the loop; safeDrain selects the fixed drain.
func Start(timeout time.Duration, safeDrain bool) *Candidate {
	c := &Candidate{heartbeats: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run(timeout, safeDrain)
	return c
}

func (c *Candidate) run(timeout time.Duration, safeDrain bool) {
	defer close(c.done)
	t := time.NewTimer(timeout)
	for {
		select {
		case <-c.heartbeats:
		case <-t.C:
			c.campaigns++ // the value is consumed here
		case <-c.stop:
			return
		}
		if safeDrain {
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
		} else if !t.Stop() {
			<-t.C // bug: blocks when the value was received above
		}
		t.Reset(timeout)
	}
}

// Heartbeat tells the candidate the leader is alive.
func (c *Candidate) Heartbeat() {
	select {
	case c.heartbeats <- struct{}{}:
	case <-c.done:
	}
}

// Stop ends the loop and waits for it.
func (c *Candidate) Stop() {
	close(c.stop)
	<-c.done
}
