package eventsunderlock

import "testing"

func indexThree(index func(*Model, string)) {
	m := NewModel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range m.Events {
			m.Handle(ev)
		}
	}()
	for _, f := range []string{"a", "b", "c"} {
		index(m, f)
	}
	close(m.Events)
	<-done
}

func TestBuggy(t *testing.T) { indexThree((*Model).Index) }

func TestFixed(t *testing.T) { indexThree((*Model).IndexFixed) }
