package gort

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/simrun/simrun/sim"
)

// TestFailed is the finding kind of t.Error, t.Fatal and their kin.
const TestFailed sim.Kind = "test-failed"

// TB is testing.TB of the translation: the methods of T but Run and
// Parallel.
type TB interface {
	ArtifactDir() string
	Attr(key, value string)
	Chdir(dir string)
	Cleanup(f func())
	Context() Context
	Deadline() (deadline time.Time, ok bool)
	Error(args ...any)
	Errorf(format string, args ...any)
	Fail()
	FailNow()
	Failed() bool
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Helper()
	Log(args ...any)
	Logf(format string, args ...any)
	Name() string
	Output() io.Writer
	Setenv(key, value string)
	Skip(args ...any)
	SkipNow()
	Skipf(format string, args ...any)
	Skipped() bool
	TempDir() string
}

// T is *testing.T of the translation: the test body and its helpers run as
// the main goroutine of an execution. A failure (Error, Fatal, Fail and
// their kin) is the execution's finding, of kind TestFailed, at once: its
// message is the text and the file:line of the call (the user's, through
// the //line directives of the translation; Helper functions are skipped),
// and the execution stops there, so a test-failed trace ends at the
// failure. Skip ends the test, which is then skipped (not a finding).
// Fatal, FailNow, SkipNow end the calling goroutine, as runtime.Goexit.
type T struct {
	name     string
	real     *testing.T
	run      *testRun
	parent   *T
	cleanups []func()
	ctx      *cancelCtx
	cancel   CancelFunc
	skipped  bool
}

// testRun is what one RunTest shares between its executions' Ts.
type testRun struct {
	helpers    map[string]bool // function names marked by Helper
	skipReason string          // the first Skip's message
	skip       func()          // ends the exploration
	logs       []string        // the current execution's Log lines
}

var _ TB = (*T)(nil)

// fail ends the execution with a TestFailed finding for msg.
func (t *T) fail(msg string) {
	x := exec("t.Error")
	if msg == "" {
		msg = "test failed (t.Fail)"
	}
	x.Failf(TestFailed, "%s: %s: %s", t.name, t.site(), msg)
}

// site is file:line of the user's call of a T method: the first frame out
// of package gort and out of functions marked by Helper.
func (t *T) site() string {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	first := ""
	for {
		f, more := frames.Next()
		s := fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
		if first == "" {
			first = s
		}
		if !runtimeFile(f.File) && !t.run.helpers[f.Function] {
			return s
		}
		if !more {
			return first
		}
	}
}

// gortDir is the directory of this package's source.
var gortDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}()

// runtimeFile reports whether file is gort's own (not a test of it).
func runtimeFile(file string) bool {
	return filepath.Dir(file) == gortDir && !strings.HasSuffix(file, "_test.go")
}

// Error is t.Error: Log, then fail.
func (t *T) Error(args ...any) { t.fail(sprintln(args...)) }

// Errorf is t.Errorf.
func (t *T) Errorf(format string, args ...any) { t.fail(fmt.Sprintf(format, args...)) }

// Fail is t.Fail.
func (t *T) Fail() { t.fail("") }

// FailNow is t.FailNow.
func (t *T) FailNow() { t.fail("") }

// Fatal is t.Fatal.
func (t *T) Fatal(args ...any) { t.fail(sprintln(args...)) }

// Fatalf is t.Fatalf.
func (t *T) Fatalf(format string, args ...any) { t.fail(fmt.Sprintf(format, args...)) }

// Failed is t.Failed: false while the execution runs (a failure ends it).
func (t *T) Failed() bool { return false }

func sprintln(args ...any) string { return strings.TrimSuffix(fmt.Sprintln(args...), "\n") }

// Log is t.Log: kept with the execution, shown for a replay.
func (t *T) Log(args ...any) { t.log(sprintln(args...)) }

// Logf is t.Logf.
func (t *T) Logf(format string, args ...any) { t.log(fmt.Sprintf(format, args...)) }

func (t *T) log(s string) { t.run.logs = append(t.run.logs, t.site()+": "+s) }

// Helper is t.Helper: failures name the caller of the calling function.
func (t *T) Helper() {
	pc, _, _, ok := runtime.Caller(1)
	if !ok {
		return
	}
	if f := runtime.FuncForPC(pc); f != nil {
		t.run.helpers[f.Name()] = true
	}
}

// Name is t.Name.
func (t *T) Name() string { return t.name }

// Skip is t.Skip.
func (t *T) Skip(args ...any) { t.skip(sprintln(args...)) }

// Skipf is t.Skipf.
func (t *T) Skipf(format string, args ...any) { t.skip(fmt.Sprintf(format, args...)) }

// SkipNow is t.SkipNow.
func (t *T) SkipNow() { t.skip("") }

func (t *T) skip(msg string) {
	x := exec("t.Skip")
	t.skipped = true
	if t.parent == nil && t.run.skipReason == "" { // a subtest's skip ends only the subtest
		t.run.skipReason = t.site() + ": skipped " + msg
		t.run.skip()
	}
	goexit(x)
}

// Skipped is t.Skipped.
func (t *T) Skipped() bool { return t.skipped }

// Cleanup is t.Cleanup: f runs after the test (and its subtests), last
// registered first.
func (t *T) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

// Parallel is t.Parallel: nothing, the simulator decides what runs when.
func (t *T) Parallel() {}

// TempDir is t.TempDir: a real directory of the real test.
func (t *T) TempDir() string { return t.real.TempDir() }

// ArtifactDir is t.ArtifactDir: the real test's.
func (t *T) ArtifactDir() string { return t.real.ArtifactDir() }

// Attr is t.Attr: the real test's.
func (t *T) Attr(key, value string) { t.real.Attr(key, value) }

// Chdir is t.Chdir: the real test's, restored when it ends.
func (t *T) Chdir(dir string) { t.real.Chdir(dir) }

// Output is t.Output: a writer whose lines are logged as Log's.
func (t *T) Output() io.Writer { return logWriter{t} }

type logWriter struct{ t *T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.run.logs = append(w.t.run.logs, strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// Setenv is t.Setenv: the real test's, restored when it ends.
func (t *T) Setenv(key, value string) { t.real.Setenv(key, value) }

// Deadline is t.Deadline: the real test binary's.
func (t *T) Deadline() (time.Time, bool) { return t.real.Deadline() }

// Context is t.Context: canceled just before the Cleanup functions run.
func (t *T) Context() Context {
	if t.ctx == nil {
		c, cancel := WithCancel(Background())
		t.ctx, t.cancel = c.(*cancelCtx), cancel
	}
	return t.ctx
}

// Run is t.Run: f runs as the subtest name, in the calling goroutine (the
// parent waits for it in Go, so this changes no interleaving); FailNow or
// SkipNow in f end only the subtest. It reports whether the subtest
// passed (a failure ends the execution, so it always has).
func (t *T) Run(name string, f func(t *T)) bool {
	sub := &T{name: t.name + "/" + strings.ReplaceAll(name, " ", "_"), real: t.real, run: t.run, parent: t}
	sub.runBody(f)
	return true
}

// runBody runs f(t) to its end or its Goexit, then t's cleanups.
func (t *T) runBody(f func(*T)) {
	runGoroutine(cur.ActorName(), func() { f(t) })
	t.finish()
}

// finish cancels t's context and runs its cleanups, last first.
func (t *T) finish() {
	if t.cancel != nil {
		t.cancel()
	}
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		runGoroutine(cur.ActorName(), t.cleanups[i])
	}
	t.cleanups = nil
}

// VerifyNone is goleak.VerifyNone: it waits until every other goroutine
// has ended or blocked (the other goroutines step until none can), then
// reports those still blocked as a leak. Timers' goroutines are not
// counted, and a goroutine asleep on a timer is waited for. goleak's
// options are accepted and ignored.
func VerifyNone(t TB, options ...any) {
	x := exec("goleak.VerifyNone")
	// Under fair scheduling an actor that keeps yielding with nobody else
	// stepping in between is offered a step only when no other actor can
	// step: a few yields in a row that nobody else interrupts mean every
	// other goroutine is blocked (or done).
	quiet := 0
	for quiet < 8 {
		before := x.Step()
		x.Yield()
		if x.Step() == before+1 {
			quiet++
		} else {
			quiet = 0
		}
	}
	var leaked []string
	for _, g := range goroutines[1:] {
		if !g.done {
			leaked = append(leaked, g.name)
		}
	}
	if len(leaked) > 0 {
		x.Failf(sim.Leak, "goleak: found unexpected goroutines: %d goroutine(s) blocked forever: %s", len(leaked), strings.Join(leaked, ", "))
	}
}
