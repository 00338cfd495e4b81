package stoptwice

import (
	"sync"
	"testing"
)

func stopTwice(stop func(*Informer)) {
	inf := NewInformer()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); stop(inf) }() // the shutdown signal
	stop(inf)                                  // the deferred cleanup
	wg.Wait()
}

func TestBuggy(t *testing.T) { stopTwice((*Informer).Stop) }

func TestFixed(t *testing.T) { stopTwice((*Informer).StopFixed) }
