// Package gokernels is simrun's Go concurrency bug kernels written as
// plain Go tests: one package per kernel, each with a TestBuggy (the bug)
// and a TestFixed (the fix), in ordinary Go (go statements, channels,
// select, sync, sync/atomic, time, context, math/rand). It is the input of
// `simrun test` in gotest/kernels_test.go; it does not mention simrun.
//
// Under plain `go test` every TestFixed passes (and under -race); a
// TestBuggy usually passes too, because its bug needs a rare interleaving
// or is a goroutine leak that go test does not see, and some of them hang
// until -timeout (a deterministic deadlock). That is the point: simrun
// test finds each bug within a few executions.
package gokernels
