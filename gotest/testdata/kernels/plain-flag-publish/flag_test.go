// Package plainflag: a done flag is a plain variable polled by another
// goroutine instead of an atomic or a channel.
package plainflag

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestBuggy(t *testing.T) {
	var done bool
	data := 0
	go func() {
		data = 7
		done = true
	}()
	for !done {
		runtime.Gosched()
	}
	if data != 7 {
		t.Errorf("data = %d, not published", data)
	}
}

func TestFixed(t *testing.T) {
	var done atomic.Bool
	data := 0
	go func() {
		data = 7
		done.Store(true)
	}()
	for !done.Load() {
		runtime.Gosched()
	}
	if data != 7 {
		t.Errorf("data = %d, not published", data)
	}
}
