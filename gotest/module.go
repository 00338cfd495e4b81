package gotest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/build/constraint"
	"go/version"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/simrun/simrun"
)

const (
	// runtimeModule is the module path of the runtime packages that
	// translated code imports.
	runtimeModule = "github.com/simrun/simrun"

	// runtimeGoVersion is the go line of the runtime's go.mod: the lowest
	// language version its packages compile with (TestRuntimeBuilds
	// proves it; sim ranges over iterators, which needs 1.23).
	runtimeGoVersion = "1.23"

	// minFileVersion is the lowest language version a translated file may
	// be set to: translated code calls generic functions (1.18), and only
	// from 1.21 on does a //go:build line set a file's version.
	minFileVersion = "1.21"
)

// runtimeGoMod is the go.mod of the runtime written out of the binary:
// the runtime packages import only the standard library.
var runtimeGoMod = "module " + runtimeModule + "\n\ngo " + runtimeGoVersion + "\n"

// runtimeFiles returns the runtime's source files that a build needs (no
// tests) by path, and a hash of them and of the go.mod.
func runtimeFiles() (map[string][]byte, string, error) {
	files := map[string][]byte{}
	h := sha256.New()
	h.Write([]byte(runtimeGoMod))
	// WalkDir visits in lexical order, so the hash does not depend on
	// the order of the embed patterns.
	err := fs.WalkDir(simrun.Runtime, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := simrun.Runtime.ReadFile(path)
		if err != nil {
			return err
		}
		files[path] = b
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("reading the embedded runtime: %w", err)
	}
	return files, hex.EncodeToString(h.Sum(nil))[:16], nil
}

// writeRuntime writes the embedded runtime to cache/simrun/runtime-HASH
// (a module with its go.mod) unless it is there already, and returns the
// directory. The directory appears whole or not at all (written aside,
// then renamed), so a concurrent simrun or an interrupted one never sees
// half of it, and a different binary's runtime gets its own directory.
func writeRuntime(cache string) (string, error) {
	files, hash, err := runtimeFiles()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "simrun", "runtime-"+hash)
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("writing the runtime: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".runtime-*")
	if err != nil {
		return "", fmt.Errorf("writing the runtime: %w", err)
	}
	defer os.RemoveAll(tmp) // left only if the rename failed
	files["go.mod"] = []byte(runtimeGoMod)
	for path, b := range files {
		p := filepath.Join(tmp, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", fmt.Errorf("writing the runtime: %w", err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return "", fmt.Errorf("writing the runtime: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another simrun may have written it meanwhile.
		if _, serr := os.Stat(filepath.Join(dir, "go.mod")); serr == nil {
			return dir, nil
		}
		return "", fmt.Errorf("writing the runtime: %w", err)
	}
	return dir, nil
}

// cacheDir is where the runtime is written: the user's cache directory,
// or the temporary one when there is none (no $HOME).
func cacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return d
	}
	return os.TempDir()
}

// mainModule is what the driver needs of the module whose tests it runs.
type mainModule struct {
	Path      string // module path
	GoMod     string // its go.mod file
	GoVersion string // its go line ("" = none: 1.16, as the go command takes it)
}

// moduleSetup is how the go command must be run for translated code to
// find the runtime.
type moduleSetup struct {
	// ModFile is the temporary go.mod to pass as -modfile; "" when the
	// main module is simrun itself.
	ModFile string
	// FileVersion, if not "", is the language version ("go1.21") each
	// file of the main module must keep with a //go:build line, because
	// ModFile's go line had to be raised for the runtime: without it the
	// loop variables of a go 1.21 module would become per-iteration.
	FileVersion string
	// Env is added to the go command's environment: GOWORK=<a temporary
	// go.work> in workspace mode, where -modfile is refused.
	Env []string
	// Flags are go test flags: -mod=readonly for a vendored module, whose
	// vendor directory lacks the runtime (the go command then reads the
	// dependencies from the module cache).
	Flags []string
}

// prepareModule writes, in scratch, a copy of the main module's go.mod
// (and go.sum) that requires the runtime and replaces it by the copy
// written out of the binary. The user's files are never written.
//
// In workspace mode (a go.work applies to dir), where the go command
// refuses -modfile, it writes a copy of the go.work that also uses the
// runtime instead.
func prepareModule(ctx context.Context, m mainModule, dir, scratch string) (moduleSetup, error) {
	if m.Path == runtimeModule {
		return moduleSetup{}, nil
	}
	rt, err := writeRuntime(cacheDir())
	if err != nil {
		// A cache directory we may not write (a read-only home in CI).
		var terr error
		if rt, terr = writeRuntime(os.TempDir()); terr != nil {
			return moduleSetup{}, err
		}
	}
	work, err := goCmd(ctx, dir, "env", "GOWORK")
	if err != nil {
		return moduleSetup{}, err
	}
	if work = strings.TrimSpace(work); work != "" && work != "off" {
		return prepareWorkspace(ctx, work, rt, scratch)
	}
	mod, err := os.ReadFile(m.GoMod)
	if err != nil {
		return moduleSetup{}, fmt.Errorf("reading the module's go.mod: %w", err)
	}
	sum, err := os.ReadFile(strings.TrimSuffix(m.GoMod, ".mod") + ".sum")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return moduleSetup{}, fmt.Errorf("reading the module's go.sum: %w", err)
	}
	modFile := filepath.Join(scratch, "go.mod")
	if err := os.WriteFile(modFile, mod, 0o644); err != nil {
		return moduleSetup{}, fmt.Errorf("writing the temporary go.mod: %w", err)
	}
	if err := os.WriteFile(filepath.Join(scratch, "go.sum"), sum, 0o644); err != nil {
		return moduleSetup{}, fmt.Errorf("writing the temporary go.sum: %w", err)
	}
	args := []string{"mod", "edit", "-modfile", modFile,
		"-require", runtimeModule + "@v0.0.0", "-replace", runtimeModule + "=" + rt}
	var setup moduleSetup
	setup.ModFile = modFile
	if v := "go" + cmp.Or(m.GoVersion, "1.16"); version.Compare(v, "go"+runtimeGoVersion) < 0 {
		// The go command refuses a dependency whose go line is newer
		// than the main module's ("updates to go.mod needed"), and with
		// -mod=mod raises the main module's, which changes the meaning
		// of its code. Raise it here, and set every file back to the
		// module's own version.
		args = append(args, "-go", runtimeGoVersion)
		setup.FileVersion = version.Lang(v)
		if version.Compare(setup.FileVersion, "go"+minFileVersion) < 0 {
			setup.FileVersion = "go" + minFileVersion
		}
	}
	if _, err := goCmd(ctx, scratch, args...); err != nil {
		return moduleSetup{}, err
	}
	vendored := filepath.Join(filepath.Dir(m.GoMod), "vendor", "modules.txt")
	if _, err := os.Stat(vendored); err == nil && !strings.Contains(os.Getenv("GOFLAGS"), "-mod=") {
		setup.Flags = append(setup.Flags, "-mod=readonly")
	}
	return setup, nil
}

// goCmd runs the go command in dir and returns its standard output.
func goCmd(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return string(out), nil
}

// prepareWorkspace writes, in scratch, a copy of the go.work file work
// that also uses the runtime module rt (its relative paths made
// absolute), with a go line the runtime accepts. A workspace's go line
// does not set its modules' language versions (their go.mod files do), so
// no file needs a //go:build line.
func prepareWorkspace(ctx context.Context, work, rt, scratch string) (moduleSetup, error) {
	out, err := goCmd(ctx, scratch, "work", "edit", "-json", work)
	if err != nil {
		return moduleSetup{}, err
	}
	var w struct {
		Go  string
		Use []struct{ DiskPath string }
	}
	if err := json.Unmarshal([]byte(out), &w); err != nil {
		return moduleSetup{}, fmt.Errorf("reading %s: %w", work, err)
	}
	b, err := os.ReadFile(work)
	if err != nil {
		return moduleSetup{}, fmt.Errorf("reading the workspace: %w", err)
	}
	tmp := filepath.Join(scratch, "go.work")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return moduleSetup{}, fmt.Errorf("writing the temporary go.work: %w", err)
	}
	if sum, err := os.ReadFile(work + ".sum"); err == nil {
		if err := os.WriteFile(tmp+".sum", sum, 0o644); err != nil {
			return moduleSetup{}, fmt.Errorf("writing the temporary go.work.sum: %w", err)
		}
	}
	args := []string{"work", "edit", "-use", rt}
	for _, u := range w.Use {
		if !filepath.IsAbs(u.DiskPath) {
			args = append(args, "-dropuse", u.DiskPath, "-use", filepath.Join(filepath.Dir(work), u.DiskPath))
		}
	}
	if version.Compare("go"+cmp.Or(w.Go, "1.18"), "go"+runtimeGoVersion) < 0 {
		args = append(args, "-go", runtimeGoVersion)
	}
	if _, err := goCmd(ctx, scratch, append(args, tmp)...); err != nil {
		return moduleSetup{}, err
	}
	return moduleSetup{Env: []string{"GOWORK=" + tmp}}, nil
}

// setFileVersion returns src with a //go:build line that sets the file's
// language version to at least v ("go1.21"): the file's own constraint,
// if it has one, and v. A file that already asks for v or later is
// returned as it is.
func setFileVersion(src []byte, v string) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	for i, l := range lines {
		t := bytes.TrimSpace(l)
		if len(t) == 0 || bytes.HasPrefix(t, []byte("//")) && !constraint.IsGoBuild(string(t)) {
			continue
		}
		if !constraint.IsGoBuild(string(t)) {
			break // the package clause (or a block comment): no constraint
		}
		expr, err := constraint.Parse(string(t))
		if err != nil {
			return src // the compiler will say what is wrong with it
		}
		if have := constraint.GoVersion(expr); have != "" && version.Compare(have, v) >= 0 {
			return src
		}
		and := &constraint.AndExpr{X: expr, Y: &constraint.TagExpr{Tag: v}}
		var out bytes.Buffer
		for _, p := range lines[:i] {
			out.Write(p)
		}
		fmt.Fprintf(&out, "//go:build %s\n", and)
		for _, p := range lines[i+1:] {
			out.Write(p)
		}
		return out.Bytes()
	}
	return append([]byte("//go:build "+v+"\n\n"), src...)
}
