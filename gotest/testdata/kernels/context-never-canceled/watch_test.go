// Package nevercanceled: a watcher waits on ctx.Done() of a context whose
// cancel is never called.
package nevercanceled

import (
	"context"
	"testing"
)

func watch(ctx context.Context) {
	go func() { <-ctx.Done() }()
}

func TestBuggy(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_ = cancel // bug: a missing defer cancel()
	watch(ctx)
}

func TestFixed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watch(ctx)
}
