// Package loopvar captures loop variables in goroutines: from Go 1.22 a
// loop variable is one variable per iteration and nothing races; before,
// it is one variable for the whole loop, which the goroutines race on
// (TestLoopVar121 runs it in a go 1.21 module).
package loopvar

import "sync"

// Sum starts a goroutine per element, each reading the loop variable.
func Sum(xs []int, ch chan int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			total += x
			mu.Unlock()
		}()
	}
	for v := range ch {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			total += v
			mu.Unlock()
		}()
	}
	wg.Wait()
	return total
}
