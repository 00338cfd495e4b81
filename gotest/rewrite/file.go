package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// ctx says how an expression is used, for the memory instrumentation.
type ctx int

const (
	ctxRead  ctx = iota // its value is read
	ctxWrite            // assigned (=, op=, ++, range with =)
	ctxAddr             // its address is taken (&x, pointer-method receiver, slicing an array)
	ctxInner            // part of a larger location (x in x.f or x[i] of an array)
	ctxSkip             // not an access (left of :=, a selector's name)
)

// fileTranslator rewrites one file in place. Decisions that need types are
// taken in pre-order, on the original nodes (go/types knows only those);
// rewrites happen in post-order, so that a node's children are already
// translated when it is rebuilt, and new nodes are never visited again.
type fileTranslator struct {
	*pkgTranslator
	file *ast.File
	base string // base name of the file, for sites

	ctx      map[ast.Expr]ctx
	locShare map[ast.Expr]bool // locations (inner) that are shared
	recvOK   map[*ast.UnaryExpr]bool
	commOp   map[ast.Node]bool // a select case's send or receive: the select rebuilds it
	chanOp   map[ast.Node]bool // sends, receives, close/len/cap, range over channels
	makeChan map[*ast.CallExpr]bool
	goPlan   map[*ast.GoStmt]*goPlan
	siteOf   map[ast.Node]string
	selects  map[*ast.BlockStmt]*ast.SwitchStmt
	mapOp    map[*ast.CallExpr]bool // delete/clear of a map
	// recover() becomes gort.Recovered(recover()): gort's Goexit and the
	// end of an execution unwind with panics user code must not stop.
	recoverCall map[*ast.CallExpr]bool
	verifyOpts  map[*ast.CallExpr]bool // goleak.VerifyNone(t, opts)
	rangeMap    map[*ast.RangeStmt]bool
	recvEffect  map[*ast.CallExpr]recvEffect // buf.WriteString(s) of an untranslated type
	verifyMain  map[*ast.CallExpr]bool       // goleak.VerifyTestMain(m)
	sizeConv    map[*ast.CallExpr]bool       // make(chan T, n) with n not an int
	chanCall    map[*ast.CallExpr]chanCall
	chanCallSel map[*ast.SelectorExpr]bool
	methodExpr  map[*ast.SelectorExpr]ast.Expr // T.m of a channel type → its function

	// sharedLoopVars: the file's language version is before Go 1.22, when
	// a loop variable is one variable for the whole loop.
	sharedLoopVars bool
}

type goPlan struct {
	name     string
	static   bool   // the function needs no evaluation (a declared function, a builtin, a literal)
	constArg []bool // arguments that need no evaluation (constants, nil)
}

func newFileTranslator(pt *pkgTranslator, f *ast.File, name string) *fileTranslator {
	return &fileTranslator{
		pkgTranslator: pt,
		file:          f,
		base:          filepath.Base(name),
		ctx:           map[ast.Expr]ctx{},
		locShare:      map[ast.Expr]bool{},
		recvOK:        map[*ast.UnaryExpr]bool{},
		commOp:        map[ast.Node]bool{},
		chanOp:        map[ast.Node]bool{},
		makeChan:      map[*ast.CallExpr]bool{},
		goPlan:        map[*ast.GoStmt]*goPlan{},
		siteOf:        map[ast.Node]string{},
		selects:       map[*ast.BlockStmt]*ast.SwitchStmt{},
		mapOp:         map[*ast.CallExpr]bool{},
		recoverCall:   map[*ast.CallExpr]bool{},
		verifyOpts:    map[*ast.CallExpr]bool{},
		rangeMap:      map[*ast.RangeStmt]bool{},
		recvEffect:    map[*ast.CallExpr]recvEffect{},
		verifyMain:    map[*ast.CallExpr]bool{},
		sizeConv:      map[*ast.CallExpr]bool{},
		chanCall:      map[*ast.CallExpr]chanCall{},
		chanCallSel:   map[*ast.SelectorExpr]bool{},
		methodExpr:    map[*ast.SelectorExpr]ast.Expr{},
	}
}

func (ft *fileTranslator) translate() {
	ft.sharedLoopVars = ft.oldLoopVars(ft.file)
	ft.checkFile()
	astutil.Apply(ft.file, ft.pre, ft.post)
}

// site is the position string passed to gort: "file.go:LINE".
func (ft *fileTranslator) site(pos token.Pos) string {
	return fmt.Sprintf("%s:%d", ft.base, ft.fset.Position(pos).Line)
}

// exprSite is "expr (file.go:LINE)".
func (ft *fileTranslator) exprSite(e ast.Expr) string {
	return fmt.Sprintf("%s (%s)", types.ExprString(e), ft.site(e.Pos()))
}

func (ft *fileTranslator) gort(name string) *ast.SelectorExpr {
	return &ast.SelectorExpr{X: ast.NewIdent("gort"), Sel: ast.NewIdent(name)}
}

func (ft *fileTranslator) call(name string, args ...ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{Fun: ft.gort(name), Args: args}
}

func str(s string) *ast.BasicLit {
	return &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(s)}
}

func (ft *fileTranslator) typeOf(e ast.Expr) types.Type { return ft.info.TypeOf(e) }

// replace replaces the expression old by new, which gets old's type: a
// parent rebuilt later may ask for it (the info is this translation's
// copy).
func (ft *fileTranslator) replace(c *astutil.Cursor, old, new ast.Expr) {
	if tv, ok := ft.info.Types[old]; ok {
		ft.info.Types[new] = tv
	}
	ft.replaceNode(c, old, new)
}

// replaceNode replaces old by new, giving new's position-less nodes old's
// position.
func (ft *fileTranslator) replaceNode(c *astutil.Cursor, old, new ast.Node) {
	fillPos(new, old.Pos())
	c.Replace(new)
}

func (ft *fileTranslator) isChan(e ast.Expr) bool {
	_, ok := under(ft.typeOf(e)).(*types.Chan)
	return ok
}

func (ft *fileTranslator) isConst(e ast.Expr) bool {
	tv, ok := ft.info.Types[e]
	return ok && (tv.Value != nil || tv.IsNil())
}

func (ft *fileTranslator) builtin(call *ast.CallExpr) string {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return ""
	}
	if b, ok := ft.info.Uses[id].(*types.Builtin); ok {
		return b.Name()
	}
	return ""
}

func (ft *fileTranslator) pre(c *astutil.Cursor) bool {
	n := c.Node()
	if e, ok := n.(ast.Expr); ok {
		if tv, ok := ft.info.Types[e]; ok && tv.Value != nil {
			return false // a constant: nothing is evaluated at run time
		}
	}
	switch n := n.(type) {
	case *ast.AssignStmt:
		for _, l := range n.Lhs {
			if n.Tok == token.DEFINE {
				ft.ctx[l] = ctxSkip
			} else {
				ft.ctx[l] = ctxWrite
			}
		}
		if len(n.Lhs) == 2 && len(n.Rhs) == 1 {
			if u, ok := ast.Unparen(n.Rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				ft.recvOK[u] = true
			}
		}
	case *ast.ValueSpec:
		if len(n.Names) == 2 && len(n.Values) == 1 {
			if u, ok := ast.Unparen(n.Values[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				ft.recvOK[u] = true
			}
		}
	case *ast.IncDecStmt:
		ft.ctx[n.X] = ctxWrite
	case *ast.RangeStmt:
		c := ctxWrite
		if n.Tok == token.DEFINE {
			c = ctxSkip
		}
		if n.Key != nil {
			ft.ctx[n.Key] = c
		}
		if n.Value != nil {
			ft.ctx[n.Value] = c
		}
		if ft.isChan(n.X) {
			ft.chanOp[n] = true
		}
		if _, ok := under(ft.typeOf(n.X)).(*types.Map); ok {
			ft.rangeMap[n] = true
			ft.siteOf[n] = ft.exprSite(n.X)
		}
	case *ast.UnaryExpr:
		switch n.Op {
		case token.AND:
			ft.ctx[n.X] = ctxAddr
		case token.ARROW:
			ft.chanOp[n] = true
		}
	case *ast.SendStmt:
		ft.chanOp[n] = true
	case *ast.SliceExpr:
		if _, ok := under(ft.typeOf(n.X)).(*types.Array); ok {
			ft.ctx[n.X] = ctxAddr
		}
	case *ast.SelectorExpr:
		ft.ctx[n.Sel] = ctxSkip
		if sel := ft.info.Selections[n]; sel != nil {
			switch sel.Kind() {
			case types.FieldVal:
				ft.checkField(n.Sel, sel.Obj().(*types.Var))
				if !sel.Indirect() {
					if _, ptr := under(ft.typeOf(n.X)).(*types.Pointer); !ptr {
						ft.ctx[n.X] = ctxInner
					}
				}
				ft.siteOf[n] = ft.exprSite(n)
			case types.MethodVal:
				if pointerMethodOnValue(sel) {
					ft.ctx[n.X] = ctxAddr
				}
				if _, ok := ft.chanMethodName(sel.Obj().(*types.Func)); ok && !ft.chanCallSel[n] {
					ft.problem(n.Pos(), "method value %s of a channel type: a translated channel type cannot have methods", types.ExprString(n))
				}
			case types.MethodExpr:
				if fn := sel.Obj().(*types.Func); ft.isChanMethod(fn) {
					ft.methodExpr[n] = ft.chanMethodRef(fn, n.Pos())
				}
			}
		} else if ft.pkgVar(n) != nil {
			ft.siteOf[n] = ft.exprSite(n)
		}
	case *ast.IndexExpr:
		ft.siteOf[n] = ft.exprSite(n)
		switch under(ft.typeOf(n.X)).(type) {
		case *types.Array:
			ft.ctx[n.X] = ctxInner
		case *types.Map:
			ft.siteOf[n] = ft.exprSite(n.X) // a map is one location
		}
	case *ast.StarExpr:
		ft.siteOf[n] = ft.exprSite(n)
	case *ast.ParenExpr:
		if c, ok := ft.ctx[n]; ok {
			ft.ctx[n.X] = c
		}
	case *ast.KeyValueExpr:
		if id, ok := n.Key.(*ast.Ident); ok {
			if v, ok := ft.info.Uses[id].(*types.Var); ok && v.IsField() {
				ft.ctx[n.Key] = ctxSkip
				ft.checkField(id, v)
			}
		}
	case *ast.CallExpr:
		ft.preCall(n)
	case *ast.GoStmt:
		ft.planGo(n)
	case *ast.CommClause:
		switch s := n.Comm.(type) {
		case *ast.SendStmt:
			ft.commOp[s] = true
		case *ast.ExprStmt:
			ft.commOp[ast.Unparen(s.X)] = true
		case *ast.AssignStmt:
			ft.commOp[ast.Unparen(s.Rhs[0])] = true
		}
	}
	return true
}

func (ft *fileTranslator) preCall(n *ast.CallExpr) {
	if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
		if s := ft.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
			if fn := s.Obj().(*types.Func); ft.isChanMethod(fn) {
				ft.planChanCall(n, sel, s, ft.chanMethodRef(fn, sel.Pos()))
				return
			}
			if e := effect(s); e != 0 && len(s.Index()) == 1 {
				_, isPtr := under(s.Recv()).(*types.Pointer)
				if isPtr || pointerMethodOnValue(s) {
					ft.recvEffect[n] = recvEffect{kind: e, ptr: isPtr, site: ft.exprSite(sel.X)}
				}
			}
		}
	}
	switch ft.builtin(n) {
	case "close", "len", "cap":
		if len(n.Args) == 1 && ft.isChan(n.Args[0]) {
			ft.chanOp[n] = true
		}
	case "make":
		if len(n.Args) >= 1 && ft.isChan(n.Args[0]) {
			ft.makeChan[n] = true
			if len(n.Args) > 1 && !ft.isConst(n.Args[1]) && !types.Identical(ft.typeOf(n.Args[1]), types.Typ[types.Int]) {
				ft.sizeConv[n] = true // make takes any integer size, MakeChan an int
			}
		}
	case "recover":
		ft.recoverCall[n] = true
	case "delete", "clear":
		if len(n.Args) >= 1 {
			if _, ok := under(ft.typeOf(n.Args[0])).(*types.Map); ok {
				ft.mapOp[n] = true
				ft.siteOf[n] = ft.exprSite(n.Args[0])
			}
		}
	case "":
		ft.checkCall(n)
	}
}

// planChanCall plans x.m(args) → simrunT_m(x, args) for a method of a
// named channel type, taking x's address or dereferencing it as the
// method's receiver needs.
func (ft *fileTranslator) planChanCall(n *ast.CallExpr, sel *ast.SelectorExpr, s *types.Selection, fun ast.Expr) {
	if len(s.Index()) != 1 {
		ft.problem(sel.Pos(), "promoted method %s of a channel type: a translated channel type cannot have methods", sel.Sel.Name)
		return
	}
	ft.chanCallSel[sel] = true
	_, wantPtr := s.Obj().Type().(*types.Signature).Recv().Type().(*types.Pointer)
	_, isPtr := under(s.Recv()).(*types.Pointer)
	adjust := ""
	switch {
	case wantPtr && !isPtr:
		adjust = "&"
	case !wantPtr && isPtr:
		adjust = "*"
	}
	ft.chanCall[n] = chanCall{fun: fun, adjust: adjust}
}

// recvEffect: the call reads or writes its receiver's object; ptr: the
// receiver is a pointer (else an addressable value).
type recvEffect struct {
	kind byte
	ptr  bool
	site string
}

type chanCall struct {
	fun    ast.Expr // the function the method became
	adjust string   // "&", "*" or ""
}

func (ft *fileTranslator) isChanMethod(fn *types.Func) bool {
	_, ok := ft.chanMethodName(fn)
	return ok
}

// chanMethodRef is the expression that names the function a method of a
// channel type became: simrunT_m, or pkg.SimrunT_m for another package's.
func (ft *fileTranslator) chanMethodRef(fn *types.Func, pos token.Pos) ast.Expr {
	name, _ := ft.chanMethodName(fn)
	if fn.Pkg() == ft.pkg.Types {
		return &ast.Ident{NamePos: pos, Name: name}
	}
	for _, imp := range ft.file.Imports {
		var pn *types.PkgName
		if imp.Name != nil {
			pn, _ = ft.info.Defs[imp.Name].(*types.PkgName)
		} else {
			pn, _ = ft.info.Implicits[imp].(*types.PkgName)
		}
		if pn != nil && pn.Imported() == fn.Pkg() && pn.Name() != "_" && pn.Name() != "." {
			return &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: pn.Name()}, Sel: &ast.Ident{NamePos: pos, Name: name}}
		}
	}
	ft.problem(pos, "method %s of channel type from %s, which this file does not import: a translated channel type cannot have methods", fn.Name(), fn.Pkg().Path())
	return &ast.Ident{NamePos: pos, Name: name}
}

// planGo decides, on the original go statement, what must be evaluated at
// the go statement: the function value unless it is a declared function
// or a literal, and every argument that is not a constant.
func (ft *fileTranslator) planGo(n *ast.GoStmt) {
	p := &goPlan{}
	fun := ast.Unparen(n.Call.Fun)
	switch f := fun.(type) {
	case *ast.FuncLit:
		p.static = true
		p.name = "func@" + ft.site(f.Pos())
	case *ast.Ident:
		switch ft.info.Uses[f].(type) {
		case *types.Func, *types.Builtin:
			p.static = true
		}
		p.name = f.Name
	case *ast.SelectorExpr:
		if id, ok := f.X.(*ast.Ident); ok {
			if _, ok := ft.info.Uses[id].(*types.PkgName); ok {
				p.static = true
			}
		}
		if sel := ft.info.Selections[f]; sel != nil && sel.Kind() == types.MethodExpr {
			p.static = true
		}
		p.name = types.ExprString(f)
	case *ast.IndexExpr, *ast.IndexListExpr:
		p.name = types.ExprString(f)
	default:
		p.name = "go@" + ft.site(n.Pos())
	}
	for _, a := range n.Call.Args {
		p.constArg = append(p.constArg, ft.isConst(a))
	}
	ft.goPlan[n] = p
}

func (ft *fileTranslator) post(c *astutil.Cursor) bool {
	switch n := c.Node().(type) {
	case *ast.Ident:
		if obj := ft.info.Uses[n]; obj != nil {
			if name, ok := ft.renamed[obj]; ok {
				n.Name = name
			}
		}
		ft.memory(c, n)
	case *ast.SelectorExpr:
		if fun, ok := ft.methodExpr[n]; ok {
			ft.replace(c, n, fun)
		} else if !ft.mapName(c, n) {
			ft.memory(c, n)
		}
	case *ast.IndexExpr, *ast.StarExpr, *ast.ParenExpr:
		ft.memory(c, n.(ast.Expr))
	case *ast.ChanType:
		ft.replaceNode(c, n, ft.chanType(n))
	case *ast.UnaryExpr:
		if n.Op == token.ARROW && ft.chanOp[n] && !ft.commOp[n] {
			name := "Recv"
			if ft.recvOK[n] {
				name = "RecvOK"
			}
			ft.replace(c, n, ft.call(name, n.X))
		}
	case *ast.SendStmt:
		if !ft.commOp[n] {
			ft.replaceNode(c, n, &ast.ExprStmt{X: ft.call("Send", n.Chan, n.Value)})
		}
	case *ast.CallExpr:
		ft.postCall(c, n)
	case *ast.GoStmt:
		ft.replaceNode(c, n, ft.goStmt(n))
	case *ast.SelectStmt:
		ft.replaceNode(c, n, ft.selectStmt(n))
	case *ast.RangeStmt:
		if ft.rangeMap[n] {
			// Iterating a map reads its contents.
			n.X = ft.call("ReadMap", n.X, str(ft.siteOf[n]))
			fillPos(n.X, n.For)
		}
		ft.recordRangeWrites(n)
		if ft.chanOp[n] {
			ft.replaceNode(c, n, ft.rangeChan(n))
		}
	case *ast.LabeledStmt:
		// A select became { temporaries; switch }: the label goes on the
		// switch, so that break L still leaves it.
		if b, ok := n.Stmt.(*ast.BlockStmt); ok {
			if sw := ft.selects[b]; sw != nil {
				b.List[len(b.List)-1] = &ast.LabeledStmt{Label: n.Label, Colon: n.Colon, Stmt: sw}
				ft.replaceNode(c, n, b)
			}
		}
	}
	return true
}

// chanType is *gort.Chan[T], at the channel type's position (the printer
// lays lines out by positions).
func (ft *fileTranslator) chanType(n *ast.ChanType) ast.Expr {
	return &ast.StarExpr{Star: n.Begin, X: &ast.IndexExpr{X: ft.gortAt("Chan", n.Begin), Lbrack: n.Begin, Index: n.Value, Rbrack: n.End() - 1}}
}

func (ft *fileTranslator) postCall(c *astutil.Cursor, n *ast.CallExpr) {
	if e, ok := ft.recvEffect[n]; ok {
		// buf.WriteString(s) → gort.Write(buf, site).WriteString(s), or
		// (*gort.Write(&buf, site)).WriteString(s) for a value.
		sel := ast.Unparen(n.Fun).(*ast.SelectorExpr)
		name := "Read"
		if e.kind == 'w' {
			name = "Write"
		}
		var x ast.Expr
		if e.ptr {
			x = ft.call(name, sel.X, str(e.site))
		} else {
			x = &ast.ParenExpr{X: &ast.StarExpr{X: ft.call(name, &ast.UnaryExpr{Op: token.AND, X: sel.X}, str(e.site))}}
		}
		fillPos(x, sel.X.Pos())
		sel.X = x
	}
	switch {
	case ft.chanCall[n].fun != nil:
		cc := ft.chanCall[n]
		recv := ast.Unparen(n.Fun).(*ast.SelectorExpr).X
		switch cc.adjust {
		case "&":
			recv = &ast.UnaryExpr{OpPos: recv.Pos(), Op: token.AND, X: recv}
		case "*":
			recv = &ast.StarExpr{Star: recv.Pos(), X: recv}
		}
		n.Fun = cc.fun
		n.Args = append([]ast.Expr{recv}, n.Args...)
	case ft.verifyOpts[n]:
		n.Fun = &ast.Ident{NamePos: n.Fun.Pos(), Name: "simrunVerifyNone"}
	case ft.verifyMain[n]:
		n.Fun = &ast.Ident{NamePos: n.Fun.Pos(), Name: "simrunVerifyTestMain"}
		if len(n.Args) == 1 {
			// No option to infer the options' type from.
			n.Fun = &ast.IndexExpr{X: n.Fun, Lbrack: n.Fun.Pos(), Index: &ast.Ident{NamePos: n.Fun.Pos(), Name: "any"}, Rbrack: n.Fun.Pos()}
		}
	case ft.chanOp[n]:
		name := map[string]string{"close": "Close", "len": "Len", "cap": "Cap"}[ft.builtin(n)]
		ft.replace(c, n, &ast.CallExpr{Fun: ft.gort(name), Lparen: n.Lparen, Args: n.Args, Rparen: n.Rparen})
	case ft.makeChan[n]:
		size := ast.Expr(&ast.BasicLit{Kind: token.INT, Value: "0"})
		if len(n.Args) > 1 {
			size = n.Args[1]
			if ft.sizeConv[n] {
				size = &ast.CallExpr{Fun: &ast.Ident{NamePos: size.Pos(), Name: "int"}, Args: []ast.Expr{size}}
			}
		}
		site := str(ft.site(n.Pos()))
		var fun ast.Expr
		if st, ok := n.Args[0].(*ast.StarExpr); ok && isGortChan(st.X) {
			fun = &ast.IndexExpr{X: ft.gort("MakeChan"), Index: st.X.(*ast.IndexExpr).Index}
		} else {
			fun = &ast.IndexExpr{X: ast.NewIdent("simrunMakeChan"), Index: n.Args[0]}
		}
		ft.replace(c, n, &ast.CallExpr{Fun: fun, Lparen: n.Lparen, Args: []ast.Expr{size, site}, Rparen: n.Rparen})
	case ft.recoverCall[n]:
		ft.replace(c, n, &ast.CallExpr{Fun: ft.gortAt("Recovered", n.Pos()), Args: []ast.Expr{n}})
	case ft.mapOp[n]:
		n.Args[0] = ft.call("WriteMap", n.Args[0], str(ft.siteOf[n]))
	}
}

func isGortChan(e ast.Expr) bool {
	ix, ok := e.(*ast.IndexExpr)
	if !ok {
		return false
	}
	sel, ok := ix.X.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == "gort" && sel.Sel.Name == "Chan"
}

// goStmt: go f(a, b) becomes
//
//	{ simrunF, simrunA0, simrunA1 := f, a, b; gort.Go("f", func() { simrunF(simrunA0, simrunA1) }) }
//
// so that the function value and the arguments are evaluated at the go
// statement, as Go does; constants and declared functions need no
// temporary.
func (ft *fileTranslator) goStmt(n *ast.GoStmt) ast.Stmt {
	p := ft.goPlan[n]
	call := n.Call
	if p != nil && ft.chanCall[call].fun != nil {
		// x.m(args) became simrunT_m(x, args): a function, and x an
		// argument evaluated now, as the method value's receiver was.
		p = &goPlan{name: p.name, static: true, constArg: append([]bool{false}, p.constArg...)}
	}
	var lhs, rhs []ast.Expr
	inner := &ast.CallExpr{Fun: call.Fun, Args: make([]ast.Expr, len(call.Args)), Ellipsis: call.Ellipsis}
	if p == nil {
		p = &goPlan{name: "go@" + ft.site(n.Pos())}
	}
	if !p.static {
		lhs = append(lhs, ast.NewIdent("simrunF"))
		rhs = append(rhs, call.Fun)
		inner.Fun = ast.NewIdent("simrunF")
	}
	for i, a := range call.Args {
		if i < len(p.constArg) && p.constArg[i] {
			inner.Args[i] = a
			continue
		}
		name := fmt.Sprintf("simrunA%d", i)
		lhs = append(lhs, ast.NewIdent(name))
		rhs = append(rhs, a)
		inner.Args[i] = ast.NewIdent(name)
	}
	var body ast.Expr
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok && len(call.Args) == 0 && lit.Type.Results == nil {
		body = lit
	} else {
		body = &ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: inner}}}}
	}
	goCall := &ast.ExprStmt{X: &ast.CallExpr{Fun: ft.gortAt("Go", n.Go), Args: []ast.Expr{str(p.name), body}}}
	if len(lhs) == 0 {
		return goCall
	}
	return &ast.BlockStmt{Lbrace: n.Go, List: []ast.Stmt{
		&ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs},
		goCall,
	}}
}

// gortAt is gort.name positioned at pos, so that //line points there.
func (ft *fileTranslator) gortAt(name string, pos token.Pos) *ast.SelectorExpr {
	s := ft.gort(name)
	s.X.(*ast.Ident).NamePos = pos
	s.Sel.NamePos = pos
	return s
}

// selectStmt: the cases' channels and sent values are evaluated once, in
// source order, into temporaries; gort.Select chooses; a switch runs the
// chosen case (break leaves a switch as it leaves a select).
func (ft *fileTranslator) selectStmt(n *ast.SelectStmt) ast.Stmt {
	if len(n.Body.List) == 0 {
		return &ast.ExprStmt{X: &ast.CallExpr{Fun: ft.gortAt("Block", n.Select)}}
	}
	var stmts []ast.Stmt
	var cases []ast.Expr
	hasDefault := false
	sw := &ast.SwitchStmt{Switch: n.Select, Body: &ast.BlockStmt{Lbrace: n.Body.Lbrace, Rbrace: n.Body.Rbrace}}
	for _, s := range n.Body.List {
		cc := s.(*ast.CommClause)
		clause := &ast.CaseClause{Case: cc.Case, Colon: cc.Colon}
		if cc.Comm == nil {
			hasDefault = true // Select returns -1: the switch's default
			clause.Body = cc.Body
			sw.Body.List = append(sw.Body.List, clause)
			continue
		}
		i := len(cases)
		tmp := &ast.Ident{NamePos: cc.Case, Name: fmt.Sprintf("simrunCase%d", i)}
		clause.List = []ast.Expr{&ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(i)}}
		var op ast.Expr
		switch comm := cc.Comm.(type) {
		case *ast.SendStmt:
			op = &ast.CallExpr{Fun: ft.gortAt("Sending", comm.Pos()), Args: []ast.Expr{comm.Chan, comm.Value}}
		case *ast.ExprStmt:
			op = &ast.CallExpr{Fun: ft.gortAt("Recving", comm.Pos()), Args: []ast.Expr{ast.Unparen(comm.X).(*ast.UnaryExpr).X}}
		case *ast.AssignStmt:
			op = &ast.CallExpr{Fun: ft.gortAt("Recving", comm.Pos()), Args: []ast.Expr{ast.Unparen(comm.Rhs[0]).(*ast.UnaryExpr).X}}
			rhs := []ast.Expr{&ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent(tmp.Name), Sel: ast.NewIdent("Value")}}}
			if len(comm.Lhs) == 2 {
				rhs = append(rhs, &ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent(tmp.Name), Sel: ast.NewIdent("OK")}})
			}
			clause.Body = append(clause.Body, &ast.AssignStmt{Lhs: comm.Lhs, TokPos: comm.TokPos, Tok: comm.Tok, Rhs: rhs})
			if comm.Tok == token.DEFINE {
				// A case variable the body does not use is legal in a select.
				var blanks, used []ast.Expr
				for _, l := range comm.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						blanks = append(blanks, ast.NewIdent("_"))
						used = append(used, ast.NewIdent(id.Name))
					}
				}
				if len(used) > 0 {
					clause.Body = append(clause.Body, &ast.AssignStmt{Lhs: blanks, TokPos: comm.TokPos, Tok: token.ASSIGN, Rhs: used})
				}
			}
		}
		stmts = append(stmts, &ast.AssignStmt{Lhs: []ast.Expr{tmp}, TokPos: cc.Case, Tok: token.DEFINE, Rhs: []ast.Expr{op}})
		cases = append(cases, ast.NewIdent(tmp.Name))
		clause.Body = append(clause.Body, cc.Body...)
		sw.Body.List = append(sw.Body.List, clause)
	}
	if !hasDefault {
		// Select chooses one of the cases: the last is the switch's
		// default, so that a select whose cases all return is still a
		// terminating statement.
		sw.Body.List[len(sw.Body.List)-1].(*ast.CaseClause).List = nil
	}
	sw.Tag = &ast.CallExpr{Fun: ft.gortAt("Select", n.Select), Args: append([]ast.Expr{ast.NewIdent(strconv.FormatBool(hasDefault))}, cases...)}
	b := &ast.BlockStmt{Lbrace: n.Select, List: append(stmts, sw), Rbrace: n.Body.Rbrace}
	ft.selects[b] = sw
	return b
}

// rangeChan: for v := range ch { ... } becomes
//
//	for simrunC, v, simrunOK := simrunRange(ch); simrunOK; v, simrunOK = gort.RecvOK(simrunC) { ... }
//
// a three-clause loop, so that v has the loop-variable semantics of the
// file's language version, as range's would (per iteration from Go 1.22);
// continue and labels work unchanged. With = the variable is assigned in
// the body: for simrunC := ch; ; { simrunV, simrunOK := gort.RecvOK(simrunC); if !simrunOK { break }; v = simrunV; ... }.
func (ft *fileTranslator) rangeChan(n *ast.RangeStmt) ast.Stmt {
	id := func(s string) *ast.Ident { return ast.NewIdent(s) }
	recv := &ast.CallExpr{Fun: ft.gortAt("RecvOK", n.For), Args: []ast.Expr{id("simrunC")}}
	if n.Tok == token.ASSIGN && n.Key != nil {
		body := []ast.Stmt{
			&ast.AssignStmt{Lhs: []ast.Expr{id("simrunV"), id("simrunOK")}, Tok: token.DEFINE, Rhs: []ast.Expr{recv}},
			&ast.IfStmt{Cond: &ast.UnaryExpr{Op: token.NOT, X: id("simrunOK")}, Body: &ast.BlockStmt{List: []ast.Stmt{&ast.BranchStmt{Tok: token.BREAK}}}},
			&ast.AssignStmt{Lhs: []ast.Expr{n.Key}, Tok: token.ASSIGN, Rhs: []ast.Expr{id("simrunV")}},
		}
		n.Body.List = append(body, n.Body.List...)
		return &ast.ForStmt{
			For:  n.For,
			Init: &ast.AssignStmt{Lhs: []ast.Expr{id("simrunC")}, Tok: token.DEFINE, Rhs: []ast.Expr{n.X}},
			Body: n.Body,
		}
	}
	v := ast.Expr(id("_"))
	if n.Key != nil {
		v = n.Key
	}
	return &ast.ForStmt{
		For: n.For,
		Init: &ast.AssignStmt{Lhs: []ast.Expr{id("simrunC"), v, id("simrunOK")}, Tok: token.DEFINE,
			Rhs: []ast.Expr{&ast.CallExpr{Fun: id("simrunRange"), Args: []ast.Expr{n.X}}}},
		Cond: id("simrunOK"),
		Post: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(identName(v)), id("simrunOK")}, Tok: token.ASSIGN, Rhs: []ast.Expr{recv}},
		Body: n.Body,
	}
}

func identName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "_"
}

// recordRangeWrites: before Go 1.22 a range loop assigns its variables
// at every iteration; where a goroutine may see them, the body starts by
// recording that write.
func (ft *fileTranslator) recordRangeWrites(n *ast.RangeStmt) {
	if n.Tok != token.DEFINE || !ft.sharedLoopVars {
		return
	}
	var writes []ast.Stmt
	for _, e := range []ast.Expr{n.Key, n.Value} {
		id, ok := e.(*ast.Ident)
		if !ok {
			continue
		}
		if v, ok := ft.info.Defs[id].(*types.Var); ok && ft.shared[v] && ft.written[v] {
			w := ft.call("Write", &ast.UnaryExpr{Op: token.AND, X: ast.NewIdent(id.Name)}, str(ft.exprSite(id)))
			fillPos(w, id.Pos())
			writes = append(writes, &ast.ExprStmt{X: w})
		}
	}
	n.Body.List = append(writes, n.Body.List...)
}

// pkgVar returns the package-level variable a qualified identifier
// pkg.V denotes, or nil.
func (ft *fileTranslator) pkgVar(sel *ast.SelectorExpr) *types.Var {
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return nil
	}
	if _, ok := ft.info.Uses[id].(*types.PkgName); !ok {
		return nil
	}
	v, _ := ft.info.Uses[sel.Sel].(*types.Var)
	return v
}

// location reports whether e denotes a memory location (isLoc) and
// whether another goroutine may reach it (shared).
func (ft *fileTranslator) location(e ast.Expr) (shared, isLoc bool) {
	switch e := e.(type) {
	case *ast.Ident:
		v, ok := ft.info.Uses[e].(*types.Var)
		if !ok || v.IsField() {
			return false, false
		}
		if v.Parent() == ft.pkg.Types.Scope() {
			return true, true
		}
		return ft.shared[v] && ft.written[v], true
	case *ast.ParenExpr:
		return ft.locShare[e.X], true
	case *ast.SelectorExpr:
		if v := ft.pkgVar(e); v != nil {
			return ft.instrumentedPkg(v.Pkg()), true
		}
		sel := ft.info.Selections[e]
		if sel == nil || sel.Kind() != types.FieldVal {
			return false, false
		}
		if sel.Indirect() {
			return true, true
		}
		if _, ptr := under(ft.typeOf(e.X)).(*types.Pointer); ptr {
			return true, true
		}
		return ft.locShare[e.X], true
	case *ast.IndexExpr:
		switch t := under(ft.typeOf(e.X)).(type) {
		case *types.Slice:
			return true, true
		case *types.Pointer:
			if _, ok := under(t.Elem()).(*types.Array); ok {
				return true, true
			}
		case *types.Array:
			return ft.locShare[e.X], true
		}
	case *ast.StarExpr:
		if tv, ok := ft.info.Types[e]; ok && !tv.IsType() {
			return true, true
		}
	}
	return false, false
}

// instrumentedPkg reports whether accesses to the variables of p are
// recorded: this package's and those of its module, not the standard
// library's.
func (ft *fileTranslator) instrumentedPkg(p *types.Package) bool {
	if p == nil {
		return false
	}
	if p == ft.pkg.Types {
		return true
	}
	return ft.translatedPath(p.Path())
}

// translatedPath reports whether the package path is translated too (it is
// in the main module).
func (pt *pkgTranslator) translatedPath(path string) bool {
	if strings.TrimSuffix(path, "_test") == strings.TrimSuffix(pt.pkg.PkgPath, "_test") {
		return true
	}
	if m := pt.pkg.Module; m != nil && m.Path != "" {
		return path == m.Path || strings.HasPrefix(path, m.Path+"/")
	}
	// Without module information: everything outside the standard library.
	first, _, _ := strings.Cut(path, "/")
	return strings.Contains(first, ".")
}

// memory wraps an access to a shared location in gort.Read / gort.Write,
// and map index expressions in gort.ReadMap / gort.WriteMap.
func (ft *fileTranslator) memory(c *astutil.Cursor, e ast.Expr) {
	mode := ft.ctx[e]
	if mode == ctxSkip {
		return
	}
	if ix, ok := e.(*ast.IndexExpr); ok {
		if _, isMap := under(ft.typeOf(ix.X)).(*types.Map); isMap {
			name := "ReadMap"
			if mode == ctxWrite {
				name = "WriteMap"
			}
			m := ix.X
			if p, ok := m.(*ast.ParenExpr); ok {
				m = p.X // (*gort.Read(&m, site)) needs no parentheses as an argument
			}
			ix.X = ft.call(name, m, str(ft.siteOf[ix]))
			return
		}
	}
	shared, isLoc := ft.location(e)
	if !isLoc {
		return
	}
	switch mode {
	case ctxInner:
		ft.locShare[e] = shared
		return
	case ctxAddr:
		return
	}
	if !shared {
		return
	}
	name := "Read"
	if mode == ctxWrite {
		name = "Write"
	}
	site := ft.siteOf[e]
	if site == "" {
		site = ft.exprSite(e)
	}
	var w ast.Expr = &ast.StarExpr{Star: e.Pos(), X: ft.call(name, &ast.UnaryExpr{Op: token.AND, X: e}, str(site))}
	switch c.Parent().(type) {
	case *ast.SelectorExpr, *ast.IndexExpr, *ast.SliceExpr, *ast.TypeAssertExpr, *ast.IndexListExpr:
		w = &ast.ParenExpr{X: w}
	case *ast.CallExpr:
		if c.Name() == "Fun" {
			w = &ast.ParenExpr{X: w}
		}
	}
	ft.replace(c, e, w)
}
