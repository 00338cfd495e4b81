// Package workerpool (the fixed version of the README's worked example)
// runs jobs on a fixed number of worker goroutines and collects their
// results. Run closes done when it returns, and the workers and the
// feeder select on it, so none of them outlives Run; and when the context
// ends before every job was fed, Run returns its error even if the
// results channel closes first (simrun test found that second bug once
// the leak was fixed).
package workerpool

import (
	"context"
	"sync"
)

// Job is one unit of work.
type Job func(ctx context.Context) (string, error)

// Pool runs jobs on a fixed number of workers.
type Pool struct {
	workers int
}

// New returns a pool of n workers.
func New(n int) *Pool { return &Pool{workers: n} }

type result struct {
	out string
	err error
}

// Run runs jobs on the pool's workers and returns their outputs in the
// order they finished. It returns early with the first job's error, or
// with ctx's error when ctx ends first.
func (p *Pool) Run(ctx context.Context, jobs []Job) ([]string, error) {
	feed := make(chan Job)
	results := make(chan result)
	done := make(chan struct{}) // closed when Run returns: nobody reads results any more
	defer close(done)
	var wg sync.WaitGroup
	for i := 0; i < p.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range feed {
				out, err := job(ctx)
				select {
				case results <- result{out, err}:
				case <-done:
					return
				}
			}
		}()
	}
	go func() {
		defer close(feed)
		for _, j := range jobs {
			select {
			case feed <- j:
			case <-ctx.Done():
				return
			case <-done:
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	var outs []string
	for {
		select {
		case r, ok := <-results:
			if !ok {
				// Every job fed has finished; when ctx ended first, the
				// feeder stopped early and not every job ran.
				return outs, ctx.Err()
			}
			if r.err != nil {
				return outs, r.err
			}
			outs = append(outs, r.out)
		case <-ctx.Done():
			return outs, ctx.Err()
		}
	}
}
