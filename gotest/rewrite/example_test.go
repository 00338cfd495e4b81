package rewrite_test

import (
	"fmt"
	"log"
	"path/filepath"
	"strings"

	"github.com/simrun/simrun/gotest/rewrite"
	"golang.org/x/tools/go/packages"
)

// Translate the test variant of a package: the tests it wraps, and the
// files it returns (each original file's translation and the generated
// ones).
func ExamplePackage() {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax |
			packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports | packages.NeedModule,
		Dir:   "testdata/mod",
		Tests: true,
	}
	pkgs, err := packages.Load(cfg, "./loopvar")
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range pkgs {
		if !strings.HasSuffix(p.ID, ".test]") {
			continue // the plain package and the test main
		}
		files, tests, err := rewrite.Package(p, rewrite.Config{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("tests:", tests)
		for _, f := range files {
			fmt.Println(filepath.Base(f.Path), strings.Contains(string(f.Content), "gort."))
		}
	}
	// Output:
	// tests: [TestSum]
	// loopvar.go true
	// loopvar_test.go true
	// simrun_gen.go true
	// simrun_gen_test.go true
}
