// Package flakyprobe is a gRPC-style balancer whose health probes fail at
// random (math/rand stands for a flaky network) and report failures on an
// unbuffered channel; the balancer drains the channel without waiting, so
// a failure reported late blocks its probe forever.
package flakyprobe

import (
	"math/rand"
	"time"
)

// Balancer probes its backends.
type Balancer struct {
	failures chan string
}

// NewBalancer returns a balancer whose failure channel has room for
// buffer reports (0: the bug; one per backend: the fix).
func NewBalancer(buffer int) *Balancer { return &Balancer{failures: make(chan string, buffer)} }

func (b *Balancer) probe(addr string) {
	if rand.Intn(4) == 0 { // the backend did not answer
		b.failures <- addr
	}
}

// CheckAll probes every backend and returns the ones that failed so far.
func (b *Balancer) CheckAll(addrs []string) []string {
	for _, a := range addrs {
		go b.probe(a)
	}
	time.Sleep(time.Millisecond) // probes are fast
	var down []string
	for {
		select {
		case a := <-b.failures:
			down = append(down, a)
		default:
			return down
		}
	}
}
