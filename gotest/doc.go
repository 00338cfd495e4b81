// Package gotest is the driver of `simrun test`: it loads a module's
// packages with their tests, translates every package of the main module
// that the tests depend on (package gotest/rewrite) so that its goroutines,
// channels, sync, time and context go through the simulator (package
// gort), and runs the tests with `go test` through a build overlay and a
// temporary go.mod, so that the user's files are never written and a
// module whose go.mod does not mention simrun works offline. Each test
// then runs as a sim scenario under the chosen strategies; the driver
// collects the results the test binaries report.
package gotest
