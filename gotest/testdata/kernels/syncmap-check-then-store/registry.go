// Package syncmapcheck is an Istio-style connection registry in a
// package-level sync.Map whose getOrCreate does a Load and then a Store:
// two callers can both miss and both create a connection.
package syncmapcheck

import "sync"

// Conn is a pooled connection.
type Conn struct{ Addr string }

var registry sync.Map

// GetOrCreate is buggy: Load then Store is not atomic. It reports whether
// it created the connection.
func GetOrCreate(addr string) (*Conn, bool) {
	if v, ok := registry.Load(addr); ok {
		return v.(*Conn), false
	}
	c := &Conn{Addr: addr}
	registry.Store(addr, c)
	return c, true
}

// GetOrCreateFixed uses LoadOrStore.
func GetOrCreateFixed(addr string) (*Conn, bool) {
	v, loaded := registry.LoadOrStore(addr, &Conn{Addr: addr})
	return v.(*Conn), !loaded
}
