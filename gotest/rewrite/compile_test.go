package rewrite

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/simrun/simrun/internal/longtest"
)

// runtimeDir writes the runtime packages (op, scheduler, traces, sim,
// gort) of this repository into a module of their own, as the driver does
// from the simrun binary, and returns its directory. The directory is
// named by the content's hash, so that runs share it and the build cache
// (which keys on paths) keeps the runtime compiled.
func runtimeDir(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "gort", "chan.go")); err != nil {
		t.Skip("package gort is not in this tree")
	}
	const goMod = "module github.com/simrun/simrun\n\ngo 1.23\n"
	files := map[string][]byte{"go.mod": []byte(goMod)}
	h := sha256.New()
	h.Write([]byte(goMod))
	for _, p := range []string{"op", "scheduler", "traces", "sim", "gort"} {
		ents, err := os.ReadDir(filepath.Join(root, p))
		if err != nil {
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
			files[filepath.Join(p, n)] = b
			fmt.Fprintf(h, "%s\x00%d\x00", filepath.Join(p, n), len(b))
			h.Write(b)
		}
	}
	dir := filepath.Join(os.TempDir(), "simrun-rewrite-runtime-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "simrun-rewrite-runtime-*")
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if err := os.MkdirAll(filepath.Join(tmp, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp) // another test run wrote it first
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
			t.Fatal(err)
		}
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

// TestKernelsCompile translates the plain-Go kernel suite
// (gotest/testdata/kernels, or the module SIMRUN_REWRITE_DIR names) and
// builds it, tests included.
func TestKernelsCompile(t *testing.T) {
	dir := os.Getenv("SIMRUN_REWRITE_DIR")
	if dir == "" {
		longtest.Skip(t, "building the whole kernel suite translated")
	}
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
	// All of testdata/mod: the run also proves that every package of it
	// compiles translated, tests included.
	got, out, report := runTests(t, "testdata/mod", "./...")
	want := map[string]string{
		"TestSum":           "clean ", // loopvar, a go 1.22 module: one variable per iteration
		"TestLeak":          "finding leak",
		"TestNoLeak":        "clean ",
		"TestRace":          "finding race",
		"TestLocked":        "clean ",
		"TestFatalInSafely": "finding test-failed",
		"TestGoleak":        "finding leak",
		"TestMapRace":       "finding race",
		"TestMapLocked":     "clean ",
		"TestBufferRace":    "finding race",
		"TestBufferLocked":  "clean ",
		"TestTwo":           "clean ", // mainonly: its TestMain calls goleak.VerifyTestMain(m)
	}
	checkReport(t, got, want, out)
	// Positions are the user's (//line): the t.Fatal, the racing field.
	for _, site := range []string{"e2e_test.go:51: fatal", "data race on c.n (e2e.go:41)"} {
		if !strings.Contains(report, site) {
			t.Errorf("report lacks %q:\n%s", site, report)
		}
	}
}

// TestLoopVar121: testdata/mod/loopvar in a go 1.21 module, where a loop
// variable is one variable for the whole loop, so that the goroutines
// capturing it race with the loop (in testdata/mod, go 1.22, it is clean:
// TestEndToEnd). The translation keeps the file's semantics.
func TestLoopVar121(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs with the go command")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "loopvar"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/rw121\n\ngo 1.21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"loopvar.go", "loopvar_test.go"} {
		b, err := os.ReadFile(filepath.Join("testdata", "mod", "loopvar", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "loopvar", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, out, _ := runTests(t, dir, "./loopvar")
	checkReport(t, got, map[string]string{"TestSum": "finding race"}, out)
}

// runTests translates the module at dir, runs the tests of pkg translated
// and returns each test's "verdict kind" from the report.
func runTests(t *testing.T, dir, pkg string) (verdicts map[string]string, out []byte, report string) {
	t.Helper()
	flags := translateModule(t, dir, pkg)
	tmp := t.TempDir()
	reportFile := filepath.Join(tmp, "report.jsonl")
	cfg, err := json.Marshal(map[string]any{"traces_dir": filepath.Join(tmp, "traces"), "report": reportFile, "runs": 50})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", append(append([]string{"test", "-count=1", "-vet=off"}, flags...), pkg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "SIMRUN_GOTEST="+string(cfg))
	out, _ = cmd.CombinedOutput() // the findings fail their tests
	b, err := os.ReadFile(reportFile)
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
	return got, out, string(b)
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
