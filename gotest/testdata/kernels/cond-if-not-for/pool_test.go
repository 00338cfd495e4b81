package condifnotfor

import (
	"sync"
	"testing"
)

func twoClients(get func(*Pool) int) {
	p := NewPool()
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c := get(p); p.Put(c) }()
	}
	p.Put(1)
	wg.Wait()
}

func TestBuggy(t *testing.T) { twoClients((*Pool).Get) }

func TestFixed(t *testing.T) { twoClients((*Pool).GetFixed) }
