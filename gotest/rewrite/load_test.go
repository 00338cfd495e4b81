package rewrite

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
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

var update = flag.Bool("update", false, "rewrite the golden files of TestGolden")

// TestGolden compares the translation of every package of testdata/mod
// with testdata/golden/<file>.golden (-update rewrites them). The module's
// directory is written $MOD.
func TestGolden(t *testing.T) {
	mod, err := filepath.Abs("testdata/mod")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, p := range load(t, "testdata/mod", "./...") {
		files, tests, err := Package(p, Config{})
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		if strings.Contains(p.ID, ".test]") {
			for _, name := range tests {
				if !strings.HasPrefix(name, "Test") {
					t.Errorf("%s: test %q", p.ID, name)
				}
			}
		}
		for _, f := range files {
			rel, err := filepath.Rel(mod, f.Path)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.ReplaceAll(string(f.Content), mod, "$MOD")
			if prev, ok := seen[rel]; ok {
				// A non-test file is translated with the plain package
				// and its test variant: the overlay holds one file.
				if prev != got {
					t.Errorf("%s translates differently in %s", rel, p.ID)
				}
				continue
			}
			seen[rel] = got
			golden := filepath.Join("testdata", "golden", rel+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (run with -update and review the diff)", rel, golden)
			}
		}
	}
}
