// Package lockheldreply is a Kubernetes-style pod manager whose Update
// holds the manager's lock while it waits for the worker's
// acknowledgement; the worker needs that lock to record the update.
package lockheldreply

import "sync"

// Manager hands pod updates to its worker.
type Manager struct {
	sync.Mutex
	pods    map[string]int
	updates chan string
	acks    chan struct{}
}

// NewManager starts the worker.
func NewManager() *Manager {
	m := &Manager{pods: map[string]int{}, updates: make(chan string), acks: make(chan struct{})}
	go m.worker()
	return m
}

func (m *Manager) worker() {
	for name := range m.updates {
		m.Lock()
		m.pods[name]++
		m.Unlock()
		m.acks <- struct{}{}
	}
}

// Update is buggy: it waits for the ack under the lock the worker needs.
func (m *Manager) Update(name string) {
	m.Lock()
	defer m.Unlock()
	m.updates <- name
	<-m.acks
}

// UpdateFixed waits without holding the lock.
func (m *Manager) UpdateFixed(name string) {
	m.updates <- name
	<-m.acks
}

// Count returns the updates recorded for name.
func (m *Manager) Count(name string) int {
	m.Lock()
	defer m.Unlock()
	return m.pods[name]
}

// Close stops the worker.
func (m *Manager) Close() { close(m.updates) }
