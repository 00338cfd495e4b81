package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// all marks a package whose every exported name goes to gort unchanged.
const all = "*"

// redirect maps package path → name → gort's name for it ("" = same name).
var redirect = map[string]map[string]string{
	"sync": {
		"Mutex": "", "RWMutex": "", "WaitGroup": "", "Once": "", "Cond": "", "NewCond": "",
		"Map": "", "Pool": "", "Locker": "", "OnceFunc": "", "OnceValue": "", "OnceValues": "",
	},
	"sync/atomic": {all: ""},
	"time": {
		"Sleep": "", "Now": "", "Since": "", "Until": "", "After": "", "Tick": "",
		"NewTimer": "", "AfterFunc": "", "NewTicker": "", "Timer": "", "Ticker": "",
	},
	"context": {
		"Context": "", "CancelFunc": "", "CancelCauseFunc": "", "Canceled": "", "DeadlineExceeded": "",
		"Background": "", "TODO": "", "WithCancel": "", "WithCancelCause": "", "WithTimeout": "",
		"WithDeadline": "", "WithValue": "", "WithoutCancel": "", "Cause": "", "AfterFunc": "AfterFuncCtx",
	},
	"runtime": {"Gosched": "", "Goexit": "", "NumGoroutine": ""},
	"math/rand": {
		"Intn": "RandIntn", "Int": "RandInt", "Int63": "RandInt63", "Int31n": "RandInt31n",
		"Int63n": "RandInt63n", "Float64": "RandFloat64", "Perm": "RandPerm", "Shuffle": "RandShuffle",
		"Int31": "RandInt31", "Uint32": "RandUint32", "Uint64": "RandUint64", "Float32": "RandFloat32",
		"Seed": "RandSeed", "Read": "RandRead", "NormFloat64": "RandNormFloat64", "ExpFloat64": "RandExpFloat64",
	},
	"math/rand/v2": {
		"IntN": "RandIntn", "Int": "RandInt", "Int64": "RandInt63", "Int32N": "RandInt31n",
		"Int64N": "RandInt63n", "Float64": "RandFloat64", "Perm": "RandPerm", "Shuffle": "RandShuffle",
		"N": "RandN", "Int32": "RandInt31", "Uint32": "RandUint32", "Uint64": "RandUint64",
		"Uint64N": "RandUint64n", "Float32": "RandFloat32", "UintN": "RandUintN", "Uint32N": "RandUint32N",
		"Uint": "RandUint", "NormFloat64": "RandNormFloat64", "ExpFloat64": "RandExpFloat64",
	},
	"testing":            {"T": "", "TB": ""},
	"go.uber.org/goleak": {"VerifyNone": ""},
}

// unsupportedNames are names of redirected packages gort does not have.
var unsupportedNames = map[string]map[string]bool{
	"context": {"WithDeadlineCause": true, "WithTimeoutCause": true},
}

// redirected returns gort's name for path.name, if the translation
// redirects it.
func redirected(path, name string) (string, bool) {
	m := redirect[path]
	if m == nil || !token.IsExported(name) {
		return "", false
	}
	to, ok := m[name]
	if !ok {
		to, ok = m[all]
	}
	if !ok {
		return "", false
	}
	if to == "" {
		to = name
	}
	return to, true
}

// mapName replaces a qualified name that the translation redirects
// (sync.Mutex → gort.Mutex); it reports whether it did.
func (ft *fileTranslator) mapName(c *astutil.Cursor, sel *ast.SelectorExpr) bool {
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	pn, ok := ft.info.Uses[id].(*types.PkgName)
	if !ok {
		return false
	}
	path := pn.Imported().Path()
	if unsupportedNames[path][sel.Sel.Name] {
		ft.problem(sel.Pos(), "%s.%s has no simrun counterpart", path, sel.Sel.Name)
		return true
	}
	to, ok := redirected(path, sel.Sel.Name)
	if !ok {
		return false
	}
	g := ft.gortAt(to, id.NamePos)
	g.Sel.NamePos = sel.Sel.NamePos
	ft.replace(c, sel, g)
	return true
}

// changed reports whether the translation changes the type t (it holds a
// channel, or is one of the redirected types): such values cannot cross
// into untranslated code.
func (pt *pkgTranslator) changed(t types.Type, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	switch t := types.Unalias(t).(type) {
	case *types.Chan:
		return true
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() == nil {
			return false
		}
		if _, ok := redirected(obj.Pkg().Path(), obj.Name()); ok {
			return true
		}
		if pt.translatedPath(obj.Pkg().Path()) {
			return false // translated: its declaration changed consistently
		}
		for i := 0; i < t.TypeArgs().Len(); i++ {
			if pt.changed(t.TypeArgs().At(i), seen) {
				return true
			}
		}
		return false
	case *types.Pointer:
		return pt.changed(t.Elem(), seen)
	case *types.Slice:
		return pt.changed(t.Elem(), seen)
	case *types.Array:
		return pt.changed(t.Elem(), seen)
	case *types.Map:
		return pt.changed(t.Key(), seen) || pt.changed(t.Elem(), seen)
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if pt.changed(t.Field(i).Type(), seen) {
				return true
			}
		}
	case *types.Signature:
		return pt.changed(t.Params(), seen) || pt.changed(t.Results(), seen)
	case *types.Tuple:
		for i := 0; i < t.Len(); i++ {
			if pt.changed(t.At(i).Type(), seen) {
				return true
			}
		}
	}
	return false
}

// checkCall reports calls the translation cannot keep: reflect's channel
// operations, unsafe conversions of changed types, and translated values
// passed to (or returned from) untranslated functions.
func (ft *fileTranslator) checkCall(n *ast.CallExpr) {
	fun := ast.Unparen(n.Fun)
	if tv, ok := ft.info.Types[fun]; ok && tv.IsType() {
		if b, ok := tv.Type.(*types.Basic); ok && b.Kind() == types.UnsafePointer && len(n.Args) == 1 {
			if ft.changed(ft.typeOf(n.Args[0]), map[types.Type]bool{}) {
				ft.problem(n.Pos(), "unsafe.Pointer conversion of %s (%s), whose representation the translation changes", types.ExprString(n.Args[0]), ft.typeOf(n.Args[0]))
			}
		}
		return
	}
	var fn *types.Func
	switch f := fun.(type) {
	case *ast.Ident:
		fn, _ = ft.info.Uses[f].(*types.Func)
	case *ast.SelectorExpr:
		fn, _ = ft.info.Uses[f.Sel].(*types.Func)
	case *ast.IndexExpr:
		fn = ft.funcOf(f.X)
	case *ast.IndexListExpr:
		fn = ft.funcOf(f.X)
	}
	if fn == nil || fn.Pkg() == nil {
		return
	}
	path := fn.Pkg().Path()
	if path == "reflect" {
		switch fn.Name() {
		case "Select", "MakeChan", "ChanOf":
			ft.problem(n.Pos(), "reflect.%s: channel operations through reflect are not translated", fn.Name())
			return
		case "Send", "Recv", "TrySend", "TryRecv", "Close":
			ft.problem(n.Pos(), "reflect.Value.%s: channel operations through reflect are not translated", fn.Name())
			return
		}
	}
	if path == "go.uber.org/goleak" && fn.Name() == "VerifyTestMain" {
		// goleak would look at the real goroutines, the simulator's
		// among them: the generated simrunVerifyTestMain only runs the
		// tests (each checks its own leaks).
		ft.verifyMain[n] = true
		ft.usesTestMainHelper = true
		return
	}
	if path == "go.uber.org/goleak" && fn.Name() == "VerifyNone" {
		// gort.VerifyNone takes no options: with options, the generated
		// simrunVerifyNone still evaluates them (they may be the only use
		// of a variable) and ignores them.
		if len(n.Args) > 1 {
			ft.verifyOpts[n] = true
		}
		return
	}
	if _, ok := redirect[path]; ok || ft.translatedPath(path) {
		return
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok {
		return
	}
	if recv := sig.Recv(); recv != nil && ft.changed(recv.Type(), map[types.Type]bool{}) {
		return // a method of a changed type: translated with it
	}
	name := path + "." + fn.Name()
	if sig.Recv() != nil {
		name = types.TypeString(sig.Recv().Type(), nil) + "." + fn.Name()
	}
	params := sig.Params()
	for i, a := range n.Args {
		// The parameter's type decides: a channel passed as any (to
		// fmt.Println, say) is fine.
		var pt types.Type
		switch {
		case sig.Variadic() && i >= params.Len()-1 && !n.Ellipsis.IsValid():
			pt = params.At(params.Len() - 1).Type().(*types.Slice).Elem()
		case i < params.Len():
			pt = params.At(i).Type()
		}
		if ft.changed(pt, map[types.Type]bool{}) {
			ft.problem(a.Pos(), "argument %d of %s (%s, %s) is a value the translation changes, passed to untranslated code", i+1, name, types.ExprString(a), ft.typeOf(a))
		}
	}
	for i := 0; i < sig.Results().Len(); i++ {
		if t := sig.Results().At(i).Type(); ft.changed(t, map[types.Type]bool{}) {
			ft.problem(n.Pos(), "%s returns %s, a type the translation changes, from untranslated code", name, t)
			break
		}
	}
}

// effects lists methods of standard-library types whose memory the race
// detector cannot see (the library is not translated): a call records a
// read ('r') or a write ('w') of the receiver's object, as Go's race
// detector would see inside it.
var effects = map[string]map[string]byte{
	"bytes.Buffer": {
		"Write": 'w', "WriteString": 'w', "WriteByte": 'w', "WriteRune": 'w', "ReadFrom": 'w', "WriteTo": 'w',
		"Reset": 'w', "Truncate": 'w', "Grow": 'w', "Read": 'w', "ReadByte": 'w', "ReadRune": 'w',
		"ReadString": 'w', "ReadBytes": 'w', "Next": 'w', "UnreadByte": 'w', "UnreadRune": 'w',
		"Len": 'r', "String": 'r', "Bytes": 'r', "Cap": 'r', "Available": 'r',
	},
	"strings.Builder": {
		"Write": 'w', "WriteString": 'w', "WriteByte": 'w', "WriteRune": 'w', "Reset": 'w', "Grow": 'w',
		"Len": 'r', "String": 'r', "Cap": 'r',
	},
	"container/list.List": {
		"PushBack": 'w', "PushFront": 'w', "Remove": 'w', "InsertBefore": 'w', "InsertAfter": 'w',
		"MoveToFront": 'w', "MoveToBack": 'w', "MoveBefore": 'w', "MoveAfter": 'w',
		"PushBackList": 'w', "PushFrontList": 'w', "Init": 'w', "Len": 'r', "Front": 'r', "Back": 'r',
	},
	"math/rand.Rand": {all: 'w'},
}

// effect returns the effect on its receiver of calling the method sel
// selects, or 0.
func effect(sel *types.Selection) byte {
	fn, ok := sel.Obj().(*types.Func)
	if !ok || fn.Pkg() == nil {
		return 0
	}
	recv := fn.Type().(*types.Signature).Recv()
	if recv == nil {
		return 0
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return 0
	}
	m := effects[fn.Pkg().Path()+"."+named.Obj().Name()]
	if e, ok := m[fn.Name()]; ok {
		return e
	}
	return m[all]
}

// checkField reports a field of an untranslated struct type whose type the
// translation changes (a context.Context or a channel field of a standard
// library type): translated code cannot fill or read it.
func (ft *fileTranslator) checkField(id *ast.Ident, f *types.Var) {
	if f.Pkg() == nil {
		return
	}
	path := f.Pkg().Path()
	if _, ok := redirect[path]; ok || ft.translatedPath(path) {
		return
	}
	if ft.changed(f.Type(), map[types.Type]bool{}) {
		ft.problem(id.Pos(), "field %s of an untranslated %s type has type %s, which the translation changes", f.Name(), path, f.Type())
	}
}

func (ft *fileTranslator) funcOf(e ast.Expr) *types.Func {
	switch f := ast.Unparen(e).(type) {
	case *ast.Ident:
		fn, _ := ft.info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := ft.info.Uses[f.Sel].(*types.Func)
		return fn
	}
	return nil
}

// checkFile reports cgo and go:linkname.
func (ft *fileTranslator) checkFile() {
	for _, imp := range ft.file.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if p == "C" {
			ft.problem(imp.Pos(), `import "C": cgo is not translated`)
		}
		if _, ok := redirect[p]; ok && imp.Name != nil && imp.Name.Name == "." {
			ft.problem(imp.Pos(), "dot import of %q: the translation redirects its names only when qualified", p)
		}
	}
	for _, cg := range ft.file.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:linkname") {
				ft.problem(c.Pos(), "//go:linkname: the translation cannot follow a linked symbol")
			}
		}
	}
}

// fixImports adds gort if the translation uses it and removes the imports
// it left unused (both judged by the qualified names in the file). It edits the syntax only: astutil's import functions also edit
// the shared token.File's line table, which would shift the positions of
// every later translation of the file.
func (ft *fileTranslator) fixImports() {
	used := map[string]bool{}
	ast.Inspect(ft.file, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	keep := func(imp *ast.ImportSpec) bool {
		if imp.Name != nil && (imp.Name.Name == "_" || imp.Name.Name == ".") {
			return true
		}
		if path, _ := strconv.Unquote(imp.Path.Value); path == "C" {
			return true
		}
		var pn *types.PkgName
		if imp.Name != nil {
			pn, _ = ft.info.Defs[imp.Name].(*types.PkgName)
		} else {
			pn, _ = ft.info.Implicits[imp].(*types.PkgName)
		}
		return pn == nil || used[pn.Name()]
	}
	var imports []*ast.ImportSpec
	var decls []ast.Decl
	var first *ast.GenDecl
	for _, d := range ft.file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			decls = append(decls, d)
			continue
		}
		if !gd.Lparen.IsValid() {
			// Parenthesise, so that the gort spec needs no position of
			// its own.
			gd.Lparen, gd.Rparen = gd.TokPos, gd.End()
		}
		var specs []ast.Spec
		for _, s := range gd.Specs {
			if imp := s.(*ast.ImportSpec); keep(imp) {
				specs = append(specs, imp)
				imports = append(imports, imp)
			}
		}
		gd.Specs = specs
		if len(specs) == 0 && !(used["gort"] && first == nil) {
			continue
		}
		if first == nil {
			first = gd
		}
		decls = append(decls, gd)
	}
	if used["gort"] {
		spec := &ast.ImportSpec{Name: ast.NewIdent("gort"), Path: str(ft.cfg.Runtime)}
		if first == nil {
			first = &ast.GenDecl{Tok: token.IMPORT}
			decls = append([]ast.Decl{first}, decls...)
		}
		first.Specs = append(first.Specs, spec)
		imports = append(imports, spec)
	}
	ft.file.Decls = decls
	ft.file.Imports = imports
}
