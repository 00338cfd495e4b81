// Package ctxignored: a worker honours ctx.Done() while waiting for work
// but not while sending its reply.
package ctxignored

import (
	"context"
	"testing"
)

func serve(ctx context.Context, replies chan<- int, fixed bool) {
	if fixed {
		select {
		case replies <- 1:
		case <-ctx.Done():
		}
		return
	}
	replies <- 1
}

func call(fixed bool) {
	ctx, cancel := context.WithCancel(context.Background())
	replies := make(chan int)
	go serve(ctx, replies, fixed)
	select { // the client does not wait
	case <-replies:
	default:
	}
	cancel()
}

func TestBuggy(t *testing.T) { call(false) }

func TestFixed(t *testing.T) { call(true) }
