// Package semaphoreleak: an error path returns without releasing a
// channel semaphore; later callers block.
package semaphoreleak

import (
	"sync"
	"testing"
)

type limiter struct {
	sem   chan struct{}
	fixed bool
}

func (l *limiter) call(fail bool) {
	l.sem <- struct{}{}
	if fail && !l.fixed {
		return // bug: the slot is never given back
	}
	<-l.sem
}

func run(fixed bool) {
	l := &limiter{sem: make(chan struct{}, 1), fixed: fixed}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); l.call(true) }()
	go func() { defer wg.Done(); l.call(false) }()
	wg.Wait()
}

func TestBuggy(t *testing.T) { run(false) }

func TestFixed(t *testing.T) { run(true) }
