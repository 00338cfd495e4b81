package genericqueue

import "testing"

type task struct{ id int }

func drain(t *testing.T, pop func(*Queue[task]) (task, bool)) {
	t.Helper()
	q := New[task](2)
	got := make(chan int, 2)
	go func() {
		for {
			tk, ok := pop(q)
			if !ok {
				return
			}
			got <- tk.id
		}
	}()
	q.Push(task{1})
	if id := <-got; id != 1 {
		t.Errorf("popped %d", id)
	}
	q.Close()
}

func TestBuggy(t *testing.T) { drain(t, (*Queue[task]).Pop) }

func TestFixed(t *testing.T) { drain(t, (*Queue[task]).PopFixed) }
