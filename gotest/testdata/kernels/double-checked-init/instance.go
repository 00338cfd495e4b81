// Package doublechecked is double-checked initialisation that reads the
// instance outside the lock; sync.Once fixes it.
package doublechecked

import "sync"

// Client is an expensive object built once.
type Client struct{ id int }

var (
	mu       sync.Mutex
	instance *Client

	once      sync.Once
	instOnce  *Client
	instances int
)

// Get is the buggy accessor.
func Get() *Client {
	if instance != nil { // unlocked read
		return instance
	}
	mu.Lock()
	defer mu.Unlock()
	if instance == nil {
		instances++
		instance = &Client{id: instances}
	}
	return instance
}

// GetOnce is the fixed accessor.
func GetOnce() *Client {
	once.Do(func() { instOnce = &Client{id: 1} })
	return instOnce
}
