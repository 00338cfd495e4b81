// Package missingdone: a worker returns on an error without calling Done,
// so Wait blocks forever.
package missingdone

import (
	"sync"
	"testing"
)

func work(i int) error {
	if i == 1 {
		return errTimeout
	}
	return nil
}

type timeoutError struct{}

func (timeoutError) Error() string { return "timeout" }

var errTimeout error = timeoutError{}

func TestBuggy(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			if err := work(i); err != nil {
				return // bug: Done is skipped
			}
			wg.Done()
		}(i)
	}
	wg.Wait()
}

func TestFixed(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := work(i); err != nil {
				return
			}
		}(i)
	}
	wg.Wait()
}
