// Package watchleak is a Kubernetes-style watch: an interface whose
// ResultChan returns a receive-only channel, and a fake implementation
// whose producer goroutine blocks on its next send once the consumer has
// called Stop and stopped reading.
package watchleak

// Event is one change.
type Event struct {
	Type   string
	Object string
}

// Interface is what a watch gives its consumer.
type Interface interface {
	Stop()
	ResultChan() <-chan Event
}

// fakeWatcher emits events from a goroutine.
type fakeWatcher struct {
	result chan Event
	stop   chan struct{}
	honour bool // the producer watches stop (the fix)
}

// Start returns a watch that emits events.
func Start(events []Event, honourStop bool) Interface {
	w := &fakeWatcher{result: make(chan Event), stop: make(chan struct{}), honour: honourStop}
	go w.produce(events)
	return w
}

func (w *fakeWatcher) produce(events []Event) {
	defer close(w.result)
	for _, e := range events {
		if !w.honour {
			w.result <- e
			continue
		}
		select {
		case w.result <- e:
		case <-w.stop:
			return
		}
	}
}

func (w *fakeWatcher) Stop() { close(w.stop) }

func (w *fakeWatcher) ResultChan() <-chan Event { return w.result }
