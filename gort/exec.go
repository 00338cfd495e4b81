package gort

import (
	"fmt"
	"path/filepath"
	"runtime"
	"unsafe"

	"github.com/simrun/simrun/sim"
)

// The current execution. The test binary runs one execution at a time
// (Options.Workers = 1) and, inside it, one actor at a time, so plain
// package variables are safe: only the running actor reads or writes them.
var (
	cur *sim.Execution // nil outside an execution
	// gen numbers the executions of the process, from 1; an object bound
	// in an earlier execution re-binds when gen has moved on.
	gen uint64
	// goroutines are the goroutines of the execution, main first, for
	// NumGoroutine and VerifyNone.
	goroutines []*goroutine
	// locs maps each address seen by Read, Write or an atomic to its sim
	// location. Holding the pointer keeps the memory alive, so that its
	// address names one variable for the whole execution.
	locs map[unsafe.Pointer]int
	// names counts the goroutines started under each name, so that the
	// second "worker" is "worker#2" in findings and timelines.
	names map[string]int
)

type goroutine struct {
	name string
	done bool
}

// begin makes x the current execution: a new generation, no goroutine but
// main, no location. Memory accesses are reported only when x runs the
// race detector (a minimization or a replay may run without it).
func begin(x *sim.Execution) {
	cur, racesOn = x, x.Races()
	gen++
	goroutines = append(goroutines[:0], &goroutine{name: "main"})
	if locs == nil {
		locs = map[unsafe.Pointer]int{}
	}
	clear(locs)
	if names == nil {
		names, exiting = map[string]int{}, map[string]int{}
	}
	clear(names)
	names["main"] = 1 // the test's goroutine
	clear(exiting)
}

// end clears the current execution once the exploration is over.
func end() {
	cur, racesOn = nil, false
	clear(locs)
	goroutines = goroutines[:0]
}

// Current returns the current execution; it panics outside one.
func Current() *sim.Execution { return exec("Current") }

// exec returns the current execution, or panics naming what needed it.
func exec(what string) *sim.Execution {
	if cur == nil {
		panic(fmt.Sprintf("gort: %s outside a simrun execution (package initialisation or TestMain)", what))
	}
	return cur
}

// goexitSignal is the panic value that ends a goroutine as runtime.Goexit
// does: deferred calls run, and the wrapper of the goroutine (Go, RunTest,
// T.Run) recovers it. A real runtime.Goexit cannot be used: it would end
// the coroutine that runs the actor, which sim reports as a misuse.
type goexitPanic struct{}

var goexitSignal = &goexitPanic{}

func (*goexitPanic) String() string { return "runtime.Goexit" }

// exiting counts, by goroutine (actor) name, the Goexits under way, so
// that a goroutine's wrapper recovers only those: a panic of the code
// goes up to sim unrecovered, and its finding shows the stack of the
// panic itself.
var exiting map[string]int

// runGoroutine runs f, a goroutine's body (or a test's, a cleanup) in the
// goroutine named name, to its end or to a Goexit.
func runGoroutine(name string, f func()) {
	defer func() {
		if exiting[name] == 0 {
			return
		}
		exiting[name]--
		if r := recover(); r != goexitSignal {
			panic(r) // a panic raised while Goexit ran the deferred calls
		}
	}()
	f()
}

// Recovered is what translated code's recover() becomes:
// gort.Recovered(recover()). A Goexit (t.FailNow) and the end of the
// execution unwind goroutines with a panic that user code must not stop;
// Recovered panics again with those, and returns every other value.
func Recovered(r any) any {
	if r == goexitSignal || sim.Aborting(r) {
		panic(r)
	}
	return r
}

// Go is the go statement: it starts f in a new goroutine named name ("worker",
// "func@pool.go:40"). Outside an execution (an init function at process
// start) it does nothing: every execution re-runs the init functions
// (RegisterPackage), and starts the goroutine there.
func Go(name string, f func()) {
	x := cur
	if x == nil {
		return
	}
	name = uniqueName(name)
	g := &goroutine{name: name}
	goroutines = append(goroutines, g)
	x.Go(name, func() {
		defer func() { g.done = true }()
		runGoroutine(name, f)
	})
}

// uniqueName returns name, or name#n for the n-th goroutine of that name.
func uniqueName(name string) string {
	n := names[name] + 1
	names[name] = n
	if n == 1 {
		return name
	}
	return fmt.Sprintf("%s#%d", name, n)
}

// Gosched is runtime.Gosched: a step at which another goroutine may run.
func Gosched() { exec("runtime.Gosched").Yield() }

// Goexit is runtime.Goexit: it ends the calling goroutine after running
// its deferred calls. In the test goroutine it ends the test, which then
// checks the other goroutines for leaks as when the test returns.
func Goexit() {
	goexit(exec("runtime.Goexit"))
}

// goexit starts the Goexit of x's running goroutine.
func goexit(x *sim.Execution) {
	exiting[x.ActorName()]++
	panic(goexitSignal)
}

// NumGoroutine is runtime.NumGoroutine: the goroutines of the test that
// have not ended (timers' goroutines are not counted).
func NumGoroutine() int {
	if cur == nil {
		return 1
	}
	n := 0
	for _, g := range goroutines {
		if !g.done {
			n++
		}
	}
	return n
}

// Block is select {}: the goroutine blocks forever.
func Block() {
	sim.Select(exec("select {}"))
	panic("gort: select {} returned")
}

// packages are the resets registered by translated packages, in package
// initialisation order.
var packages []pkgReset

type pkgReset struct {
	path  string
	reset func()
}

// RegisterPackage registers the function that re-runs the package-level
// variable initialisers and init functions of the translated package path.
// RunTest calls every registered reset, in registration order (package
// initialisation order), at the start of every execution, in the main
// goroutine. A second registration of a path replaces the first.
func RegisterPackage(path string, reset func()) {
	for i := range packages {
		if packages[i].path == path {
			packages[i].reset = reset
			return
		}
	}
	packages = append(packages, pkgReset{path, reset})
}

// resetPackages runs the registered resets.
func resetPackages() {
	for _, p := range packages {
		p.reset()
	}
}

// callerSite returns "file.go:LINE" of the caller skip frames above its
// own caller: with the //line directives of the translation, the user's
// file. Only binding calls it, never an operation.
func callerSite(skip int) string {
	_, file, line, ok := runtime.Caller(skip + 1)
	if !ok {
		return "?"
	}
	return fmt.Sprintf("%s:%d", filepath.Base(file), line)
}

// objName names an object bound at a site: kind@site.
func objName(kind string, skip int) string { return kind + "@" + callerSite(skip+1) }
