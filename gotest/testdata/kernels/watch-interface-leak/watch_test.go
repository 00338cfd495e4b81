package watchleak

import "testing"

// waitFor consumes w until an event of type typ and stops the watch.
func waitFor(t *testing.T, w Interface, typ string) {
	t.Helper()
	defer w.Stop()
	for e := range w.ResultChan() {
		if e.Type == typ {
			return
		}
	}
	t.Errorf("no %s event", typ)
}

var events = []Event{{"ADDED", "pod-a"}, {"MODIFIED", "pod-a"}, {"DELETED", "pod-a"}}

func TestBuggy(t *testing.T) { waitFor(t, Start(events, false), "ADDED") }

func TestFixed(t *testing.T) { waitFor(t, Start(events, true), "ADDED") }
