// Package notify: a best-effort notification is a plain send instead of a
// select with default, and nobody listens any more.
package notify

import "testing"

type watcher struct {
	events    chan string
	listening chan struct{}
}

func newWatcher() *watcher {
	w := &watcher{events: make(chan string), listening: make(chan struct{})}
	go func() {
		select {
		case <-w.events:
		case <-w.listening:
		}
	}()
	return w
}

func (w *watcher) notify() { w.events <- "changed" }

func (w *watcher) notifyNonBlocking() {
	select {
	case w.events <- "changed":
	default:
	}
}

func TestBuggy(t *testing.T) {
	w := newWatcher()
	go w.notify()
	close(w.listening)
}

func TestFixed(t *testing.T) {
	w := newWatcher()
	go w.notifyNonBlocking()
	close(w.listening)
}
