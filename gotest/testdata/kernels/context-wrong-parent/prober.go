// Package wrongparent is a Knative-Serving-style reconciler that starts a
// prober under a context tree; the buggy version derives the prober's
// context from context.Background() instead of the request's context, so
// cancelling the request never stops the prober.
package wrongparent

import "context"

type requestKey struct{}

// Prober watches probe events until its context ends.
type Prober struct {
	Events chan int
}

// Start runs the probe loop.
func (p *Prober) Start(ctx context.Context) {
	go func() {
		for {
			select {
			case <-p.Events:
			case <-ctx.Done():
				return
			}
		}
	}()
}

// Reconcile starts the prober for one request.
func Reconcile(ctx context.Context, p *Prober) {
	probeCtx, cancel := context.WithCancel(context.WithValue(context.Background(), requestKey{}, "r1")) // bug: detached from ctx
	_ = cancel
	p.Start(probeCtx)
}

// ReconcileFixed derives the prober's context from the request's.
func ReconcileFixed(ctx context.Context, p *Prober) {
	probeCtx := context.WithValue(ctx, requestKey{}, "r1")
	p.Start(probeCtx)
}
