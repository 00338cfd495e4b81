// Package addinside: wg.Add is called inside the new goroutine, so Wait
// can return before it.
package addinside

import (
	"sync"
	"testing"
)

func TestBuggy(t *testing.T) {
	var wg sync.WaitGroup
	total := 0
	go func() {
		wg.Add(1) // bug: too late, Wait may already have returned
		defer wg.Done()
		total = 5
	}()
	wg.Wait()
	_ = total
}

func TestFixed(t *testing.T) {
	var wg sync.WaitGroup
	total := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		total = 5
	}()
	wg.Wait()
	if total != 5 {
		t.Errorf("total = %d", total)
	}
}
