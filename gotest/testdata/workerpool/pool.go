// Package workerpool runs jobs on a fixed number of worker goroutines and
// collects their results. It is the worked example of simrun test in
// simrun's README: its tests pass under go test (and go test -race), yet
// Run leaks its workers when the context ends first. The fixed version
// is in the fixed subdirectory.
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
	var wg sync.WaitGroup
	for i := 0; i < p.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range feed {
				out, err := job(ctx)
				results <- result{out, err}
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
				return outs, nil
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
