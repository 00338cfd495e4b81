// Package condclose is a CockroachDB-style work queue on a sync.Cond
// whose Close sets the closed flag but does not Broadcast, so a consumer
// already waiting never wakes.
package condclose

import "sync"

// Queue is a blocking FIFO.
type Queue struct {
	mu        sync.Mutex
	cond      *sync.Cond
	items     []int
	closed    bool
	broadcast bool // Close wakes the waiters (the fix)
}

// NewQueue returns an empty queue.
func NewQueue(broadcast bool) *Queue {
	q := &Queue{broadcast: broadcast}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Push appends v and wakes one consumer.
func (q *Queue) Push(v int) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.cond.Signal()
	q.mu.Unlock()
}

// Pop waits for an item; false once the queue is closed and empty.
func (q *Queue) Pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

// Close ends the queue.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	if q.broadcast {
		q.cond.Broadcast()
	}
	q.mu.Unlock()
}
