package tickerloop

import (
	"testing"
	"time"
)

func TestBuggy(t *testing.T) {
	NewRefresher(10 * time.Millisecond)
	time.Sleep(25 * time.Millisecond)
}

func TestFixed(t *testing.T) {
	r := NewRefresher(10 * time.Millisecond)
	defer r.Stop()
	time.Sleep(25 * time.Millisecond)
}
