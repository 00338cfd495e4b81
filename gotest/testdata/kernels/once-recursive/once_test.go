// Package oncerecursive: the function passed to Once.Do calls Do on the
// same Once.
package oncerecursive

import (
	"sync"
	"testing"
)

type loader struct {
	once      sync.Once
	cfg       int
	recursive bool
}

func (l *loader) load() {
	l.once.Do(func() {
		l.cfg = 1
		if l.recursive {
			l.load() // a helper that "makes sure" the config is loaded
		}
	})
}

func run(recursive bool) {
	l := &loader{recursive: recursive}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); l.load() }()
	go func() { defer wg.Done(); l.load() }()
	wg.Wait()
}

func TestBuggy(t *testing.T) { run(true) }

func TestFixed(t *testing.T) { run(false) }
