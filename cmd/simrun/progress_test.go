package main

import (
	"bytes"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	for _, c := range []struct {
		done, total int
		elapsed     time.Duration
		want        string
	}{
		{500, 1000, 10 * time.Second, "  x: 500/1000 runs (50%), 50/s, ETA 10s, 1 finding kinds"},
		{1000, 1000, 10 * time.Second, "  x: 1000/1000 runs (100%), 100/s, 1 finding kinds"},
		{0, 1000, 0, "  x: 0/1000 runs (0%), 1 finding kinds"},
		{42, 0, 2 * time.Second, "  x: 42 runs, 21/s, 1 finding kinds"},
		{0, 0, 2 * time.Second, "  x: runs, 1 finding kinds"},
	} {
		if got := progressLine("x", c.done, c.total, "runs", "1 finding kinds", c.elapsed); got != c.want {
			t.Errorf("progressLine(%d, %d, %v) = %q, want %q", c.done, c.total, c.elapsed, got, c.want)
		}
	}
}

// No progress reaches a buffer, a file or /dev/null: only a terminal.
func TestProgressOnlyOnTerminal(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, false)
	p.update("x", 1, 2, "runs", "")
	p.clear()
	if p.on || b.Len() > 0 {
		t.Errorf("progress drawn on a buffer: %q", b.String())
	}
	code, _, stderr := run(t, "run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-runs", "300", "-out", t.TempDir())
	if code != exitClean || stderr != "" {
		t.Errorf("exit %d, stderr %q: want nothing on a stderr that is not a terminal", code, stderr)
	}
}
