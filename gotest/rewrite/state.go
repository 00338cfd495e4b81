package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"
)

// pkgState is the package-level state the generated reset functions
// restore: the variables to zero, the initialisers to re-run (each
// becomes a function in the file that declares it, so that the
// initialiser's expression is printed where its imports are), and the
// init functions.
type pkgState struct {
	plain, test stateCalls
	// slot maps an initialiser's original expression to where it lives.
	slot map[ast.Expr]valueSlot
	// funcs: the reset function of each initialiser, per file.
	funcs map[*ast.File][]initFunc
}

type stateCalls struct {
	zero  []string // variables without initialiser, zeroed first
	inits []string // initialiser functions, in initialisation order
}

type valueSlot struct {
	spec *ast.ValueSpec
	i    int
}

type initFunc struct {
	name string
	lhs  []*ast.Ident
	rhs  ast.Expr // the original expression; the slot holds its translation
}

// collectState finds the package variables and their initialisers.
func (pt *pkgTranslator) collectState() *pkgState {
	st := &pkgState{slot: map[ast.Expr]valueSlot{}, funcs: map[*ast.File][]initFunc{}}
	fileOf := map[*types.Var]*ast.File{}
	embedded := map[*types.Var]bool{}
	for _, f := range pt.files {
		test := isTestFile(pt.fileName(f))
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				embed := hasEmbed(gd.Doc) || hasEmbed(vs.Doc)
				for i, v := range vs.Values {
					st.slot[v] = valueSlot{vs, i}
				}
				for _, id := range vs.Names {
					v, ok := pt.info.Defs[id].(*types.Var)
					if !ok {
						continue
					}
					fileOf[v] = f
					embedded[v] = embed
					if len(vs.Values) == 0 && id.Name != "_" && !embed {
						calls := &st.plain
						if test {
							calls = &st.test
						}
						calls.zero = append(calls.zero, id.Name)
					}
				}
			}
		}
	}
	blanks := map[*ast.File]int{}
	for _, in := range pt.info.InitOrder {
		if len(in.Lhs) == 0 {
			continue
		}
		f := fileOf[in.Lhs[0]]
		if f == nil || embedded[in.Lhs[0]] || callsPackage(pt.info, in.Rhs, "flag") {
			// Re-running a flag definition panics (flag redefined).
			continue
		}
		name := ""
		var lhs []*ast.Ident
		for _, v := range in.Lhs {
			lhs = append(lhs, ast.NewIdent(v.Name()))
			if name == "" && v.Name() != "_" {
				name = "simrunVar_" + v.Name()
			}
		}
		if name == "" {
			blanks[f]++
			name = fmt.Sprintf("simrunVarBlank_%s_%d", fileTag(pt.fileName(f)), blanks[f])
		}
		st.funcs[f] = append(st.funcs[f], initFunc{name: name, lhs: lhs, rhs: in.Rhs})
		if isTestFile(pt.fileName(f)) {
			st.test.inits = append(st.test.inits, name)
		} else {
			st.plain.inits = append(st.plain.inits, name)
		}
	}
	return st
}

func hasEmbed(cg *ast.CommentGroup) bool {
	if cg == nil {
		return false
	}
	for _, c := range cg.List {
		if strings.HasPrefix(c.Text, "//go:embed") {
			return true
		}
	}
	return false
}

// fileTag turns a file's base name into an identifier fragment.
func fileTag(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), ".go")
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, base)
}

// appendResets adds, after translation, one function per initialiser of
// the file: func simrunVar_x() { x = <the translated initialiser> }.
func (st *pkgState) appendResets(ft *fileTranslator) {
	for _, fn := range st.funcs[ft.file] {
		rhs := fn.rhs
		if s, ok := st.slot[fn.rhs]; ok {
			rhs = s.spec.Values[s.i]
		}
		lhs := make([]ast.Expr, len(fn.lhs))
		for i, id := range fn.lhs {
			lhs[i] = id
		}
		ft.file.Decls = append(ft.file.Decls, &ast.FuncDecl{
			Name: ast.NewIdent(fn.name),
			Type: &ast.FuncType{Params: &ast.FieldList{}},
			Body: &ast.BlockStmt{List: []ast.Stmt{
				&ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: []ast.Expr{rhs}},
			}},
		})
	}
}

// generate writes the generated files of the package: the reset of the
// non-test state (simrun_gen.go), and that of the test-only state with the
// test wrappers (simrun_gen_test.go, or simrun_xgen_test.go for an external
// test package).
func (pt *pkgTranslator) generate(dir string, hasPlain bool, st *pkgState) ([]File, error) {
	var files []File
	add := func(name string, src []byte) error {
		out, err := format.Source(src)
		if err != nil {
			return fmt.Errorf("rewrite: generated %s does not parse: %w\n%s", name, err, src)
		}
		files = append(files, File{Path: filepath.Join(dir, name), Content: out})
		return nil
	}
	path := pt.pkg.Types.Path()
	helpersInPlain := hasPlain && !pt.isExternalTest()
	if helpersInPlain {
		var b bytes.Buffer
		pt.header(&b, false, false)
		writeReset(&b, path, "simrunReset", st.plain, pt.initNames, pt.noRerun)
		b.WriteString(helpers)
		if err := add(genFile, b.Bytes()); err != nil {
			return nil, err
		}
	}
	hasTest := len(pt.tests) > 0 || len(st.test.zero) > 0 || len(st.test.inits) > 0 || len(pt.testInitNames) > 0 || pt.usesTestMainHelper
	if !hasTest && helpersInPlain {
		return files, nil
	}
	if !hasTest && !pt.isExternalTest() && !hasPlain {
		return files, nil
	}
	var b bytes.Buffer
	pt.header(&b, len(pt.tests) > 0 || pt.usesTestMainHelper, pt.usesTestMainHelper)
	name := genTestFile
	regPath := path + " [test]"
	if pt.isExternalTest() {
		name, regPath = genXTestFile, path
	}
	writeReset(&b, regPath, "simrunResetTest", st.test, pt.testInitNames, pt.noRerun)
	for _, t := range pt.tests {
		fmt.Fprintf(&b, "\nfunc %s(t *testing.T) { gort.RunTest(t, %q, simrun%s) }\n", t, t, t)
	}
	if pt.usesTestMainHelper {
		b.WriteString(`
// simrunVerifyTestMain is goleak.VerifyTestMain: it runs the tests, which
// check their own leaks.
func simrunVerifyTestMain[O any](m *testing.M, _ ...O) { os.Exit(m.Run()) }
`)
	}
	if !helpersInPlain {
		b.WriteString(helpers)
	}
	if err := add(name, b.Bytes()); err != nil {
		return nil, err
	}
	return files, nil
}

func (pt *pkgTranslator) header(b *bytes.Buffer, testing, os bool) {
	fmt.Fprintf(b, "// Code generated by simrun test; DO NOT EDIT.\n\npackage %s\n\nimport (\n", pt.pkg.Types.Name())
	if os {
		b.WriteString("\t\"os\"\n")
	}
	if testing {
		b.WriteString("\t\"testing\"\n\n")
	}
	fmt.Fprintf(b, "\tgort %s\n)\n", strconv.Quote(pt.cfg.Runtime))
}

// writeReset writes the init function that registers the reset and runs
// the original init functions, and the reset itself: zero the variables
// without initialiser, re-run the initialisers in initialisation order,
// then the init functions.
func writeReset(b *bytes.Buffer, path, reset string, calls stateCalls, inits []string, noRerun map[string]bool) {
	fmt.Fprintf(b, "\nfunc init() {\n\tgort.RegisterPackage(%q, %s)\n", path, reset)
	for _, in := range inits {
		fmt.Fprintf(b, "\t%s()\n", in)
	}
	fmt.Fprintf(b, "}\n\n// %s restores the package-level state as package initialisation left it.\nfunc %s() {\n", reset, reset)
	for _, z := range calls.zero {
		fmt.Fprintf(b, "\tsimrunZero(&%s)\n", z)
	}
	for _, in := range calls.inits {
		fmt.Fprintf(b, "\t%s()\n", in)
	}
	for _, in := range inits {
		if noRerun[in] {
			fmt.Fprintf(b, "\t// %s registers flags: not re-run.\n", in)
			continue
		}
		fmt.Fprintf(b, "\t%s()\n", in)
	}
	b.WriteString("}\n")
}

// helpers are generic functions the translation calls; they live in the
// generated file (they are not part of gort's contract).
const helpers = `
// simrunZero sets *p to its zero value.
func simrunZero[T any](p *T) {
	var z T
	*p = z
}

// simrunRange starts a range over a channel: for c, v, ok := simrunRange(ch); ok; v, ok = gort.RecvOK(c) {...}
// evaluates the channel once, as range does.
func simrunRange[T any](c *gort.Chan[T]) (*gort.Chan[T], T, bool) {
	v, ok := gort.RecvOK(c)
	return c, v, ok
}

// simrunVerifyNone is goleak.VerifyNone with options, which gort ignores.
func simrunVerifyNone[O any](t gort.TB, _ ...O) { gort.VerifyNone(t) }

// simrunMakeChan makes a channel of a named channel type.
func simrunMakeChan[C ~*gort.Chan[T], T any](size int, site string) C {
	return C(gort.MakeChan[T](size, site))
}
`
