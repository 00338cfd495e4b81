package gotest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simrun/simrun/gort"
	"github.com/simrun/simrun/gotest/rewrite"
	"golang.org/x/tools/go/packages"
)

// hashTree hashes every file under dir, to prove a run writes none.
func hashTree(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		h.Write([]byte(p + "\x00"))
		h.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(h.Sum(nil))
}

// TestMini runs simrun test end to end, offline, on testdata/mini (a go
// 1.21 module whose go.mod does not mention simrun): the leaking test is
// a leak finding with a trace that replays to the message and steps it
// reported, the fixed one and the one that needs fresh package state are
// clean, the loop variable keeps go 1.21's meaning (a race), and the
// module's files are left as they were.
func TestMini(t *testing.T) {
	if testing.Short() {
		t.Skip("translates and builds a module (-short)")
	}
	offline(t)
	dir, err := filepath.Abs("testdata/mini")
	if err != nil {
		t.Fatal(err)
	}
	before := hashTree(t, dir)
	var out, errb bytes.Buffer
	o := Options{Dir: dir, Patterns: []string{"./..."}, Stdout: &out, Stderr: &errb,
		Config: gort.Config{Runs: 100, TracesDir: t.TempDir()}}
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("Run: %v\n%s\n%s", err, out.String(), errb.String())
	}
	t.Logf("\n%s", out.String())
	verdicts := map[string]gort.Result{}
	for _, r := range res {
		verdicts[r.Test] = r
	}
	for test, want := range map[string]string{"TestFirstLeak": "finding", "TestFirstFixed": "clean", "TestSumFresh": "clean", "TestLoopVarShared": "finding"} {
		if got := verdicts[test]; got.Verdict != want || got.Package != "example.com/mini" {
			t.Errorf("%s: %+v, want verdict %s", test, got, want)
		}
	}
	leak := verdicts["TestFirstLeak"]
	if leak.Kind != "leak" || leak.Trace == "" || !strings.Contains(leak.Message, "pool.go:") {
		t.Fatalf("TestFirstLeak: %+v: want a leak at pool.go, with a trace", leak)
	}
	// The module says go 1.21: one loop variable for the whole loop, read
	// by the goroutines while the loop increments it.
	if r := verdicts["TestLoopVarShared"]; r.Kind != "race" || !strings.Contains(r.Message, "data race on i (loop_test.go:21)") {
		t.Errorf("TestLoopVarShared: %+v: want the race on the loop variable of a go 1.21 module", r)
	}
	if code := ExitCode(res, nil); code != ExitFinding {
		t.Errorf("exit %d, want %d", code, ExitFinding)
	}
	if after := hashTree(t, dir); after != before {
		t.Errorf("the run wrote into the module")
	}

	out.Reset()
	o.Config.Trace = leak.Trace
	res, err = Run(context.Background(), o)
	if err != nil {
		t.Fatalf("replay: %v\n%s", err, errb.String())
	}
	if len(res) != 1 || res[0].Verdict != "replayed" || res[0].Kind != "leak" || !strings.Contains(out.String(), "pool.go") {
		t.Fatalf("replay: %+v\n%s", res, out.String())
	}
	// The table said what the replay of the saved (minimized) trace says.
	if res[0].Message != leak.Message || res[0].Steps != leak.Steps {
		t.Errorf("the replay found %q in %d steps; the run reported %q in %d steps", res[0].Message, res[0].Steps, leak.Message, leak.Steps)
	}
	t.Logf("\n%s", out.String())
}

// TestUnsupported: code the translation cannot handle is an
// *rewrite.Unsupported naming each file:line, and a package that does not
// type-check a *LoadError, exit status 2 either way; their tests do not
// run (verdicts unsupported and error), and the tests of the module's
// other packages do.
func TestUnsupported(t *testing.T) {
	if testing.Short() {
		t.Skip("translates and builds a module (-short)")
	}
	offline(t)
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{Dir: "testdata/unsupported", Patterns: []string{"./..."}, Stdout: &out, Stderr: &out,
		Config: gort.Config{Runs: 5, TracesDir: t.TempDir()}})
	var un *rewrite.Unsupported
	var load *LoadError
	if !errors.As(err, &un) || !errors.As(err, &load) {
		t.Fatalf("Run: %v, want *rewrite.Unsupported and *LoadError", err)
	}
	if got := Problems(un); !strings.Contains(got, "fanin.go:14: reflect.Select") {
		t.Errorf("problems lack reflect.Select at fanin.go:14:\n%s", got)
	}
	if got := strings.Join(load.Errors, "\n"); !strings.Contains(got, "broken_test.go:8") {
		t.Errorf("load errors lack broken_test.go:8:\n%s", got)
	}
	verdicts := map[string]string{}
	for _, r := range res {
		verdicts[r.Package+"."+r.Test] = r.Verdict + " " + r.Kind
	}
	want := map[string]string{
		"example.com/unsupported.TestFirstOf":       Unsupported + " ",
		"example.com/unsupported/broken.TestBroken": "error ",
		"example.com/unsupported/leak.TestLeak":     "finding leak",
	}
	if fmt.Sprint(verdicts) != fmt.Sprint(want) {
		t.Fatalf("verdicts %v, want %v\n%s", verdicts, want, out.String())
	}
	if code := ExitCode(res, err); code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
}

// TestWorkspace runs testdata/mini as a module of a workspace (go.work),
// where the go command refuses -modfile: a temporary go.work that also
// uses the runtime takes its place, and the user's go.work is left as it
// was.
func TestWorkspace(t *testing.T) {
	if testing.Short() {
		t.Skip("translates and builds a module (-short)")
	}
	offline(t)
	ws := t.TempDir()
	copyMini(t, filepath.Join(ws, "mini"))
	work := "go 1.21\n\nuse ./mini\n"
	writeFiles(t, ws, map[string]string{"go.work": work})
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{Dir: filepath.Join(ws, "mini"), Stdout: &out, Stderr: &out,
		Run: "TestFirst", Config: gort.Config{Runs: 10, TracesDir: t.TempDir()}})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	if len(res) != 2 || res[0].Kind != "leak" || res[1].Verdict != "clean" {
		t.Fatalf("results %+v\n%s", res, out.String())
	}
	if b, _ := os.ReadFile(filepath.Join(ws, "go.work")); string(b) != work {
		t.Errorf("the user's go.work was written:\n%s", b)
	}
}

// copyMini copies testdata/mini's pool to dir.
func copyMini(t *testing.T, dir string) {
	t.Helper()
	for _, f := range []string{"go.mod", "pool.go", "pool_test.go"} {
		b, err := os.ReadFile(filepath.Join("testdata/mini", f))
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, dir, map[string]string{f: string(b)})
	}
}

// TestVendored runs mini with a vendored dependency: vendor mode would
// refuse the runtime, which is not in vendor/modules.txt, so the module
// builds with -mod=readonly.
func TestVendored(t *testing.T) {
	if testing.Short() {
		t.Skip("translates and builds a module (-short)")
	}
	offline(t)
	root := t.TempDir()
	mod := filepath.Join(root, "mini")
	copyMini(t, mod)
	writeFiles(t, root, map[string]string{
		"dep/go.mod":      "module example.com/dep\n\ngo 1.21\n",
		"dep/dep.go":      "package dep\n\nfunc Two() int { return 2 }\n",
		"mini/go.mod":     "module example.com/mini\n\ngo 1.21\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n",
		"mini/usesdep.go": "package mini\n\nimport \"example.com/dep\"\n\nvar two = dep.Two()\n",
	})
	cmd := exec.Command("go", "mod", "vendor")
	cmd.Dir = mod
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod vendor: %v\n%s", err, out)
	}
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{Dir: mod, Stdout: &out, Stderr: &out,
		Run: "TestFirst", Config: gort.Config{Runs: 10, TracesDir: t.TempDir()}})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	if len(res) != 2 || res[0].Kind != "leak" || res[1].Verdict != "clean" {
		t.Fatalf("results %+v\n%s", res, out.String())
	}
}

// TestCancelled: a run whose context ends before go test runs reports
// ctx's error, not how the go command failed.
func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	_, err := Run(ctx, Options{Dir: "testdata/mini", Stdout: &out, Stderr: &out})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v, want context.Canceled", err)
	}
}

// TestInterrupted: cancelling a run while go test runs (Ctrl-C) keeps the
// results of the tests that reported before, marked interrupted.
func TestInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("translates and builds a module (-short)")
	}
	offline(t)
	traces := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// The leak is found at once; TestFirstFixed then runs its million
		// executions until the cancel.
		for {
			if m, _ := filepath.Glob(filepath.Join(traces, "*", "*", "TestFirstLeak", "*.json")); len(m) > 0 {
				time.Sleep(time.Second)
				cancel()
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	var out bytes.Buffer
	o := Options{Dir: "testdata/mini", Run: "TestFirst", JSON: true, Stdout: &out, Stderr: &out,
		Config: gort.Config{Runs: 1_000_000, TracesDir: traces}}
	res, err := Run(ctx, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v, want context.Canceled\n%s", err, out.String())
	}
	if len(res) != 1 || res[0].Test != "TestFirstLeak" || res[0].Kind != "leak" {
		t.Fatalf("results %+v, want TestFirstLeak's leak alone", res)
	}
	if !strings.Contains(out.String(), `"interrupted": true`) {
		t.Errorf("output not marked interrupted:\n%s", out.String())
	}
}

// TestSelfModule runs a test package of the simrun module itself: no
// temporary go.mod, and the runtime packages it compiles are left as they
// are.
func TestSelfModule(t *testing.T) {
	if testing.Short() {
		t.Skip("translates and builds a package (-short)")
	}
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{Patterns: []string{"./testdata/self"}, Stdout: &out, Stderr: &out,
		Config: gort.Config{Runs: 5, TracesDir: t.TempDir()}})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	if len(res) != 1 || res[0].Kind != "leak" || res[0].Package != "github.com/simrun/simrun/gotest/testdata/self" {
		t.Fatalf("results %+v", res)
	}
}

// TestBuildErrorPositions: translated code that does not compile is a
// *BuildError whose messages point at the original file and line, through
// the translation's //line directives. The seam breaks the translation of
// pool.go at its line 99.
func TestBuildErrorPositions(t *testing.T) {
	if testing.Short() {
		t.Skip("translates and builds a module (-short)")
	}
	offline(t)
	defer func(f func(*packages.Package, rewrite.Config) ([]rewrite.File, []string, error)) { rewritePackage = f }(rewritePackage)
	rewritePackage = func(pkg *packages.Package, cfg rewrite.Config) ([]rewrite.File, []string, error) {
		files, tests, err := rewrite.Package(pkg, cfg)
		for i, f := range files {
			if filepath.Base(f.Path) == "pool.go" {
				files[i].Content = append(f.Content, "\n//line "+f.Path+":99\nvar _ int = \"not an int\"\n"...)
			}
		}
		return files, tests, err
	}
	var out bytes.Buffer
	_, err := Run(context.Background(), Options{Dir: "testdata/mini", Stdout: &out, Stderr: &out,
		Config: gort.Config{Runs: 5, TracesDir: t.TempDir()}})
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("Run: %v, want a *BuildError\n%s", err, out.String())
	}
	if !strings.Contains(strings.Join(be.Errors, "\n"), "pool.go:99") {
		t.Fatalf("errors do not point at pool.go:99:\n%s", strings.Join(be.Errors, "\n"))
	}
	if code := ExitCode(nil, err); code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
}
