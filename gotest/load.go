package gotest

import (
	"context"
	"fmt"
	"go/ast"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/simrun/simrun/gotest/rewrite"
	"golang.org/x/tools/go/packages"
)

// graph is what the first, cheap load (go list, no syntax) tells: the
// packages of the main module that the selected tests compile, and the
// main module itself.
type graph struct {
	module   mainModule
	paths    []string        // import paths of the main module's packages to translate, sorted
	selected map[string]bool // import paths of the packages whose tests were asked for
	// binaries maps each selected package with tests to the main
	// module's packages its test binary compiles (itself among them).
	binaries map[string][]string
	// loadErrs are the errors of the packages (of any module) that a
	// selected package's test binary compiles, by selected package.
	loadErrs map[string][]string
}

// testMain reports whether p is the generated main package of a test
// binary ("p.test"), which lives in the build cache, not in the module.
func testMain(p *packages.Package) bool {
	return p.Name == "main" && strings.HasSuffix(p.ID, ".test")
}

// runtimePackage reports whether path is one of the runtime's packages
// (or their tests), which translated code calls and which must stay as
// they are when the module under test is simrun itself.
func runtimePackage(path string) bool {
	for _, p := range []string{"op", "scheduler", "traces", "sim", "gort"} {
		if strings.TrimSuffix(path, "_test") == runtimeModule+"/"+p {
			return true
		}
	}
	return false
}

func allRuntime(paths map[string]bool) bool {
	for p := range paths {
		if !runtimePackage(p) {
			return false
		}
	}
	return true
}

// loadGraph lists the packages that patterns select, with their tests,
// and every package of the main module in their test binaries.
func loadGraph(ctx context.Context, dir string, patterns []string) (*graph, error) {
	cfg := &packages.Config{
		Context: ctx, Dir: dir, Tests: true,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps | packages.NeedModule,
	}
	roots, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, &LoadError{Errors: []string{err.Error()}}
	}
	g := &graph{selected: map[string]bool{}, binaries: map[string][]string{}, loadErrs: map[string][]string{}}
	var errs []string
	seen := map[string]bool{}
	paths := map[string]bool{}
	var walk func(p *packages.Package)
	walk = func(p *packages.Package) {
		if seen[p.ID] {
			return
		}
		seen[p.ID] = true
		if runtimePackage(p.PkgPath) {
			return // the runtime itself, when the module is simrun: never translated
		}
		if p.Module != nil && p.Module.Main && !testMain(p) {
			paths[strings.TrimSuffix(p.PkgPath, "_test")] = true
			if g.module.Path == "" {
				g.module = mainModule{Path: p.Module.Path, GoMod: p.Module.GoMod, GoVersion: p.Module.GoVersion}
			}
		}
		for _, e := range p.Errors {
			errs = append(errs, strings.TrimPrefix(e.Error(), "-: "))
		}
		for _, q := range p.Imports {
			walk(q)
		}
	}
	for _, p := range roots {
		if !testMain(p) {
			g.selected[strings.TrimSuffix(p.PkgPath, "_test")] = true
		}
		walk(p)
	}
	usable := false
	for _, p := range roots {
		if testMain(p) && !runtimePackage(strings.TrimSuffix(p.PkgPath, ".test")) {
			pkg := strings.TrimSuffix(p.PkgPath, ".test")
			g.binaries[pkg], g.loadErrs[pkg] = binary(p)
			usable = usable || len(g.loadErrs[pkg]) == 0
		}
	}
	// A test package that does not load is the error of its tests alone,
	// unless no test package loads.
	if len(errs) > 0 && !usable {
		return nil, &LoadError{Errors: dedup(errs)}
	}
	if len(roots) == 0 {
		return nil, &InputError{fmt.Errorf("no packages match %s", strings.Join(patterns, " "))}
	}
	if len(paths) == 0 && len(g.selected) > 0 && allRuntime(g.selected) {
		return nil, &InputError{fmt.Errorf("%s: simrun's own runtime (op, scheduler, traces, sim, gort) cannot run under simrun test: use go test", strings.Join(patterns, " "))}
	}
	if g.module.Path == "" {
		return nil, &InputError{fmt.Errorf("%s: no package of the main module (run simrun test inside a Go module)", strings.Join(patterns, " "))}
	}
	for p := range paths {
		g.paths = append(g.paths, p)
	}
	sort.Strings(g.paths)
	return g, nil
}

// binary lists the main module's packages (import paths, an external
// test package as its package) that the test binary whose main package is
// m compiles, and the load errors of the other modules' packages it
// compiles (a module missing from the cache).
func binary(m *packages.Package) (paths, errs []string) {
	seen := map[string]bool{}
	in := map[string]bool{}
	var walk func(p *packages.Package)
	walk = func(p *packages.Package) {
		if seen[p.ID] || runtimePackage(p.PkgPath) {
			return
		}
		seen[p.ID] = true
		if p.Module != nil && p.Module.Main && !testMain(p) {
			// Its errors are the type checker's, from the second load.
			in[strings.TrimSuffix(p.PkgPath, "_test")] = true
		} else {
			for _, e := range p.Errors {
				errs = append(errs, strings.TrimPrefix(e.Error(), "-: "))
			}
		}
		for _, q := range p.Imports {
			walk(q)
		}
	}
	walk(m)
	return sortedKeys(in), dedup(errs)
}

// unit is one package to translate: the variant chosen for it, and the
// tests it declares if it is one of the selected test packages.
type unit struct {
	pkg   *packages.Package
	tests []string
	errs  []string // the package does not type-check: not translated
}

// loadUnits loads, with syntax and types, the packages of g.paths (and the
// tests of the selected ones), and picks the variant of each to translate:
// the one with the package's tests when the package has tests and was
// selected, else the plain package. The external test package (p_test) is
// a unit of its own. A package imported by a test is compiled again in the
// test binary ("q [p.test]") from the same files: its plain variant
// stands for it, since the overlay maps files, not variants.
func loadUnits(ctx context.Context, dir string, g *graph) ([]*unit, error) {
	if len(g.paths) == 0 {
		return nil, nil // packages.Load would load "."
	}
	cfg := &packages.Config{
		Context: ctx, Dir: dir, Tests: true,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax |
			packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports | packages.NeedModule,
	}
	pkgs, err := packages.Load(cfg, g.paths...)
	if err != nil {
		return nil, &LoadError{Errors: []string{err.Error()}}
	}
	byPath := map[string]*packages.Package{}
	for _, p := range pkgs {
		if testMain(p) || p.Module == nil || !p.Module.Main {
			continue
		}
		base := strings.TrimSuffix(p.PkgPath, "_test")
		testVariant := strings.HasSuffix(p.ID, " ["+base+".test]")
		switch {
		case testVariant && g.selected[base]:
			byPath[p.PkgPath] = p
		case p.ID == p.PkgPath && byPath[p.PkgPath] == nil:
			byPath[p.PkgPath] = p
		}
	}
	var units []*unit
	for _, path := range sortedKeys(byPath) {
		u := &unit{pkg: byPath[path]}
		u.errs = pkgErrors(u.pkg)
		units = append(units, u)
	}
	return units, nil
}

// rewritePackage is rewrite.Package; tests replace it to drive the
// pipeline with translations of their own.
var rewritePackage = rewrite.Package

// pkgErrors lists p's errors: the parser's and the type checker's, which
// name file:line:col, and the go command's only when there are none of
// those (it reports the same compile errors, less precisely).
func pkgErrors(p *packages.Package) []string {
	var precise, list []string
	for _, e := range p.Errors {
		if e.Kind == packages.ListError || e.Kind == packages.UnknownError {
			list = append(list, strings.TrimPrefix(e.Error(), "-: "))
		} else if file, rest, ok := strings.Cut(e.Pos, ":"); ok {
			precise = append(precise, relPath(file)+":"+rest+": "+e.Msg)
		} else {
			precise = append(precise, e.Error())
		}
	}
	if len(precise) > 0 {
		return precise
	}
	return list
}

// overlay is the build overlay: each original file's translation, and the
// generated files, by path.
type overlay struct {
	Replace map[string]string
}

// translate translates every unit, writes the translations under
// scratch/src, and returns the overlay. A file of a unit that the
// rewriter returns unchanged (or not at all) still goes through the
// overlay when its language version must be set (setup.FileVersion).
//
// A package with constructs the translation cannot handle is left out of
// the overlay; its problems are returned by import path (an external test
// package's under its package's), in package order.
func translate(units []*unit, setup moduleSetup, scratch string) (*overlay, map[string][]rewrite.Problem, error) {
	ov := &overlay{Replace: map[string]string{}}
	unsupported := map[string][]rewrite.Problem{}
	for i, u := range units {
		if len(u.errs) > 0 {
			u.tests = declaredTests(u.pkg)
			continue
		}
		files, tests, err := rewritePackage(u.pkg, rewrite.Config{Runtime: runtimeModule + "/gort"})
		if un, ok := err.(*rewrite.Unsupported); ok {
			base := strings.TrimSuffix(u.pkg.PkgPath, "_test")
			unsupported[base] = append(unsupported[base], un.Problems...)
			u.tests = declaredTests(u.pkg)
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("translating %s: %w", u.pkg.PkgPath, err)
		}
		u.tests = tests
		dst := filepath.Join(scratch, "src", fmt.Sprintf("%03d-%s", i, filepath.Base(u.pkg.PkgPath)))
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return nil, nil, fmt.Errorf("writing the translation: %w", err)
		}
		done := map[string]bool{}
		write := func(orig string, content []byte) error {
			if setup.FileVersion != "" {
				content = setFileVersion(content, setup.FileVersion)
			}
			p := filepath.Join(dst, filepath.Base(orig))
			if err := os.WriteFile(p, content, 0o644); err != nil {
				return fmt.Errorf("writing the translation: %w", err)
			}
			ov.Replace[orig] = p
			done[orig] = true
			return nil
		}
		for _, f := range files {
			if err := write(f.Path, f.Content); err != nil {
				return nil, nil, err
			}
		}
		if setup.FileVersion == "" {
			continue
		}
		for _, orig := range u.pkg.CompiledGoFiles {
			if done[orig] || filepath.Dir(orig) != u.pkg.Dir {
				continue // translated, or cgo's output in the build cache
			}
			b, err := os.ReadFile(orig)
			if err != nil {
				return nil, nil, fmt.Errorf("reading %s: %w", orig, err)
			}
			if err := write(orig, b); err != nil {
				return nil, nil, err
			}
		}
	}
	return ov, unsupported, nil
}

// declaredTests lists the TestXxx functions of pkg's test files, in source
// order: the tests of a package the rewriter could not translate.
func declaredTests(pkg *packages.Package) []string {
	var tests []string
	for _, f := range pkg.Syntax {
		if tf := pkg.Fset.File(f.Pos()); tf == nil || !strings.HasSuffix(tf.Name(), "_test.go") {
			continue
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") && fn.Name.Name != "TestMain" {
				tests = append(tests, fn.Name.Name)
			}
		}
	}
	return tests
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func dedup(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
