// Package broken does not type-check (go test would not build it either):
// its test does not run, and the module's other tests do.
package broken

import "testing"

func TestBroken(t *testing.T) {
	var n int = "not an int"
	_ = n
}
