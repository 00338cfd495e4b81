// Package rewrite translates Go packages so that their concurrency goes
// through simrun's runtime (package gort), for `simrun test`.
//
// The translation is type-directed (go/types): channel types become
// *gort.Chan[T], sends, receives, select, close, len and cap of channels
// become gort calls, the go statement becomes gort.Go (its function value
// and arguments evaluated at the go statement), and the names of sync,
// sync/atomic, time, context, runtime, math/rand and testing that schedule,
// block or draw are redirected to their gort counterparts. recover()
// becomes gort.Recovered(recover()), so that gort's Goexit unwinds through
// user code.
//
// Reads and writes of memory that another goroutine may see (package
// variables, locals captured by a func literal and written after their
// declaration or whose address is taken, fields through pointers, slice
// elements, map contents) are wrapped in gort.Read / gort.Write /
// gort.ReadMap / gort.WriteMap so that the race detector observes them.
// Purely local variables are left alone.
//
// Package-level state is made resettable: every variable initialiser
// becomes a function in its file (simrunVar_x), init functions are renamed
// simrunInitN, and a generated file registers a reset (zero the variables
// without initialiser, re-run the initialisers in initialisation order,
// then the init functions) that gort runs at the start of every execution.
// The generated files are simrun_gen.go (non-test state and the helper
// functions), simrun_gen_test.go (test-only state and the TestXxx wrappers
// that call gort.RunTest) and, for an external _test package,
// simrun_xgen_test.go.
//
// A translated channel type is a pointer type, which cannot have methods:
// the methods of a named channel type become functions (simrunT_m, or
// SimrunT_m for an exported method, which other packages call) and their
// calls follow; a method value of one, or the type's use as an interface
// it satisfied through those methods, is not translated.
// Loop-variable semantics follow the file's language version (a range over
// a channel becomes a three-clause loop; before Go 1.22 a range loop
// records its write of variables that goroutines share).
//
// The output is printed with //line directives (go/printer SourcePos mode),
// so that compile errors, stacks and findings point at the user's source.
// The user's files are never written: the driver (package gotest) puts the
// translations in a build overlay. Package works on a copy of the
// syntax: go/packages shares files between a package and its test variant.
//
// Constructs the translation cannot handle (cgo, reflect's channel
// operations, unsafe conversions of channel or sync values, go:linkname,
// dot imports of redirected packages, translated values passed to
// untranslated code that expects the original types) are reported as an
// *Unsupported error naming each file:line.
package rewrite
