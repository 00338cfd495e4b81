package gotest_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/simrun/simrun/gort"
	"github.com/simrun/simrun/gotest"
	"github.com/simrun/simrun/internal/longtest"
	"github.com/simrun/simrun/kernels"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// The Go kernel suite (testdata/kernels, module example.com/gokernels) is
// the evidence of issue 13: the kernels of package kernels written a
// second time as plain Go tests, and more in the style of the published
// GoKer kernels, each package with a TestBuggy that simrun test must find
// and a TestFixed it must pass. This file runs them through gotest.Run.

var gokernelsTable = flag.Bool("gokernels.table", false,
	"print docs/gokernels.md's table (executions to the first finding, simrun test beside the sim-native kernel); needs SIMRUN_LONG=1")

const kernelsDir = "testdata/kernels"

// goKernel is one package of testdata/kernels.
type goKernel struct {
	name  string   // its directory; for a rewritten sim-native kernel, that kernel's name
	class string   // as package kernels classifies
	want  []string // the finding kinds TestBuggy may give, the bug's own first
	style string   // the projects whose kernels it imitates ("" for a rewritten sim-native kernel)
}

// newKernels are the kernels written for the plain-Go suite only, from
// the bug patterns of Tu et al. (ASPLOS 2019) and GoBench (CGO 2021); the
// projects are those whose kernels show the pattern.
var newKernels = []goKernel{
	{"callback-under-lock", kernels.BlockingMutex, []string{"deadlock"}, "Docker"},
	{"rlock-via-method", kernels.BlockingMutex, []string{"deadlock"}, "Kubernetes"},
	{"reply-chan-of-chan", kernels.BlockingChan, []string{"leak"}, "etcd"},
	{"context-wrong-parent", kernels.BlockingContext, []string{"leak"}, "Knative Serving"},
	{"cond-close-no-broadcast", kernels.BlockingWait, []string{"leak"}, "CockroachDB"},
	{"waitgroup-add-filtered", kernels.BlockingWait, []string{"deadlock"}, "Docker"},
	{"fanin-first-match", kernels.BlockingChan, []string{"leak"}, "Hugo"},
	{"lock-held-waiting-reply", kernels.BlockingMixed, []string{"deadlock"}, "Kubernetes"},
	// t.Fatalf ends the goroutine, so the test fails and then blocks.
	{"fatal-in-goroutine", kernels.BlockingMixed, []string{"test-failed", "deadlock"}, "Kubernetes"},
	{"lock-order-methods", kernels.BlockingMutex, []string{"deadlock"}, "CockroachDB"},
	{"cancel-then-wait-under-lock", kernels.BlockingContext, []string{"deadlock"}, "Istio"},
	{"buffered-events-under-lock", kernels.BlockingMixed, []string{"deadlock"}, "Syncthing"},
	{"flaky-probe-leak", kernels.BlockingChan, []string{"leak"}, "gRPC"},
	{"rlock-upgrade", kernels.BlockingMutex, []string{"deadlock"}, "Kubernetes"},
	{"struct-field-race", kernels.NonBlockingData, []string{"race"}, "Docker"},
	{"package-map-cache", kernels.NonBlockingData, []string{"race"}, "Hugo"},
	{"slice-append-race", kernels.NonBlockingData, []string{"race"}, "Syncthing"},
	{"loop-var-capture", kernels.NonBlockingData, []string{"race"}, "Kubernetes"},
	{"captured-err", kernels.NonBlockingData, []string{"race"}, "etcd"},
	// an order violation whose effect is blocking: the message is dropped.
	{"sleep-ordered-register", kernels.BlockingChan, []string{"deadlock"}, "gRPC"},
	{"atomic-mixed-plain", kernels.NonBlockingData, []string{"race"}, "etcd"},
	{"syncmap-check-then-store", kernels.NonBlockingOrd, []string{"test-failed"}, "Istio"},
	{"stop-twice", kernels.NonBlockingChan, []string{"close-of-closed"}, "Kubernetes"},
	{"unsubscribe-send-closed", kernels.NonBlockingChan, []string{"send-on-closed"}, "Docker, Syncthing"},
	{"select-default-poll-flag", kernels.NonBlockingData, []string{"race"}, "Istio"},
	// the race may also lose an update, which the test then reports.
	{"package-counter-global", kernels.NonBlockingData, []string{"race", "test-failed"}, "Knative Serving"},
	{"waitgroup-by-value", kernels.BlockingWait, []string{"deadlock"}, "Docker, Kubernetes"},
	// its code is in a subpackage, its tests in an external test package.
	{"afterfunc-under-lock", kernels.BlockingMixed, []string{"deadlock"}, "etcd"},
	{"generic-queue-close", kernels.BlockingChan, []string{"leak"}, "Kubernetes"},
	// the loop spins after the context ends: the step bound, or a leak.
	{"break-in-select", kernels.BlockingChan, []string{"livelock", "leak", "hung"}, "gRPC"},
	{"atomic-value-mutated", kernels.NonBlockingData, []string{"race"}, "Istio"},
	{"pool-reuse-race", kernels.NonBlockingData, []string{"race"}, "Hugo"},
	{"runlock-twice", kernels.NonBlockingSync, []string{"bad-unlock"}, "Kubernetes"},
	{"value-receiver-mutex", kernels.NonBlockingData, []string{"race"}, "Docker"},
	{"index-after-len", kernels.NonBlockingOrd, []string{"panic"}, "CockroachDB"},
	// the merge loop spins on closed channels for ever.
	{"nil-out-closed-channel", kernels.BlockingChan, []string{"livelock", "hung"}, "gRPC"},
	{"watch-interface-leak", kernels.BlockingChan, []string{"leak"}, "Kubernetes"},
	{"func-chan-executor", kernels.BlockingChan, []string{"leak"}, "Syncthing"},
	{"subtests-shared-server", kernels.BlockingChan, []string{"leak"}, "Kubernetes, etcd"},
	{"timer-drain-after-receive", kernels.BlockingChan, []string{"deadlock"}, "etcd"},
	{"cond-if-not-for", kernels.NonBlockingOrd, []string{"panic"}, "CockroachDB"},
	// Wait returning early may also show as a race on the WaitGroup.
	{"close-before-all-sent", kernels.NonBlockingChan, []string{"send-on-closed", "race"}, "Docker"},
	{"lazy-done-channel", kernels.NonBlockingData, []string{"race"}, "gRPC"},
}

// allKernels is the suite: every sim-native kernel (its kind, except that
// a sim assertion is a failed test in plain Go), then the new ones.
func allKernels() []goKernel {
	var ks []goKernel
	for _, k := range kernels.All {
		want := string(k.Want)
		if k.Want == sim.Assertion {
			want = "test-failed"
		}
		ks = append(ks, goKernel{name: k.Name, class: k.Class, want: []string{want}})
	}
	return append(ks, newKernels...)
}

func nativeKernel(name string) (kernels.Kernel, bool) {
	for _, k := range kernels.All {
		if k.Name == name {
			return k, true
		}
	}
	return kernels.Kernel{}, false
}

// TestGoKernelsListed: the table above and testdata/kernels agree, and
// every sim-native kernel has its plain-Go package.
func TestGoKernelsListed(t *testing.T) {
	entries, err := os.ReadDir(kernelsDir)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		// simrun-traces is where `simrun test ./...` run in the module
		// saves its findings.
		if e.IsDir() && e.Name() != "simrun-traces" {
			dirs = append(dirs, e.Name())
		}
	}
	var listed []string
	for _, k := range allKernels() {
		listed = append(listed, k.name)
		for _, f := range []string{"TestBuggy", "TestFixed"} {
			if !hasTest(t, filepath.Join(kernelsDir, k.name), f) {
				t.Errorf("%s: no %s", k.name, f)
			}
		}
	}
	for _, d := range dirs {
		if !slices.Contains(listed, d) {
			t.Errorf("testdata/kernels/%s is not in the table", d)
		}
	}
	for _, l := range listed {
		if !slices.Contains(dirs, l) {
			t.Errorf("%s is in the table but not in testdata/kernels", l)
		}
	}
	if len(newKernels) < 20 {
		t.Errorf("%d kernels beyond the sim-native ones, want at least 20", len(newKernels))
	}
}

// hasTest reports whether a _test.go file of dir declares func name.
func hasTest(t *testing.T, dir, name string) bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "\nfunc "+name+"(t *testing.T)") {
			return true
		}
	}
	return false
}

// standIns says why the end-to-end runs cannot work on this branch: the
// gotest branch carries stand-ins for the runtime and the translator
// until their branches are merged.
func standIns() string {
	for _, f := range []string{"../gort/zz_gotest_stub.go", "rewrite/zz_gotest_stub.go"} {
		if _, err := os.Stat(f); err == nil {
			return f + " is a stand-in: merge the gort and rewrite branches to run the kernels"
		}
	}
	return ""
}

// dporRuns caps the DPOR pass: a fixed kernel whose timer loop re-arms
// has no end to its schedules, and 20,000 executions is what the
// sim-native table gives a fixed kernel (kernels/table_test.go).
const dporRuns = 20000

// maxSteps bounds one execution. The kernels take at most a few hundred
// steps; the ones that spin (break-in-select, nil-out-closed-channel) are
// livelocks at any bound, and a timer loop's schedules under DPOR grow
// with the bound (timer-drain-after-receive's fixed test: 5 minutes at
// 10,000 steps, 4 seconds at 2,000).
const maxSteps = 2000

// runKernels runs TestBuggy and TestFixed of ks under simrun test with
// the strategies given ("" = the default portfolio) and at most runs
// executions per strategy (0: simrun test's default), and returns the
// results by kernel name and test.
func runKernels(t *testing.T, ks []goKernel, strategies string, runs int) map[string]map[string]gort.Result {
	t.Helper()
	var patterns []string
	for _, k := range ks {
		patterns = append(patterns, "./"+k.name)
	}
	results := simrunTest(t, gotest.Options{
		Patterns: patterns,
		Run:      "^Test(Buggy|Fixed)$",
		Config:   gort.Config{Strategies: strategies, Runs: runs, MaxSteps: maxSteps, TracesDir: t.TempDir()},
	})
	byKernel := map[string]map[string]gort.Result{}
	for _, r := range results {
		name := filepath.Base(strings.TrimSuffix(r.Package, "_test"))
		if byKernel[name] == nil {
			byKernel[name] = map[string]gort.Result{}
		}
		byKernel[name][r.Test] = r
	}
	return byKernel
}

// simrunTest is gotest.Run in testdata/kernels.
func simrunTest(t *testing.T, o gotest.Options) []gort.Result {
	t.Helper()
	if why := standIns(); why != "" {
		t.Skip(why)
	}
	var out strings.Builder
	o.Dir, o.Stdout, o.Stderr, o.Timeout = kernelsDir, &out, &out, 10*time.Minute
	results, err := gotest.Run(context.Background(), o)
	if err != nil {
		// A package that does not build, say, leaves the others' results:
		// check those too.
		t.Errorf("gotest.Run: %v\n%s", err, out.String())
	}
	return results
}

// checkKernels asserts simrun test's verdicts: a finding of an expected
// kind for every TestBuggy, clean for every TestFixed.
func checkKernels(t *testing.T, ks []goKernel, res map[string]map[string]gort.Result) {
	t.Helper()
	for _, k := range ks {
		buggy, ok := res[k.name]["TestBuggy"]
		switch {
		case !ok:
			t.Errorf("%s: no result for TestBuggy", k.name)
		case buggy.Verdict != "finding" || !slices.Contains(k.want, buggy.Kind):
			t.Errorf("%s: TestBuggy is %s %s after %d executions, want a finding of kind %s\n%s",
				k.name, buggy.Verdict, buggy.Kind, buggy.Runs, strings.Join(k.want, " or "), buggy.Message)
		}
		fixed, ok := res[k.name]["TestFixed"]
		switch {
		case !ok:
			t.Errorf("%s: no result for TestFixed", k.name)
		case fixed.Verdict != "clean":
			t.Errorf("%s: TestFixed is %s %s in execution %d, want clean\n%s", k.name, fixed.Verdict, fixed.Kind, fixed.Run, fixed.Message)
		}
	}
}

// smokeKernels are the three run by default: a leak, a deadlock that needs
// an interleaving, and a data race.
var smokeKernels = []string{"stop-channel-not-closed", "ab-ba", "unprotected-counter"}

// TestGoKernelsSmoke runs three kernels under simrun test's defaults,
// twice (the results and traces must be the same), and replays each
// finding's trace.
func TestGoKernelsSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries; not under -short")
	}
	var ks []goKernel
	for _, k := range allKernels() {
		if slices.Contains(smokeKernels, k.name) {
			ks = append(ks, k)
		}
	}
	first := runKernels(t, ks, "", 0)
	checkKernels(t, ks, first)

	// Determinism: the same run again gives the same results and
	// byte-identical traces.
	again := runKernels(t, ks, "", 0)
	for _, k := range ks {
		for _, test := range []string{"TestBuggy", "TestFixed"} {
			a, b := first[k.name][test], again[k.name][test]
			ta, tb := a.Trace, b.Trace
			a.Trace, b.Trace = "", ""
			if a != b {
				t.Errorf("%s.%s: two runs differ:\n%+v\n%+v", k.name, test, a, b)
			}
			if ta != "" && !sameFile(t, ta, tb) {
				t.Errorf("%s.%s: two runs saved different traces %s and %s", k.name, test, ta, tb)
			}
		}
	}

	// Replay: every finding's trace gives the finding again.
	for _, k := range ks {
		f := first[k.name]["TestBuggy"]
		if f.Trace == "" {
			t.Errorf("%s: the finding has no trace", k.name)
			continue
		}
		res := simrunTest(t, gotest.Options{Config: gort.Config{Trace: f.Trace, TracesDir: t.TempDir()}})
		if len(res) != 1 || res[0].Verdict != "replayed" || res[0].Kind != f.Kind {
			t.Errorf("%s: replaying %s gave %+v, want the %s again", k.name, f.Trace, res, f.Kind)
		}
	}
}

// sameFile reports whether files a and b hold the same bytes.
func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	ba, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	bb, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(ba, bb)
}

// TestGoKernels runs the whole suite under simrun test's defaults and
// under DPOR, and with -gokernels.table prints docs/gokernels.md's table.
func TestGoKernels(t *testing.T) {
	longtest.Skip(t, "the Go kernel suite under simrun test")
	ks := allKernels()
	portfolio := runKernels(t, ks, "", 0)
	checkKernels(t, ks, portfolio)
	dpor := runKernels(t, ks, scheduler.NameDPOR, dporRuns)
	checkKernels(t, ks, dpor)
	if *gokernelsTable {
		fmt.Print(kernelTable(t, ks, portfolio, dpor))
	}
}

// nativeFirst is the execution (1-based) at which a Hunt like simrun
// test's (the same strategies and budget, the race detector, stop at the
// first finding) first finds something in the sim-native kernel, and
// what.
func nativeFirst(t *testing.T, k kernels.Kernel, specs []scheduler.Spec, perStrategy int) (int, sim.Kind) {
	t.Helper()
	h := sim.Hunt{Strategies: specs, Runs: perStrategy * len(specs),
		Options: sim.Options{Races: true, Watchdog: sim.DefaultWatchdog, StopOnFinding: true, MaxSteps: maxSteps}}
	v, err := h.Run(k.Buggy, sim.Variant{Name: k.Name, Expected: sim.Clean})
	if err != nil {
		t.Fatalf("%s: %v", k.Name, err)
	}
	if len(v.Findings) == 0 {
		return 0, ""
	}
	return v.Findings[0].Run + 1, v.Findings[0].Finding.Kind
}

// kernelTable is docs/gokernels.md's table: executions to the first
// finding under simrun test and for the sim-native kernel, under the
// default portfolio and DPOR, and the fixed version under DPOR.
func kernelTable(t *testing.T, ks []goKernel, portfolio, dpor map[string]map[string]gort.Result) string {
	var b strings.Builder
	b.WriteString("| kernel | class | kind | simrun test | sim-native | simrun test, DPOR | sim-native, DPOR | fixed, DPOR |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---|\n")
	found := [4]int{}
	cell := func(i int, run int, kind string, want []string) string {
		switch {
		case run == 0:
			return "not found"
		case !slices.Contains(want, kind):
			return fmt.Sprintf("%d (%s)", run, kind)
		}
		found[i]++
		return fmt.Sprint(run)
	}
	dporSpec := []scheduler.Spec{{Name: scheduler.NameDPOR}}
	natives := 0
	for _, k := range ks {
		name := k.name
		if k.style != "" {
			name += " (" + k.style + ")"
		}
		p, d := portfolio[k.name]["TestBuggy"], dpor[k.name]["TestBuggy"]
		fmt.Fprintf(&b, "| %s | %s | %s | %s |", name, k.class, k.want[0], cell(0, p.Run, p.Kind, k.want))
		if nk, ok := nativeKernel(k.name); ok {
			natives++
			n, kind := nativeFirst(t, nk, sim.DefaultPortfolio, 500)
			fmt.Fprintf(&b, " %s |", cell(1, n, string(kind), []string{string(nk.Want)}))
			fmt.Fprintf(&b, " %s |", cell(2, d.Run, d.Kind, k.want))
			n, kind = nativeFirst(t, nk, dporSpec, dporRuns)
			fmt.Fprintf(&b, " %s |", cell(3, n, string(kind), []string{string(nk.Want)}))
		} else {
			fmt.Fprintf(&b, " — | %s | — |", cell(2, d.Run, d.Kind, k.want))
		}
		f := dpor[k.name]["TestFixed"]
		switch {
		case f.Verdict == "":
			b.WriteString(" no result (see the errors above) |\n")
		case f.Verdict != "clean":
			fmt.Fprintf(&b, " NO: %s %s |\n", f.Verdict, f.Kind)
		case f.Exhaustive:
			fmt.Fprintf(&b, " clean, exhaustive (%d executions) |\n", f.Runs)
		default:
			fmt.Fprintf(&b, " clean (%d executions) |\n", f.Runs)
		}
	}
	fmt.Fprintf(&b, "| **found** | | | %d/%d | %d/%d | %d/%d | %d/%d | |\n",
		found[0], len(ks), found[1], natives, found[2], len(ks), found[3], natives)
	return b.String()
}
