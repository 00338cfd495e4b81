// Package fanin is a Hugo-style fan-in: one forwarding goroutine per
// source merges into one channel; the consumer returns at the first match
// and the forwarders, which do not watch a done channel, block forever.
package fanin

import "sync"

// source sends vals; it stops early when done is closed (a nil done never
// is, so sources are as leaky as the forwarders in the buggy version).
func source(done <-chan struct{}, vals []int) <-chan int {
	c := make(chan int)
	go func() {
		defer close(c)
		for _, v := range vals {
			select {
			case c <- v:
			case <-done:
				return
			}
		}
	}()
	return c
}

// merge forwards every source into out; with a nil done it cannot be
// stopped early (the bug).
func merge(done <-chan struct{}, cs ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	wg.Add(len(cs))
	for _, c := range cs {
		go func(c <-chan int) {
			defer wg.Done()
			for v := range c {
				if done == nil {
					out <- v
					continue
				}
				select {
				case out <- v:
				case <-done:
					return
				}
			}
		}(c)
	}
	go func() { wg.Wait(); close(out) }()
	return out
}

// FirstOver returns the first merged value over limit.
func FirstOver(limit int, done <-chan struct{}) int {
	out := merge(done, source(done, []int{1, 5}), source(done, []int{7, 2}))
	for v := range out {
		if v > limit {
			return v
		}
	}
	return -1
}
