package breakinselect

import (
	"context"
	"testing"
)

type forwardFunc func(ctx context.Context, in <-chan int, out chan<- int, done chan<- struct{})

func forwardOne(t *testing.T, forward forwardFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in, out := make(chan int), make(chan int)
	done := make(chan struct{})
	go forward(ctx, in, out, done)
	in <- 1
	if v := <-out; v != 1 {
		t.Errorf("forwarded %d", v)
	}
	cancel()
}

func TestBuggy(t *testing.T) { forwardOne(t, Forward) }

func TestFixed(t *testing.T) { forwardOne(t, ForwardFixed) }
