// Package loopvar is the Go 1.22 twin of testdata/mod121/loopvar: a loop
// variable is one variable per iteration, so nothing races.
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
