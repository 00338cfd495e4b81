// Package countglobal is a Knative-Serving-style request handler that
// counts in-flight requests in a package-level variable without
// synchronisation.
package countglobal

import "sync"

var (
	inflight   int
	inflightMu sync.Mutex
)

// Handle serves one request; the buggy version counts unlocked.
func Handle() {
	inflight++
	defer func() { inflight-- }()
}

// HandleFixed counts under inflightMu.
func HandleFixed() {
	inflightMu.Lock()
	inflight++
	inflightMu.Unlock()
	defer func() {
		inflightMu.Lock()
		inflight--
		inflightMu.Unlock()
	}()
}

// InFlight returns the current count.
func InFlight() int {
	inflightMu.Lock()
	defer inflightMu.Unlock()
	return inflight
}
