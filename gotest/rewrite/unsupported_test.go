package rewrite

import (
	"errors"
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestUnsupported: each package of testdata/unsup holds a construct the
// translation refuses, with the file:line and the words it must report;
// the packages of testdata/mod translate without a problem (TestGolden).
func TestUnsupported(t *testing.T) {
	want := map[string][]string{
		"example.com/unsup/reflectsel":   {"r.go:10: reflect.Select", "r.go:11: reflect.Value.Send"},
		"example.com/unsup/unsafeptr":    {"u.go:10: unsafe.Pointer conversion of &mu"},
		"example.com/unsup/linkname":     {"l.go:5: //go:linkname"},
		"example.com/unsup/untranslated": {"n.go:12: argument 1 of os/signal.Notify", "n.go:13: argument 1 of net/http.NewRequestWithContext", "n.go:16: *net/http.Request.Context returns context.Context", "n.go:19: field BaseContext of an untranslated net/http type", "n.go:20: field BaseContext"},
		"example.com/unsup/chanmethod":   {"c.go:7: method value make(Queue).Push of a channel type"},
		"example.com/unsup/contextcause": {"c.go:10: context.WithTimeoutCause has no simrun counterpart"},
		"example.com/unsup/dotimport":    {`d.go:3: dot import of "sync"`},
	}
	for _, p := range load(t, "testdata/unsup", "./...") {
		t.Run(p.PkgPath, func(t *testing.T) {
			_, _, err := Package(p, Config{})
			var u *Unsupported
			if !errors.As(err, &u) {
				t.Fatalf("err = %v, want *Unsupported", err)
			}
			var got []string
			for _, pr := range u.Problems {
				got = append(got, fmt.Sprintf("%s:%d: %s", filepath.Base(pr.Pos.Filename), pr.Pos.Line, pr.What))
			}
			for _, w := range want[p.PkgPath] {
				found := false
				for _, g := range got {
					found = found || strings.HasPrefix(g, w)
				}
				if !found {
					t.Errorf("missing %q in:\n%s", w, strings.Join(got, "\n"))
				}
			}
			if len(got) != len(want[p.PkgPath]) {
				t.Errorf("got %d problems, want %d:\n%s", len(got), len(want[p.PkgPath]), strings.Join(got, "\n"))
			}
			if !strings.Contains(u.Error(), want[p.PkgPath][0][:4]) {
				t.Errorf("Error() = %q", u.Error())
			}
		})
	}
}

// TestBadInput: a package without types, or with errors, is an error, not a
// panic.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		pkg  *packages.Package
		want string
	}{
		{"nil", nil, "loaded without types"},
		{"no types", &packages.Package{ID: "x"}, "loaded without types"},
		{"errors", &packages.Package{ID: "x", PkgPath: "x", Types: types.NewPackage("x", "x"), TypesInfo: &types.Info{}, Fset: token.NewFileSet(),
			Errors: []packages.Error{{Msg: "undefined: y"}}}, "undefined: y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Package(tc.pkg, Config{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
