// Package e2e holds small buggy and fixed programs that the end-to-end
// test runs translated.
package e2e

import (
	"bytes"
	"sync"
)

// calls counts Fetch calls: package state that every execution must see
// start at zero.
var calls int

// Fetch answers on a channel nobody reads when the caller gave up: with an
// unbuffered channel the sender leaks.
func Fetch(buffered bool, giveUp bool) int {
	calls++
	size := 0
	if buffered {
		size = 1
	}
	ch := make(chan int, size)
	go func() { ch <- 42 }()
	if giveUp {
		return -1
	}
	return <-ch
}

// Counter is incremented by two goroutines, with or without its mutex.
type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc(locked bool) {
	if locked {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	c.n++
}

// Calls returns how many times Fetch ran in this execution.
func Calls() int { return calls }

// Safely runs f and reports whether it panicked.
func Safely(f func()) (panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			panicked = true
		}
	}()
	f()
	return false
}

// Registry is a map that Sum iterates and Set writes, with or without the
// lock.
type Registry struct {
	mu sync.Mutex
	m  map[string]int
}

func (r *Registry) Set(k string, v int, locked bool) {
	if locked {
		r.mu.Lock()
		defer r.mu.Unlock()
	}
	r.m[k] = v
}

func (r *Registry) Sum() (n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.m {
		n += v
	}
	return n
}

// Log is a buffer two goroutines append to, with or without its lock:
// bytes.Buffer is not translated, so its methods' effects are recorded at
// the call.
type Log struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *Log) Add(s string, locked bool) {
	if locked {
		l.mu.Lock()
		defer l.mu.Unlock()
	}
	l.buf.WriteString(s)
}
