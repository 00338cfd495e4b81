package addfiltered

import "testing"

func pullWhilePrefetching(pullAll func(*Puller, []string)) {
	p := NewPuller()
	done := make(chan struct{})
	go func() { defer close(done); p.Prefetch("busybox") }()
	pullAll(p, []string{"alpine", "busybox"})
	<-done
}

func TestBuggy(t *testing.T) { pullWhilePrefetching((*Puller).PullAll) }

func TestFixed(t *testing.T) { pullWhilePrefetching((*Puller).PullAllFixed) }
