package rewrite

import (
	"encoding/json"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// runtimeDir writes the runtime packages (op, scheduler, traces, sim,
// gort) of this repository into a module of their own, as the driver does
// from the simrun binary, and returns its directory.
func runtimeDir(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "gort", "chan.go")); err != nil {
		t.Skip("package gort is not in this tree")
	}
	dir := t.TempDir()
	for _, p := range []string{"op", "scheduler", "traces", "sim", "gort"} {
		ents, err := os.ReadDir(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, p), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			n := e.Name()
			if e.IsDir() || strings.HasSuffix(n, "_test.go") || !(strings.HasSuffix(n, ".go") || strings.HasPrefix(n, "html.")) {
				continue
			}
			b, err := os.ReadFile(filepath.Join(root, p, n))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, p, n), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module github.com/simrun/simrun\n\ngo 1.23\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// translateModule translates every package of the module at dir matching
// patterns and writes the overlay and a go.mod that requires the runtime;
// it returns the go command's flags for them.
func translateModule(t *testing.T, dir string, patterns ...string) []string {
	t.Helper()
	rt := runtimeDir(t)
	tmp := t.TempDir()
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The go line of the temporary go.mod rises to the runtime's; a
	// //go:build line keeps an older module's files at their language
	// version, as the driver does (none of these files has one).
	var keepVersion string
	if m := regexp.MustCompile(`(?m)^go (1\.\d+)`).FindSubmatch(mod); m != nil && version.Compare("go"+string(m[1]), "go1.23") < 0 {
		// Translated code needs generics; a //go:build line sets a
		// file's version from Go 1.21 on.
		v := "go" + string(m[1])
		if version.Compare(v, "go1.21") < 0 {
			v = "go1.21"
		}
		keepVersion = "//go:build " + v + "\n\n"
	}
	overlay := map[string]string{}
	content := map[string]string{}
	i := 0
	for _, p := range load(t, dir, patterns...) {
		files, _, err := Package(p, Config{})
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		for _, f := range files {
			if prev, ok := content[f.Path]; ok {
				// A non-test file, translated with the test variant too:
				// both must agree, the overlay holds one.
				if prev != string(f.Content) {
					t.Errorf("%s translates differently in %s", f.Path, p.ID)
				}
				continue
			}
			content[f.Path] = string(f.Content)
			i++
			name := filepath.Join(tmp, strings.TrimSuffix(filepath.Base(f.Path), ".go")+"."+strconv.Itoa(i)+".go")
			if err := os.WriteFile(name, append([]byte(keepVersion), f.Content...), 0o644); err != nil {
				t.Fatal(err)
			}
			overlay[f.Path] = name
		}
	}
	b, err := json.Marshal(map[string]any{"Replace": overlay})
	if err != nil {
		t.Fatal(err)
	}
	ov := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ov, b, 0o644); err != nil {
		t.Fatal(err)
	}
	mod = append(mod, []byte("\nrequire github.com/simrun/simrun v0.0.0\n\nreplace github.com/simrun/simrun => "+rt+"\n")...)
	mf := filepath.Join(tmp, "go.mod")
	if err := os.WriteFile(mf, mod, 0o644); err != nil {
		t.Fatal(err)
	}
	if sum, err := os.ReadFile(filepath.Join(dir, "go.sum")); err == nil {
		if err := os.WriteFile(filepath.Join(tmp, "go.sum"), sum, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return []string{"-overlay", ov, "-modfile", mf}
}

func goCmd(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestCompiles proves that the translation of the testdata module builds
// against the runtime, tests included.
func TestCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	flags := translateModule(t, "testdata/mod", "./...")
	args := append([]string{"test", "-count=1", "-vet=off", "-run", "^$"}, flags...)
	if out, err := goCmd(t, "testdata/mod", append(args, "./...")...); err != nil {
		t.Fatalf("go test: %v\n%s", err, out)
	}
}

// TestKernelsCompile translates the plain-Go kernel suite
// (gotest/testdata/kernels, or the module SIMRUN_REWRITE_DIR names) and
// builds it, tests included.
func TestKernelsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	dir := os.Getenv("SIMRUN_REWRITE_DIR")
	if dir == "" {
		dir = "../testdata/kernels"
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Skipf("no module at %s", dir)
	}
	flags := translateModule(t, dir, "./...")
	args := append([]string{"test", "-count=1", "-vet=off", "-run", "^$"}, flags...)
	if out, err := goCmd(t, dir, append(args, "./...")...); err != nil {
		t.Fatalf("go test: %v\n%s", err, out)
	}
}

// TestEndToEnd runs translated tests under the runtime: the leaking
// sender and the unlocked counter are findings, their fixed versions are
// clean, and a package variable starts from its initial value in every
// execution.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs with the go command")
	}
	got, out := runTests(t, "testdata/mod", "./e2e")
	want := map[string]string{
		"TestLeak":          "finding leak",
		"TestNoLeak":        "clean ",
		"TestRace":          "finding race",
		"TestLocked":        "clean ",
		"TestFatalInSafely": "finding test-failed",
		"TestGoleak":        "finding leak",
		"TestMapRace":       "finding race",
		"TestMapLocked":     "clean ",
	}
	checkReport(t, got, want, out)
}

// TestLoopVar: in a go 1.21 module, goroutines that capture a range
// variable race with the loop; from Go 1.22 each iteration has its own.
// The translation keeps the file's semantics.
func TestLoopVar(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs with the go command")
	}
	for _, tc := range []struct{ dir, want string }{
		{"testdata/mod121", "finding race"},
		{"testdata/mod", "clean "},
	} {
		got, out := runTests(t, tc.dir, "./loopvar")
		checkReport(t, got, map[string]string{"TestSum": tc.want}, out)
	}
}

// runTests translates the module at dir, runs the tests of pkg translated
// and returns each test's "verdict kind" from the report.
func runTests(t *testing.T, dir, pkg string) (map[string]string, []byte) {
	t.Helper()
	flags := translateModule(t, dir, pkg)
	tmp := t.TempDir()
	report := filepath.Join(tmp, "report.jsonl")
	cfg, err := json.Marshal(map[string]any{"traces_dir": filepath.Join(tmp, "traces"), "report": report, "runs": 50})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", append(append([]string{"test", "-count=1", "-vet=off"}, flags...), pkg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "SIMRUN_GOTEST="+string(cfg))
	out, _ := cmd.CombinedOutput() // the findings fail their tests
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r struct{ Test, Verdict, Kind, Message string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("report line %q: %v", line, err)
		}
		got[r.Test] = r.Verdict + " " + r.Kind
		t.Logf("%s: %s %s %s", r.Test, r.Verdict, r.Kind, r.Message)
	}
	return got, out
}

// checkReport compares the verdicts of a report with want.
func checkReport(t *testing.T, got, want map[string]string, out []byte) {
	t.Helper()
	for test, w := range want {
		if got[test] != w {
			t.Errorf("%s: got %q, want %q\n%s", test, got[test], w, out)
		}
	}
}
