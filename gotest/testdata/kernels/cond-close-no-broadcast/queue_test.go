package condclose

import "testing"

func consume(t *testing.T, q *Queue) {
	t.Helper()
	got := make(chan int)
	go func() {
		for {
			v, ok := q.Pop()
			if !ok {
				return
			}
			got <- v
		}
	}()
	q.Push(7)
	if v := <-got; v != 7 {
		t.Errorf("got %d, want 7", v)
	}
	q.Close()
}

func TestBuggy(t *testing.T) { consume(t, NewQueue(false)) }

func TestFixed(t *testing.T) { consume(t, NewQueue(true)) }
