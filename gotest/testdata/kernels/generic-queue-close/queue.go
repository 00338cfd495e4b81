// Package genericqueue is a generic work queue (type parameters over
// channels, as newer Kubernetes code has) whose Pop blocks on the items
// channel without watching the closed channel, so a consumer waiting when
// the queue shuts down waits for ever.
package genericqueue

// Queue is a bounded FIFO of T.
type Queue[T any] struct {
	items  chan T
	closed chan struct{}
}

// New returns a queue of capacity n.
func New[T any](n int) *Queue[T] {
	return &Queue[T]{items: make(chan T, n), closed: make(chan struct{})}
}

// Push adds v.
func (q *Queue[T]) Push(v T) { q.items <- v }

// Pop is buggy: it does not notice the queue closing.
func (q *Queue[T]) Pop() (T, bool) {
	v := <-q.items
	return v, true
}

// PopFixed returns false once the queue is closed and empty.
func (q *Queue[T]) PopFixed() (T, bool) {
	select {
	case v := <-q.items:
		return v, true
	case <-q.closed:
		var zero T
		return zero, false
	}
}

// Close shuts the queue down.
func (q *Queue[T]) Close() { close(q.closed) }
