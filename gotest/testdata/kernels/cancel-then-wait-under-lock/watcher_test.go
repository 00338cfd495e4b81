package cancelunderlock

import (
	"context"
	"testing"
)

func TestBuggy(t *testing.T) {
	var w Watcher
	w.Start(context.Background())
	w.Stop()
}

func TestFixed(t *testing.T) {
	var w Watcher
	w.Start(context.Background())
	w.StopFixed()
	if w.stopped != 1 {
		t.Errorf("stopped = %d", w.stopped)
	}
}
