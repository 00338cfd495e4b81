// Package selectsend: a producer selects on a send and a done channel, but
// shutdown closes the data channel, not done: the select still panics.
package selectsend

import (
	"sync"
	"testing"
)

func run(fixed bool) {
	data := make(chan int, 1)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 2; i++ {
			select {
			case data <- i:
			case <-done:
				return
			}
		}
	}()
	<-data
	if fixed {
		close(done)
	} else {
		close(data)
	}
	wg.Wait()
}

func TestBuggy(t *testing.T) { run(false) }

func TestFixed(t *testing.T) { run(true) }
