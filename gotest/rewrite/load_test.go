package rewrite

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/packages"
)

// load loads the packages of the testdata module matching patterns, with
// their tests, and returns those that rewrite.Package translates: every
// package except the generated test mains.
func load(t *testing.T, dir string, patterns ...string) []*packages.Package {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{
		Mode:  packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports | packages.NeedDeps | packages.NeedModule,
		Dir:   abs,
		Tests: true,
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	var out []*packages.Package
	for _, p := range pkgs {
		for _, e := range p.Errors {
			t.Fatalf("load %s: %v", p.ID, e)
		}
		if filepath.Ext(p.ID) == ".test" || len(p.Syntax) == 0 {
			continue
		}
		out = append(out, p)
	}
	return out
}

func TestDump(t *testing.T) {
	for _, p := range load(t, "testdata/mod", "./basic") {
		files, tests, err := Package(p, Config{})
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		t.Logf("== %s tests %v", p.ID, tests)
		for _, f := range files {
			t.Logf("--- %s\n%s", f.Path, f.Content)
		}
	}
}
