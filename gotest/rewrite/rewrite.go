package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"go/version"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// DefaultRuntime is the import path of the runtime the translation calls.
const DefaultRuntime = "github.com/simrun/simrun/gort"

// Config configures a translation.
type Config struct {
	Runtime string // import path of gort; default DefaultRuntime
}

// File is one translated or generated file.
type File struct {
	Path    string // absolute path of the original file; for a generated file, the path it gets in the package directory (it does not exist on disk)
	Content []byte // the translation, with //line directives so positions map to the original
}

// Problem is one construct the translation cannot handle.
type Problem struct {
	Pos  token.Position
	What string
}

// Unsupported lists what cannot be translated, each with its position.
type Unsupported struct{ Problems []Problem }

func (u *Unsupported) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "simrun test cannot translate %d construct(s):", len(u.Problems))
	for _, p := range u.Problems {
		fmt.Fprintf(&b, "\n\t%s: %s", p.Pos, p.What)
	}
	return b.String()
}

// Names of the generated files, in the package directory.
const (
	genFile      = "simrun_gen.go"       // package state of the non-test files
	genTestFile  = "simrun_gen_test.go"  // test-only state and test wrappers
	genXTestFile = "simrun_xgen_test.go" // the external _test package's
)

// Package translates one loaded package (Syntax, Types, TypesInfo, Fset
// required; load the test variant for packages with tests). It returns the
// translated files and generated ones, and the names of the tests it
// wrapped (TestXxx functions of _test.go files, in source order).
func Package(pkg *packages.Package, cfg Config) (files []File, tests []string, err error) {
	if pkg == nil || pkg.Types == nil || pkg.TypesInfo == nil || pkg.Fset == nil {
		return nil, nil, fmt.Errorf("rewrite: package %v loaded without types or syntax", pkgID(pkg))
	}
	if len(pkg.Errors) > 0 {
		return nil, nil, fmt.Errorf("rewrite: package %s has errors: %v", pkg.PkgPath, pkg.Errors[0])
	}
	if cfg.Runtime == "" {
		cfg.Runtime = DefaultRuntime
	}
	defer func() {
		// A construct the translator does not expect must not take the
		// driver down: it is an error naming the package.
		if r := recover(); r != nil {
			files, tests, err = nil, nil, fmt.Errorf("rewrite: internal error translating %s: %v", pkg.PkgPath, r)
		}
	}()
	pt := newPkgTranslator(pkg, cfg)
	return pt.run()
}

func pkgID(pkg *packages.Package) string {
	if pkg == nil {
		return "<nil>"
	}
	return pkg.ID
}

// pkgTranslator holds what the files of one package share.
type pkgTranslator struct {
	pkg      *packages.Package
	files    []*ast.File // a copy of pkg.Syntax, translated in place
	info     *types.Info // pkg.TypesInfo for files
	fset     *token.FileSet
	printSet *token.FileSet // fset with placeholder file names (see print)
	printed  []string       // the file names behind printSet's placeholders
	cfg      Config
	problems []Problem

	// shared: local variables another goroutine may see (captured by a
	// func literal or address taken); their accesses are instrumented.
	shared map[*types.Var]bool
	// written: local variables assigned after their declaration or whose
	// address is taken. A captured variable that is only read cannot
	// race (its one write happens before the func literal exists), so it
	// is not instrumented.
	written map[*types.Var]bool
	// renamed: test and init functions that get a new name.
	renamed map[types.Object]string
	// initNames: the new names of init functions, in file order, for the
	// non-test files and the test files.
	initNames, testInitNames []string
	// inits that are not re-run by the reset (they register flags).
	noRerun map[string]bool
	tests   []string
	// usesTestMainHelper: a TestMain calls goleak.VerifyTestMain, which
	// becomes the generated simrunVerifyTestMain.
	usesTestMainHelper bool
}

func newPkgTranslator(pkg *packages.Package, cfg Config) *pkgTranslator {
	files, info := cloneSyntax(pkg.Syntax, pkg.TypesInfo)
	return &pkgTranslator{
		pkg:     pkg,
		files:   files,
		info:    info,
		fset:    pkg.Fset,
		cfg:     cfg,
		shared:  map[*types.Var]bool{},
		written: map[*types.Var]bool{},
		renamed: map[types.Object]string{},
		noRerun: map[string]bool{},
	}
}

func (pt *pkgTranslator) problem(pos token.Pos, format string, args ...any) {
	pt.problems = append(pt.problems, Problem{Pos: pt.fset.Position(pos), What: fmt.Sprintf(format, args...)})
}

func (pt *pkgTranslator) fileName(f *ast.File) string {
	return pt.fset.File(f.Pos()).Name()
}

// oldLoopVars reports whether the file's language version is before Go
// 1.22, when a loop variable is one variable for the whole loop.
func (pt *pkgTranslator) oldLoopVars(f *ast.File) bool {
	v := pt.fileVersion(f)
	return v != "" && version.Compare(v, "go1.22") < 0
}

// fileVersion is the Go language version of the file ("go1.21"), or "".
func (pt *pkgTranslator) fileVersion(f *ast.File) string {
	if v := pt.info.FileVersions[f]; v != "" {
		return v
	}
	if m := pt.pkg.Module; m != nil && m.GoVersion != "" {
		return "go" + m.GoVersion
	}
	return ""
}

func isTestFile(name string) bool { return strings.HasSuffix(name, "_test.go") }

// isExternalTest reports whether the package is an external _test package.
func (pt *pkgTranslator) isExternalTest() bool {
	return strings.HasSuffix(pt.pkg.Types.Name(), "_test")
}

func (pt *pkgTranslator) run() ([]File, []string, error) {
	pt.planFuncs()
	for _, f := range pt.files {
		pt.findShared(f)
	}
	state := pt.collectState()
	var out []File
	var dir string
	var hasPlain bool
	for _, f := range pt.files {
		name := pt.fileName(f)
		dir = filepath.Dir(name)
		if !isTestFile(name) {
			hasPlain = true
		}
		ft := newFileTranslator(pt, f, name)
		ft.translate()
		state.appendResets(ft)
		ft.fixImports()
		content, err := pt.print(f)
		if err != nil {
			return nil, nil, fmt.Errorf("rewrite: printing %s: %w", name, err)
		}
		out = append(out, File{Path: name, Content: content})
	}
	if len(pt.problems) > 0 {
		sort.SliceStable(pt.problems, func(i, j int) bool {
			a, b := pt.problems[i].Pos, pt.problems[j].Pos
			if a.Filename != b.Filename {
				return a.Filename < b.Filename
			}
			return a.Offset < b.Offset
		})
		return nil, nil, &Unsupported{Problems: pt.problems}
	}
	if dir == "" {
		return out, nil, nil
	}
	gen, err := pt.generate(dir, hasPlain, state)
	if err != nil {
		return nil, nil, err
	}
	return append(out, gen...), pt.tests, nil
}

// print prints f with //line directives. go/printer pads the line after
// a directive by the directive's length, so that the output would depend
// on how long the user's path is (and differ between checkouts): it
// prints from a copy of the file set whose files have fixed-length
// placeholder names, then puts the real names in.
func (pt *pkgTranslator) print(f *ast.File) ([]byte, error) {
	if pt.printSet == nil {
		pt.printSet = token.NewFileSet()
		pt.fset.Iterate(func(tf *token.File) bool {
			pf := pt.printSet.AddFile(fmt.Sprintf(placeholder, len(pt.printed)), tf.Base(), tf.Size())
			pf.SetLines(tf.Lines())
			pt.printed = append(pt.printed, tf.Name())
			return true
		})
	}
	var buf bytes.Buffer
	cfg := printer.Config{Mode: printer.SourcePos | printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&buf, pt.printSet, f); err != nil {
		return nil, err
	}
	return placeholderRE.ReplaceAllFunc(buf.Bytes(), func(ph []byte) []byte {
		i, _ := strconv.Atoi(string(ph[len("@simrunfile") : len(ph)-1]))
		return []byte(pt.printed[i])
	}), nil
}

// placeholder names the files of a printSet; placeholderRE finds them.
const placeholder = "@simrunfile%07d@"

var placeholderRE = regexp.MustCompile(`@simrunfile[0-9]{7}@`)

// planFuncs names the test functions and init functions that are renamed.
func (pt *pkgTranslator) planFuncs() {
	for _, f := range pt.files {
		test := isTestFile(pt.fileName(f))
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if ok && fd.Recv != nil {
				pt.planChanMethod(fd)
			}
			if !ok || fd.Recv != nil {
				continue
			}
			obj := pt.info.Defs[fd.Name]
			switch {
			case fd.Name.Name == "init" && fd.Type.TypeParams == nil:
				var name string
				if test {
					name = fmt.Sprintf("simrunTestInit%d", len(pt.testInitNames))
					pt.testInitNames = append(pt.testInitNames, name)
				} else {
					name = fmt.Sprintf("simrunInit%d", len(pt.initNames))
					pt.initNames = append(pt.initNames, name)
				}
				if callsPackage(pt.info, fd.Body, "flag") {
					pt.noRerun[name] = true
				}
				fd.Name.Name = name
			case test && pt.isTestFunc(fd):
				pt.tests = append(pt.tests, fd.Name.Name)
				if obj != nil {
					pt.renamed[obj] = "simrun" + fd.Name.Name
				}
				fd.Name.Name = "simrun" + fd.Name.Name
			case test && fd.Body != nil && hasTestPrefix(fd.Name.Name, "Benchmark"):
				// simrun test runs no benchmark, and a benchmark's
				// body would not compile translated when it passes its
				// *testing.B to a helper that takes a testing.TB (a
				// gort.TB once translated): the body only skips.
				fd.Body = &ast.BlockStmt{Lbrace: fd.Body.Lbrace, List: skipBody(fd, "benchmarks"), Rbrace: fd.Body.Rbrace}
			case test && (hasTestPrefix(fd.Name.Name, "Fuzz") || hasTestPrefix(fd.Name.Name, "Example")):
				if hasTestPrefix(fd.Name.Name, "Fuzz") && fd.Body != nil {
					fd.Body = &ast.BlockStmt{Lbrace: fd.Body.Lbrace, List: skipBody(fd, "fuzz targets"), Rbrace: fd.Body.Rbrace}
				}
				// go test -run runs fuzz seeds and examples outside
				// RunTest, where translated code cannot block: they
				// are renamed out of its sight.
				if obj != nil {
					pt.renamed[obj] = "simrun" + fd.Name.Name
				}
				fd.Name.Name = "simrun" + fd.Name.Name
			}
		}
	}
}

// planChanMethod turns a method of a named channel type into a function
// (a translated channel type is a pointer type, which cannot have
// methods): func (q Queue) Push(v int) becomes
// func simrunQueue_Push(q Queue, v int), and its calls follow.
func (pt *pkgTranslator) planChanMethod(fd *ast.FuncDecl) {
	fn, ok := pt.info.Defs[fd.Name].(*types.Func)
	if !ok || len(fd.Recv.List) != 1 {
		return
	}
	recv := fn.Type().(*types.Signature).Recv().Type()
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	named, ok := types.Unalias(recv).(*types.Named)
	if !ok {
		return
	}
	if _, ok := named.Underlying().(*types.Chan); !ok {
		return
	}
	if named.TypeParams().Len() > 0 {
		pt.problem(fd.Pos(), "method %s on generic channel type %s: a translated channel type cannot have methods", fd.Name.Name, named.Obj().Name())
		return
	}
	name, _ := pt.chanMethodName(fn)
	field := fd.Recv.List[0]
	if len(field.Names) == 0 {
		field.Names = []*ast.Ident{{NamePos: field.Pos(), Name: "_"}}
	}
	fd.Type.Params.List = append([]*ast.Field{field}, fd.Type.Params.List...)
	fd.Recv = nil
	fd.Name.Name = name
}

// chanMethodName returns the function a method of a named channel type of
// a translated package becomes: simrunT_m, or SimrunT_m for an exported
// method (other packages call it). ok is false for other methods.
func (pt *pkgTranslator) chanMethodName(fn *types.Func) (name string, ok bool) {
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil || fn.Pkg() == nil || !pt.translatedPath(fn.Pkg().Path()) {
		return "", false
	}
	recv := sig.Recv().Type()
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	named, ok := types.Unalias(recv).(*types.Named)
	if !ok || named.TypeParams().Len() > 0 {
		return "", false
	}
	if _, ok := named.Underlying().(*types.Chan); !ok {
		return "", false
	}
	prefix := "simrun"
	if fn.Exported() {
		prefix = "Simrun"
	}
	return prefix + named.Obj().Name() + "_" + fn.Name(), true
}

// isTestFunc reports whether fd is func TestXxx(t *testing.T), as go test
// recognises it.
func (pt *pkgTranslator) isTestFunc(fd *ast.FuncDecl) bool {
	if !hasTestPrefix(fd.Name.Name, "Test") || fd.Type.TypeParams != nil {
		return false
	}
	obj, ok := pt.info.Defs[fd.Name].(*types.Func)
	if !ok {
		return false
	}
	sig := obj.Type().(*types.Signature)
	if sig.Params().Len() != 1 || sig.Results().Len() != 0 {
		return false
	}
	return isNamed(sig.Params().At(0).Type(), "testing", "T", true)
}

// skipBody is the body of a benchmark or fuzz target that simrun test
// does not run: b.Skip("simrun test runs no benchmarks"), or nothing when
// the parameter has no name.
func skipBody(fd *ast.FuncDecl, what string) []ast.Stmt {
	params := fd.Type.Params.List
	if len(params) != 1 || len(params[0].Names) != 1 || params[0].Names[0].Name == "_" {
		return nil
	}
	pos := fd.Body.Lbrace
	return []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{
		Fun:    &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: params[0].Names[0].Name}, Sel: &ast.Ident{NamePos: pos, Name: "Skip"}},
		Lparen: pos,
		Args:   []ast.Expr{&ast.BasicLit{ValuePos: pos, Kind: token.STRING, Value: strconv.Quote("simrun test runs no " + what)}},
		Rparen: pos,
	}}}
}

// hasTestPrefix reports whether name is prefix followed by nothing or by
// a character that is not a lower-case letter, as go test requires.
func hasTestPrefix(name, prefix string) bool {
	if !strings.HasPrefix(name, prefix) {
		return false
	}
	rest := name[len(prefix):]
	return rest == "" || !(rest[0] >= 'a' && rest[0] <= 'z')
}

// isNamed reports whether t is (a pointer to, if ptr) the named type
// path.name.
func isNamed(t types.Type, path, name string, ptr bool) bool {
	t = types.Unalias(t)
	if ptr {
		p, ok := t.(*types.Pointer)
		if !ok {
			return false
		}
		t = types.Unalias(p.Elem())
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	return n.Obj().Pkg().Path() == path && n.Obj().Name() == name
}

// callsPackage reports whether n calls a function of the package path.
func callsPackage(info *types.Info, n ast.Node, path string) bool {
	found := false
	if n == nil {
		return false
	}
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				if pn, ok := info.Uses[id].(*types.PkgName); ok && pn.Imported().Path() == path {
					found = true
				}
			}
		}
		return true
	})
	return found
}

// findShared marks the local variables of f that a func literal captures
// or whose address is taken (explicitly, by a pointer-receiver method call,
// or by slicing an array): another goroutine may reach them.
func (pt *pkgTranslator) findShared(f *ast.File) {
	sharedLoopVars := pt.oldLoopVars(f)
	var lits []*ast.FuncLit
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			lits = append(lits, n)
			ast.Inspect(n.Body, visit)
			lits = lits[:len(lits)-1]
			return false
		case *ast.Ident:
			v := pt.localVar(n)
			if v != nil && len(lits) > 0 {
				lit := lits[len(lits)-1]
				if v.Pos() < lit.Pos() || v.Pos() >= lit.End() {
					pt.shared[v] = true
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				pt.markAddressed(n.X)
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				pt.markWritten(l)
			}
		case *ast.IncDecStmt:
			pt.markWritten(n.X)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				pt.markWritten(n.Key)
				pt.markWritten(n.Value)
			} else if sharedLoopVars {
				// Before Go 1.22 every iteration assigns the one
				// variable: a goroutine that captured it races with
				// the next iteration.
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						if v, ok := pt.info.Defs[id].(*types.Var); ok {
							pt.written[v] = true
						}
					}
				}
			}
		case *ast.SliceExpr:
			if _, ok := under(pt.info.TypeOf(n.X)).(*types.Array); ok {
				pt.markAddressed(n.X)
			}
		case *ast.SelectorExpr:
			if sel := pt.info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal && pointerMethodOnValue(sel) {
				pt.markAddressed(n.X)
			}
		}
		return true
	}
	ast.Inspect(f, visit)
}

// markAddressed marks the local variable at the root of a location
// expression (x, x.f, x[i] of an array, (x)) as shared and written (a
// pointer may write it).
func (pt *pkgTranslator) markAddressed(e ast.Expr) {
	if v := pt.rootVar(e); v != nil {
		pt.shared[v] = true
		pt.written[v] = true
	}
}

// markWritten marks the local variable at the root of an assigned
// location as written (a := redeclaration uses it too).
func (pt *pkgTranslator) markWritten(e ast.Expr) {
	if v := pt.rootVar(e); v != nil {
		pt.written[v] = true
	}
}

// rootVar returns the local variable at the root of a location expression
// (x, x.f, x[i] of an array, (x)), or nil.
func (pt *pkgTranslator) rootVar(e ast.Expr) *types.Var {
	for e != nil {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
			continue
		case *ast.SelectorExpr:
			sel := pt.info.Selections[x]
			if sel == nil || sel.Kind() != types.FieldVal || sel.Indirect() {
				return nil
			}
			e = x.X
			continue
		case *ast.IndexExpr:
			if _, ok := under(pt.info.TypeOf(x.X)).(*types.Array); !ok {
				return nil
			}
			e = x.X
			continue
		case *ast.Ident:
			return pt.localVar(x)
		}
		return nil
	}
	return nil
}

// localVar returns the local variable of this package that id uses, or nil.
func (pt *pkgTranslator) localVar(id *ast.Ident) *types.Var {
	v, ok := pt.info.Uses[id].(*types.Var)
	if !ok || v.IsField() || v.Pkg() != pt.pkg.Types || v.Parent() == nil || v.Parent() == pt.pkg.Types.Scope() {
		return nil
	}
	return v
}

// pointerMethodOnValue reports whether the method selection calls a
// pointer-receiver method on an addressable value (taking its address).
func pointerMethodOnValue(sel *types.Selection) bool {
	fn, ok := sel.Obj().(*types.Func)
	if !ok {
		return false
	}
	recv := fn.Type().(*types.Signature).Recv()
	if recv == nil {
		return false
	}
	if _, ok := types.Unalias(recv.Type()).(*types.Pointer); !ok {
		return false
	}
	if _, isPtr := under(sel.Recv()).(*types.Pointer); isPtr {
		return false
	}
	if _, isIface := under(sel.Recv()).(*types.Interface); isIface {
		return false
	}
	// x.m through an embedded pointer: the receiver is that pointer.
	return !sel.Indirect()
}

// under is t's underlying type; for a type parameter, its core type (the
// one underlying type of every type in its type set), if it has one.
func under(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	tp, ok := types.Unalias(t).(*types.TypeParam)
	if !ok {
		return t.Underlying()
	}
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	if !ok {
		return t.Underlying()
	}
	var core types.Type
	for i := 0; i < iface.NumEmbeddeds(); i++ {
		var terms []types.Type
		switch e := iface.EmbeddedType(i).(type) {
		case *types.Union:
			for j := 0; j < e.Len(); j++ {
				terms = append(terms, e.Term(j).Type())
			}
		case *types.Interface:
			continue
		default:
			terms = append(terms, e)
		}
		for _, term := range terms {
			u := under(term)
			if c, ok := u.(*types.Chan); ok {
				u = types.NewChan(types.SendRecv, c.Elem()) // directions do not matter here
			}
			if core != nil && !types.Identical(core, u) {
				return t.Underlying()
			}
			core = u
		}
	}
	if core == nil {
		return t.Underlying()
	}
	return core
}
