// Package structfield is a Docker-style container whose state fields are
// written under its embedded mutex but read by a getter that forgets to
// lock.
package structfield

import "sync"

// Container is a running or stopped container.
type Container struct {
	sync.Mutex
	State    string
	ExitCode int
}

// SetStopped records the exit.
func (c *Container) SetStopped(code int) {
	c.Lock()
	c.State = "stopped"
	c.ExitCode = code
	c.Unlock()
}

// StateString is buggy: it reads State without the lock.
func (c *Container) StateString() string { return c.State }

// StateStringFixed locks.
func (c *Container) StateStringFixed() string {
	c.Lock()
	defer c.Unlock()
	return c.State
}
