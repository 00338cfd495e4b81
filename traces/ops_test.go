package traces

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"
)

// TestOpsMirrorScheduler checks that ops lists the names of scheduler.Op,
// read from the scheduler's source since this package may not import it.
func TestOpsMirrorScheduler(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "../scheduler/scheduler.go", nil, 0)
	if err != nil {
		t.Skipf("cannot read the scheduler: %v", err)
	}
	var names []string
	ast.Inspect(file, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Names) != 1 || spec.Names[0].Name != "opNames" || len(spec.Values) != 1 {
			return true
		}
		lit, _ := spec.Values[0].(*ast.CompositeLit)
		for _, elt := range lit.Elts {
			if s, ok := elt.(*ast.BasicLit); ok {
				name, _ := strconv.Unquote(s.Value)
				names = append(names, name)
			}
		}
		return false
	})
	if len(names) == 0 {
		t.Skip("scheduler.go has no opNames list")
	}
	if want := append(names, OpEvent); !slices.Equal(ops, want) {
		t.Errorf("ops = %q\nscheduler's op names + event = %q", ops, want)
	}
}
