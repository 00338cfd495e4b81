package timerdrain

import (
	"testing"
	"time"
)

func TestBuggy(t *testing.T) {
	c := Start(time.Millisecond, false)
	c.Heartbeat()
	c.Stop()
}

func TestFixed(t *testing.T) {
	c := Start(time.Millisecond, true)
	c.Heartbeat()
	c.Stop()
}
