// Package mapcache is a Hugo-style template cache kept in a package-level
// map that parallel page renders fill without a lock.
package mapcache

import (
	"strings"
	"sync"
)

var (
	templates   = map[string]string{}
	templatesMu sync.Mutex
)

func compile(name string) string { return strings.ToUpper(name) }

// Lookup is buggy: it reads and writes the package-level map unlocked.
func Lookup(name string) string {
	if t, ok := templates[name]; ok {
		return t
	}
	t := compile(name)
	templates[name] = t
	return t
}

// LookupFixed holds templatesMu.
func LookupFixed(name string) string {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	if t, ok := templates[name]; ok {
		return t
	}
	t := compile(name)
	templates[name] = t
	return t
}
