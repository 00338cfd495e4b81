package wrongparent

import (
	"context"
	"testing"
)

func reconcileOnce(reconcile func(context.Context, *Prober)) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &Prober{Events: make(chan int)}
	reconcile(ctx, p)
	p.Events <- 1
}

func TestBuggy(t *testing.T) { reconcileOnce(Reconcile) }

func TestFixed(t *testing.T) { reconcileOnce(ReconcileFixed) }
