// Package unsubscribe is a Docker-style event hub whose Broadcast copies
// the subscribers under the lock and sends after releasing it; an
// Unsubscribe in between closes a channel Broadcast then sends on.
package unsubscribe

import "sync"

// Hub broadcasts events.
type Hub struct {
	mu   sync.Mutex
	subs []chan string
}

// Subscribe adds a subscriber.
func (h *Hub) Subscribe() chan string {
	ch := make(chan string, 1)
	h.mu.Lock()
	h.subs = append(h.subs, ch)
	h.mu.Unlock()
	return ch
}

// Unsubscribe removes ch and closes it.
func (h *Hub) Unsubscribe(ch chan string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, s := range h.subs {
		if s == ch {
			h.subs = append(h.subs[:i], h.subs[i+1:]...)
			close(ch)
			return
		}
	}
}

// Broadcast is buggy: it sends outside the lock.
func (h *Hub) Broadcast(ev string) {
	h.mu.Lock()
	subs := append([]chan string(nil), h.subs...)
	h.mu.Unlock()
	for _, s := range subs {
		select {
		case s <- ev:
		default:
		}
	}
}

// BroadcastFixed sends (without blocking) under the lock.
func (h *Hub) BroadcastFixed(ev string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.subs {
		select {
		case s <- ev:
		default:
		}
	}
}
