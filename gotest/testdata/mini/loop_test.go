package mini

import (
	"sync"
	"testing"
)

// TestLoopVarShared reads the loop variable in goroutines while the loop
// increments it: a data race in a go 1.21 module, where the variable is
// one for the whole loop (go test -race reports it too). The translation
// must keep that meaning although the runtime needs a newer go line.
func TestLoopVarShared(t *testing.T) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	sum := 0
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			sum += i
			mu.Unlock()
		}()
	}
	wg.Wait()
	if sum > 9 {
		t.Fatalf("sum = %d", sum)
	}
}
