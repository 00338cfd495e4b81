// Package simrun is the root of the simrun module. It holds the source of
// the runtime that `simrun test` compiles into the tests it translates
// (packages op, scheduler, traces, sim and gort), so that the simrun
// binary can run the tests of a module whose go.mod does not mention
// simrun, offline: package gotest writes these files out to the user's
// cache directory and points a temporary go.mod at them.
package simrun

import "embed"

// Runtime is the source of the runtime packages, at their paths in the
// module (sim/exec.go, ...). The patterns also take the packages' tests,
// which embed cannot leave out; the writer skips them.
//
//go:embed op/*.go scheduler/*.go traces/*.go traces/html.tmpl traces/html.js sim/*.go gort/*.go
var Runtime embed.FS
