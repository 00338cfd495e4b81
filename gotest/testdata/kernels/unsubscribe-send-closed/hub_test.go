package unsubscribe

import "testing"

func broadcastWhileLeaving(broadcast func(*Hub, string)) {
	var h Hub
	ch := h.Subscribe()
	done := make(chan struct{})
	go func() { defer close(done); broadcast(&h, "container started") }()
	h.Unsubscribe(ch)
	<-done
}

func TestBuggy(t *testing.T) { broadcastWhileLeaving((*Hub).Broadcast) }

func TestFixed(t *testing.T) { broadcastWhileLeaving((*Hub).BroadcastFixed) }
