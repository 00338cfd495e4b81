package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
)

// go/packages shares one *ast.File between a package and its test variant
// (it parses each file once), and the translation rewrites the syntax in
// place; so Package works on a deep copy of the files, with a types.Info
// whose maps are keyed by the copy's nodes.

var (
	objectType = reflect.TypeOf((*ast.Object)(nil))
	scopeType  = reflect.TypeOf((*ast.Scope)(nil))
)

// cloner deep-copies syntax trees, keeping shared pointers shared (a
// comment group is both a node's Doc and in File.Comments).
type cloner struct {
	copies map[any]any // original pointer → its copy
}

func (c *cloner) clone(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Type() == objectType || v.Type() == scopeType {
			return reflect.Zero(v.Type())
		}
		if cp, ok := c.copies[v.Interface()]; ok {
			return reflect.ValueOf(cp)
		}
		cp := reflect.New(v.Type().Elem())
		c.copies[v.Interface()] = cp.Interface()
		cp.Elem().Set(c.clone(v.Elem()))
		return cp
	case reflect.Interface:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		cp := reflect.New(v.Type()).Elem()
		cp.Set(c.clone(v.Elem()))
		return cp
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			cp.Index(i).Set(c.clone(v.Index(i)))
		}
		return cp
	case reflect.Struct:
		cp := reflect.New(v.Type()).Elem()
		for i := 0; i < v.NumField(); i++ {
			if cp.Field(i).CanSet() {
				cp.Field(i).Set(c.clone(v.Field(i)))
			}
		}
		return cp
	}
	return v
}

// cloneSyntax copies files and rekeys info for the copies.
func cloneSyntax(files []*ast.File, info *types.Info) ([]*ast.File, *types.Info) {
	c := &cloner{copies: map[any]any{}}
	out := make([]*ast.File, len(files))
	for i, f := range files {
		out[i] = c.clone(reflect.ValueOf(f)).Interface().(*ast.File)
	}
	expr := func(e ast.Expr) ast.Expr {
		if cp, ok := c.copies[e]; ok {
			return cp.(ast.Expr)
		}
		return e
	}
	id := func(i *ast.Ident) *ast.Ident {
		if cp, ok := c.copies[i]; ok {
			return cp.(*ast.Ident)
		}
		return i
	}
	ni := &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue, len(info.Types)),
		Defs:         make(map[*ast.Ident]types.Object, len(info.Defs)),
		Uses:         make(map[*ast.Ident]types.Object, len(info.Uses)),
		Implicits:    make(map[ast.Node]types.Object, len(info.Implicits)),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection, len(info.Selections)),
		Instances:    make(map[*ast.Ident]types.Instance, len(info.Instances)),
		FileVersions: make(map[*ast.File]string, len(info.FileVersions)),
	}
	for k, v := range info.Types {
		ni.Types[expr(k)] = v
	}
	for k, v := range info.Defs {
		ni.Defs[id(k)] = v
	}
	for k, v := range info.Uses {
		ni.Uses[id(k)] = v
	}
	for k, v := range info.Implicits {
		if cp, ok := c.copies[k]; ok {
			ni.Implicits[cp.(ast.Node)] = v
		}
	}
	for k, v := range info.Selections {
		if cp, ok := c.copies[k]; ok {
			ni.Selections[cp.(*ast.SelectorExpr)] = v
		}
	}
	for k, v := range info.Instances {
		ni.Instances[id(k)] = v
	}
	for k, v := range info.FileVersions {
		if cp, ok := c.copies[k]; ok {
			ni.FileVersions[cp.(*ast.File)] = v
		}
	}
	for _, in := range info.InitOrder {
		ni.InitOrder = append(ni.InitOrder, &types.Initializer{Lhs: in.Lhs, Rhs: expr(in.Rhs)})
	}
	return out, ni
}

var posType = reflect.TypeOf(token.NoPos)

// fillPos gives every position of the new subtree n that has none the
// position pos. go/printer places comments by positions, and estimates a
// position-less token's from the text printed so far, which runs ahead of
// the source: a comment would land inside the new code.
func fillPos(n ast.Node, pos token.Pos) {
	if !pos.IsValid() {
		return
	}
	ast.Inspect(n, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		v := reflect.ValueOf(n)
		if v.Kind() != reflect.Pointer || v.IsNil() {
			return true
		}
		v = v.Elem()
		if v.Kind() != reflect.Struct {
			return true
		}
		for i := 0; i < v.NumField(); i++ {
			switch v.Type().Field(i).Name {
			case "Ellipsis", "Lparen", "Arrow":
				continue // positions that mean something when set: f(xs...), import (...), <-chan
			}
			if f := v.Field(i); f.Type() == posType && f.CanSet() && f.Int() == 0 {
				f.SetInt(int64(pos))
			}
		}
		return true
	})
}
