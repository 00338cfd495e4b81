// Package rewrite translates Go packages so that their concurrency goes
// through simrun's runtime (package gort), for `simrun test`.
//
// The translation is type-directed (go/types): channel types become
// *gort.Chan[T], sends, receives, select, close, len and cap of channels
// become gort calls, the go statement becomes gort.Go, and the names of
// sync, sync/atomic, time, context, runtime, math/rand and testing that
// schedule or block are redirected to their gort counterparts. Reads and
// writes of memory that another goroutine may see (package variables,
// captured or address-taken locals, fields through pointers, slice
// elements, map contents) are wrapped in gort.Read / gort.Write so that the
// race detector observes them. Package-level state is made resettable: each
// translated package registers a function that re-runs its variable
// initialisers and init functions at the start of every execution.
//
// The output is printed with //line directives (go/printer SourcePos mode),
// so that compile errors, stacks and findings point at the user's source.
// The user's files are never written: the driver (package gotest) puts the
// translations in a build overlay.
//
// Constructs the translation cannot handle (cgo, reflect's channel
// operations, unsafe conversions of channel or sync values, go:linkname,
// translated values passed to untranslated code that expects the original
// types) are reported as an *Unsupported error naming each file:line.
package rewrite
