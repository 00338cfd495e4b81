// Package indexafterlen is a CockroachDB-style queue whose caller reads
// the length and then the last element in two critical sections: a
// concurrent Pop in between makes the index out of range (a panic, with
// no data race: every access is locked).
package indexafterlen

import (
	"sync"
	"testing"
)

type queue struct {
	mu    sync.Mutex
	items []int
}

func (q *queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

func (q *queue) At(i int) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items[i]
}

func (q *queue) Pop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) > 0 {
		q.items = q.items[:len(q.items)-1]
	}
}

// Last is buggy: length and element come from two critical sections.
func (q *queue) Last() (int, bool) {
	n := q.Len()
	if n == 0 {
		return 0, false
	}
	return q.At(n - 1), true
}

// LastFixed reads both under one lock.
func (q *queue) LastFixed() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return 0, false
	}
	return q.items[len(q.items)-1], true
}

func peekWhilePopping(last func(*queue) (int, bool)) {
	q := &queue{items: []int{1, 2}}
	done := make(chan struct{})
	go func() { defer close(done); q.Pop(); q.Pop() }()
	last(q)
	<-done
}

func TestBuggy(t *testing.T) { peekWhilePopping((*queue).Last) }

func TestFixed(t *testing.T) { peekWhilePopping((*queue).LastFixed) }
