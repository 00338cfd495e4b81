// Package eventsunderlock is a Syncthing-style model that sends events on
// a buffered channel while holding its lock; the subscriber takes the
// lock to handle an event, so once the buffer is full and the subscriber
// is between receiving and locking, both wait for each other.
package eventsunderlock

import "sync"

// Model indexes folders and emits an event per change.
type Model struct {
	mu     sync.Mutex
	state  map[string]int
	Events chan string
}

// NewModel returns a model with a one-event buffer.
func NewModel() *Model { return &Model{state: map[string]int{}, Events: make(chan string, 1)} }

// Index is buggy: it sends while holding the lock.
func (m *Model) Index(folder string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.state[folder]++
	m.Events <- folder
}

// IndexFixed sends after unlocking.
func (m *Model) IndexFixed(folder string) {
	m.mu.Lock()
	m.state[folder]++
	m.mu.Unlock()
	m.Events <- folder
}

// Handle looks an event up in the model.
func (m *Model) Handle(folder string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state[folder]
}
