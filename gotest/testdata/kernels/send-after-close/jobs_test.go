// Package sendafterclose: the consumer closes the channel while a producer
// may still send.
package sendafterclose

import "testing"

func producer(jobs chan<- int, closes bool) {
	jobs <- 1
	jobs <- 2
	if closes {
		close(jobs) // the sender closes
	}
}

func TestBuggy(t *testing.T) {
	jobs := make(chan int, 2)
	go producer(jobs, false)
	<-jobs
	close(jobs) // bug: the receiver has seen enough and closes
}

func TestFixed(t *testing.T) {
	jobs := make(chan int, 2)
	go producer(jobs, true)
	n := 0
	for range jobs {
		n++
	}
	if n != 2 {
		t.Errorf("%d jobs, want 2", n)
	}
}
