// Package earlyconsumer: the consumer stops early on an error and the
// producer blocks on its next send with no done channel to watch.
package earlyconsumer

import "testing"

func stream(done <-chan struct{}) <-chan int {
	out := make(chan int)
	go func() {
		for i := 0; i < 3; i++ {
			if done == nil {
				out <- i
				continue
			}
			select {
			case out <- i:
			case <-done:
				return
			}
		}
	}()
	return out
}

func TestBuggy(t *testing.T) {
	s := stream(nil)
	<-s // the consumer fails on the first item and returns
}

func TestFixed(t *testing.T) {
	done := make(chan struct{})
	defer close(done)
	s := stream(done)
	<-s
}
