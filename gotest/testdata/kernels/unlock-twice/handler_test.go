// Package unlocktwice: an error path unlocks, then a deferred Unlock
// unlocks again.
package unlocktwice

import (
	"sync"
	"testing"
)

type handler struct {
	sync.Mutex
	earlyUnlock bool
}

func (h *handler) serve() {
	h.Lock()
	defer h.Unlock()
	if h.earlyUnlock {
		h.Unlock() // bug: the error path releases early
	}
}

func run(early bool) {
	h := &handler{earlyUnlock: early}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); h.serve() }()
	go func() { defer wg.Done(); h.Lock(); h.Unlock() }()
	wg.Wait()
}

func TestBuggy(t *testing.T) { run(true) }

func TestFixed(t *testing.T) { run(false) }
