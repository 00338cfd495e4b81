package gotest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// offline makes the go command run without the network, and without the
// developer's GOFLAGS.
func offline(t *testing.T) {
	t.Helper()
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "")
	t.Setenv("GOTOOLCHAIN", "local")
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRuntimeBuilds proves that the runtime written out of the binary is
// a module of its own that builds with its go line (runtimeGoVersion) and
// no requirements, and that it is written once per content.
func TestRuntimeBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runtime (-short)")
	}
	offline(t)
	cache := t.TempDir()
	first, err := writeRuntime(cache)
	if err != nil {
		t.Fatal(err)
	}
	again, err := writeRuntime(cache)
	if err != nil || again != first {
		t.Fatalf("second write: %q, %v; want %q", again, err, first)
	}
	// Build the one simrun test uses, whose build the go command caches
	// (a package's build depends on its directory).
	dir, err := writeRuntime(cacheDir())
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(dir) != filepath.Base(first) {
		t.Fatalf("runtime directories %s and %s: the name is not the content's hash", dir, first)
	}
	for _, p := range []string{"sim/exec.go", "traces/html.tmpl", "go.mod"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("runtime lacks %s: %v", p, err)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*", "*_test.go")); len(m) > 0 {
		t.Errorf("runtime has tests: %v", m)
	}
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the runtime: %v\n%s", err, out)
	}
}

// TestPrepareModuleOffline runs, offline, the test of a go 1.21 module
// whose go.mod does not mention simrun, against the runtime, through the
// temporary go.mod and an overlay. The test prints the values of the
// loop variable its closures captured: 3 3 3 in a go 1.21 module, which
// the file's //go:build line keeps although the temporary go.mod says
// go 1.23 (without it, the closures would print 0 1 2).
func TestPrepareModuleOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runtime and a test binary (-short)")
	}
	offline(t)
	mod := t.TempDir()
	gomod := "module example.com/um\n\ngo 1.21\n"
	writeFiles(t, mod, map[string]string{
		"go.mod": gomod,
		"p/p.go": `package p

func Loop() []func() int {
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i })
	}
	return fs
}
`,
		"p/p_test.go": `package p

import (
	"fmt"
	"testing"
)

func TestLoop(t *testing.T) {
	for _, f := range Loop() {
		fmt.Print(f(), " ")
	}
}
`,
	})
	scratch := t.TempDir()
	setup, err := prepareModule(context.Background(), mainModule{Path: "example.com/um", GoMod: filepath.Join(mod, "go.mod"), GoVersion: "1.21"}, mod, scratch)
	if err != nil {
		t.Fatal(err)
	}
	if setup.FileVersion != "go1.21" {
		t.Errorf("FileVersion = %q, want go1.21", setup.FileVersion)
	}
	// The translation would import the runtime: so does the overlay.
	src, err := os.ReadFile(filepath.Join(mod, "p", "p.go"))
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), "package p\n", "package p\n\nimport _ \"github.com/simrun/simrun/sim\"\n", 1))
	translated := filepath.Join(scratch, "p.go")
	if err := os.WriteFile(translated, setFileVersion(src, setup.FileVersion), 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{filepath.Join(mod, "p", "p.go"): translated}})
	overlayFile := filepath.Join(scratch, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-overlay", overlayFile, "-modfile", setup.ModFile, "-count=1", "-v", "./p")
	cmd.Dir = mod
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "3 3 3") {
		t.Errorf("the loop variable is per-iteration in a go 1.21 module; output:\n%s", out)
	}
	if b, _ := os.ReadFile(filepath.Join(mod, "go.mod")); string(b) != gomod {
		t.Errorf("the user's go.mod was written:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(mod, "go.sum")); err == nil {
		t.Errorf("a go.sum appeared in the user's module")
	}
}

func TestSetFileVersion(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"none", "package p\n", "//go:build go1.21\n\npackage p\n"},
		{"line directive", "//line /a/p.go:1\npackage p\n", "//go:build go1.21\n\n//line /a/p.go:1\npackage p\n"},
		{"own constraint", "// Doc.\n\n//go:build linux || darwin\n\npackage p\n", "// Doc.\n\n//go:build (linux || darwin) && go1.21\n\npackage p\n"},
		{"older version", "//go:build go1.18\n\npackage p\n", "//go:build go1.18 && go1.21\n\npackage p\n"},
		{"newer version kept", "//go:build go1.22\n\npackage p\n", "//go:build go1.22\n\npackage p\n"},
		{"after the package clause", "package p\n\n//go:build linux\n", "//go:build go1.21\n\npackage p\n\n//go:build linux\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(setFileVersion([]byte(tt.src), "go1.21")); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
