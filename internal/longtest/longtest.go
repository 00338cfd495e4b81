// Package longtest says whether a test run is a long one: the full
// statistical sweeps and measurements that CI runs (.ci/run), as opposed to
// the `go test ./...` a contributor runs all the time, which must stay
// under two minutes on a 2-core machine.
//
// A long run is asked for with the environment variable SIMRUN_LONG=1
// (SIMRUN_LONG=1 go test ./...). It is an environment variable rather than
// a -long flag because `go test ./... -long` would fail in every package
// that does not define the flag.
package longtest

import (
	"os"
	"testing"
)

// Enabled reports whether the long sweeps run.
func Enabled() bool { return os.Getenv("SIMRUN_LONG") == "1" }

// Skip skips t unless the long sweeps run, saying how to run it.
func Skip(t testing.TB, what string) {
	t.Helper()
	if !Enabled() {
		t.Skipf("%s: a long sweep; run with SIMRUN_LONG=1", what)
	}
}

// Budget scales a long sweep's budget: all of it in a long run, a
// twentieth by default, a hundredth under -short.
func Budget(full int) int {
	switch {
	case Enabled():
		return full
	case testing.Short():
		return max(full/100, 1)
	}
	return max(full/20, 1)
}
