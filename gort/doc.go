// Package gort is the runtime of translated Go code: `simrun test`
// rewrites a module's packages and tests so that every concurrency
// operation calls gort, and gort performs it on package sim's Go
// vocabulary (sim.Chan, sim.Select, GoMutex, RWMutex, WaitGroup, Once,
// GoCond, contexts, timers on virtual time, Choose), in the current
// execution. The translated TestXxx is a wrapper that calls RunTest, which
// explores the test body under sim's strategies as sim.Check does, and
// turns failures, panics, deadlocks, leaks and data races into findings
// with replayable, minimized traces.
//
// # One current execution
//
// Every function acts on the current execution, a package variable that
// RunTest's scenario sets at the start of each execution. The test binary
// runs one execution at a time, and in it one goroutine at a time, so no
// lock is needed. Outside an execution (package initialisation at process
// start, TestMain) nothing crashes: make(chan) and the sync types give
// objects that bind to an execution when first used in it, a Mutex, a
// WaitGroup or a Once works as in a single goroutine, atomics act on the
// memory directly, Now is Epoch, Sleep returns, a go statement starts
// nothing and a timer never fires (every execution re-runs the variable
// initialisers and init functions, and does it there); an operation
// that would block panics with "gort: <op> outside a simrun execution
// (package initialisation or TestMain)".
//
// Values of sync's types (Mutex, RWMutex, WaitGroup, Once, Cond, Map,
// Pool) and of sync/atomic's are zero-value usable: they bind lazily to a
// sim object named by kind and first-use site (sync.Mutex@pool.go:31) and
// re-bind in every later execution. Package state is fresh in every
// execution: each translated package registers (RegisterPackage) a reset
// that re-runs its variable initialisers and init functions, and RunTest
// calls them all at the start of every execution.
//
// # What the translation looks like
//
// The plain Go test
//
//	func TestWorker(t *testing.T) {
//		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
//		defer cancel()
//		result := make(chan int)
//		go func() { time.Sleep(5 * time.Millisecond); result <- 42 }()
//		select {
//		case v := <-result:
//			t.Log(v)
//		case <-ctx.Done():
//			t.Log("timeout")
//		}
//	}
//
// becomes (//line directives keep the original positions)
//
//	func simrunTestWorker(t *gort.T) {
//		ctx, cancel := gort.WithTimeout(gort.Background(), 10*time.Millisecond)
//		defer cancel()
//		result := gort.MakeChan[int](0, "worker_test.go:4")
//		gort.Go("func@worker_test.go:5", func() { gort.Sleep(5 * time.Millisecond); gort.Send(result, 42) })
//		c0, c1 := gort.Recving(result), gort.Recving(ctx.Done())
//		switch gort.Select(false, c0, c1) {
//		case 0:
//			v := c0.Value()
//			t.Log(v)
//		case 1:
//			t.Log("timeout")
//		}
//	}
//
//	func TestWorker(t *testing.T) { gort.RunTest(t, "TestWorker", simrunTestWorker) }
//
// and `simrun test` reports the leak: when the timeout wins, the worker
// blocks forever on its send.
//
// # Findings
//
// t.Error, t.Fatal and their kin end the execution with a finding of kind
// TestFailed whose message names the file:line of the call; a panic in
// any goroutine, a deadlock, a goroutine still blocked when the test
// returns (a leak), send on a closed channel, a negative WaitGroup counter
// and a data race on memory the translation instruments (Read, Write,
// ReadMap, WriteMap) are sim's findings. t.Skip skips the test. Fatal,
// FailNow, SkipNow and runtime.Goexit end the calling goroutine; in the
// test goroutine they end the test, whose other goroutines are then
// checked for leaks as when it returns.
//
// Goexit is a panic with a private value that the goroutine's wrapper
// recovers (a real runtime.Goexit would end the coroutine that runs the
// goroutine). Translated code's recover() must therefore become
// gort.Recovered(recover()), which lets that value, and the unwinding of a
// finished execution, go on.
//
// # Time and randomness
//
// Time is virtual (sim's timers): it starts at Epoch in every execution and
// moves when a timer fires; a timer may fire at any step once no earlier
// one is pending, as Go's runtime may fire it at any point. Draws of
// math/rand are recorded choices, so that a replay reproduces them: see
// SmallRange.
package gort
