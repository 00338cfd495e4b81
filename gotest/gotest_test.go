package gotest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simrun/simrun/gort"
)

func TestExitCode(t *testing.T) {
	clean := gort.Result{Verdict: "clean"}
	finding := gort.Result{Verdict: "finding", Kind: "leak"}
	noVerdict := gort.Result{Verdict: "error"}
	for _, c := range []struct {
		name    string
		results []gort.Result
		err     error
		want    int
	}{
		{"clean", []gort.Result{clean, clean}, nil, ExitClean},
		{"finding", []gort.Result{clean, finding}, nil, ExitFinding},
		{"finding beats no verdict", []gort.Result{noVerdict, finding}, nil, ExitFinding},
		{"no verdict", []gort.Result{clean, noVerdict}, nil, ExitInconclusive},
		{"replayed finding", []gort.Result{{Verdict: "replayed", Kind: "deadlock"}}, nil, ExitFinding},
		{"replayed, nothing", []gort.Result{{Verdict: "replayed"}}, nil, ExitClean},
		{"error", []gort.Result{finding}, &BuildError{}, ExitUsage},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ExitCode(c.results, c.err); got != c.want {
				t.Fatalf("ExitCode = %d, want %d", got, c.want)
			}
		})
	}
}

func TestSplitVariant(t *testing.T) {
	for _, c := range []struct {
		protocol, variant, pkg, test string
		ok                           bool
	}{
		{"gotest", "example.com/mini.TestFirstLeak", "example.com/mini", "TestFirstLeak", true},
		{"gotest", "example.com/a.b/c_test.TestX", "example.com/a.b/c_test", "TestX", true},
		{"gotest", "example.com/mini", "example.com", "", false},
		{"gotest", "TestX", "", "", false},
		{"gotest", "example.com/mini.", "", "", false},
		{"lockfree", "example.com/mini.TestX", "", "", false},
	} {
		pkg, test, ok := splitVariant(c.protocol, c.variant)
		if ok != c.ok || ok && (pkg != c.pkg || test != c.test) {
			t.Errorf("splitVariant(%q, %q) = %q, %q, %v; want %q, %q, %v", c.protocol, c.variant, pkg, test, ok, c.pkg, c.test, c.ok)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	if err := buildErrors("ok  \texample.com/mini\t0.1s\n"); err != nil {
		t.Fatalf("a build that succeeded: %v", err)
	}
	out := "--- FAIL: TestBuggy (0.01s)\n    simrun_gen_test.go:21: simrun: deadlock in execution 1\nFAIL\n" +
		"# example.com/mini [example.com/mini.test]\n./pool.go:12:3: undefined: gort.Frob\nFAIL\texample.com/mini [build failed]\nFAIL\n"
	var be *BuildError
	if err := buildErrors(out); !errors.As(err, &be) {
		t.Fatalf("buildErrors = %v, want a *BuildError", err)
	}
	if len(be.Errors) != 2 || !strings.Contains(be.Errors[1], "pool.go:12:3") {
		t.Fatalf("Errors = %q", be.Errors)
	}
	rs := missing(nil, []testID{idOf("example.com/mini", "TestA")}, errors.New("exit status 1"), out)
	if len(rs) != 1 || rs[0].Verdict != "error" || !strings.Contains(rs[0].Message, "does not compile: ./pool.go:12:3") {
		t.Fatalf("the test of the package that did not build: %+v", rs)
	}
}

// TestReadReport: lines of binaries that ran in parallel come out by
// package, each package's in the order its tests ran; a half-written last
// line is left out.
func TestReadReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.jsonl")
	lines := `{"package":"m/b","test":"TestB1","verdict":"clean","runs":3}
{"package":"m/a_test","test":"TestA1","verdict":"finding","kind":"leak","runs":1}
{"package":"m/b","test":"TestB2","verdict":"clean","runs":3}
{"package":"m/a","test":"TestA2","verdict":"clean","runs":3}
{"package":"m/c","test":"TestC`
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := readReport(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.Test)
	}
	if want := "TestA1 TestA2 TestB1 TestB2"; strings.Join(got, " ") != want {
		t.Fatalf("order %v, want %s", got, want)
	}
	if rs, err := readReport(filepath.Join(t.TempDir(), "none")); rs != nil || err != nil {
		t.Fatalf("missing report: %v, %v", rs, err)
	}
}

func TestMissing(t *testing.T) {
	rs := missing([]gort.Result{{Package: "m/a_test", Test: "TestA", Verdict: "clean"}},
		[]testID{idOf("m/a", "TestA"), idOf("m/a", "TestB")}, errors.New("exit status 2"), "panic: test timed out after 10m0s\n")
	if len(rs) != 2 || rs[1].Test != "TestB" || rs[1].Verdict != "error" || !strings.Contains(rs[1].Message, "timed out") {
		t.Fatalf("missing = %+v", rs)
	}
}

func TestPrintTable(t *testing.T) {
	wd, _ := os.Getwd()
	rs := []gort.Result{
		{Package: "example.com/mini", Test: "TestFirstFixed", Verdict: "clean", Runs: 1500},
		{Package: "example.com/mini", Test: "TestFirstLeak", Verdict: "finding", Kind: "leak", Message: "goroutine func@pool.go:24 is blocked", Runs: 1, Run: 1, Strategy: "mix", Seed: 1, Steps: 9,
			Trace: filepath.Join(wd, "simrun-traces", "t.json")},
	}
	var b bytes.Buffer
	printTable(&b, rs, "")
	want := `TEST                             VERDICT  KIND  RUNS  TRACE
example.com/mini.TestFirstFixed  clean    -     1500  -
example.com/mini.TestFirstLeak   finding  leak  1     simrun-traces/t.json

example.com/mini.TestFirstLeak: goroutine func@pool.go:24 is blocked (run 1 of mix, 9 steps)
  replay: simrun test -trace simrun-traces/t.json
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestGoFailed(t *testing.T) {
	for _, c := range []struct {
		out  string
		want bool
	}{
		{"go: -modfile cannot be used in workspace mode\n", true},
		{"go: updates to go.mod needed; to update it:\n\tgo mod tidy\n", true},
		{"--- FAIL: TestX (0.00s)\n    x_test.go:3: go: not a go command\nFAIL\n", false},
		{"panic: test timed out after 10m0s\n", false},
	} {
		if got := goFailed(c.out); got != c.want {
			t.Errorf("goFailed(%q) = %v, want %v", c.out, got, c.want)
		}
	}
}

// TestModuleOf: a trace saved under a module's simrun-traces replays in
// that module, found by its go.mod's module path; elsewhere, the default.
func TestModuleOf(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"mod/go.mod": "module example.com/mini // the module\n\ngo 1.21\n",
		"mod/simrun-traces/example.com/mini/TestX/t.json": "{}",
		"other/go.mod": "module example.com/other\n",
	})
	mod := filepath.Join(root, "mod")
	for _, c := range []struct{ dir, pkg, want string }{
		{filepath.Join(mod, "simrun-traces/example.com/mini/TestX"), "example.com/mini", mod},
		{filepath.Join(mod, "simrun-traces/example.com/mini/TestX"), "example.com/mini/sub", mod},
		{filepath.Join(mod, "simrun-traces"), "example.com/minimal", "."},
		{filepath.Join(root, "other"), "example.com/mini", "."},
	} {
		if got := moduleOf(c.dir, c.pkg, "."); got != c.want {
			t.Errorf("moduleOf(%s, %s) = %s, want %s", c.dir, c.pkg, got, c.want)
		}
	}
}
