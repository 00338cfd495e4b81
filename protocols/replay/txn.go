package replay

import (
	"slices"

	"github.com/simrun/simrun/model/xenstore"
)

// Recorded is one request of a transaction with the response its client
// got; replay re-runs the requests and compares the responses
// (oxenstored Transaction.operations, errors included since 0ae7f678bc).
type Recorded struct {
	Req  xenstore.Request
	Resp xenstore.Response
}

// lowpath is a lowest common path (oxenstored read_lowpath/write_lowpath):
// None until the first recorded path.
type lowpath struct {
	set  bool
	path []string
}

// add is Transaction.get_lowest.
func (l *lowpath) add(p []string) {
	if !l.set {
		l.set, l.path = true, slices.Clone(p)
		return
	}
	l.path = xenstore.CommonPrefix(l.path, p)
}

// String is the path, or "none".
func (l lowpath) String() string {
	if !l.set {
		return "none"
	}
	return xenstore.JoinPath(l.path)
}

// record adds p to a lowpath.
func (t *txn) record(l *lowpath, p []string) {
	l.add(p)
	t.recs++
}

// txn is oxenstored's Transaction.t. A non-transactional request runs in a
// txn with full=false whose store is the canonical one.
type txn struct {
	id   int
	conn int
	full bool
	// variant is the server's: the historical variants mkdir-marks-path
	// and ls-insertion-order change how a request runs.
	variant  Variant
	oldroot  *node // the canonical root when the transaction started
	root     *node // the transaction's private root
	orig     quota // Transaction.quota: the canonical quota when it started
	mod      quota // the private store's quota
	readLow  lowpath
	writeLow lowpath
	// paths is Transaction.paths: the successful writes, in order, from
	// which watches fire after the commit.
	paths []wpath
	ops   []Recorded
	// recs counts lowpath updates; untracked lists the indexes of ops
	// that updated no lowpath (failed, or swallowed no-ops).
	recs      int
	untracked []int
	// quotaReached is Transaction.quota_reached: sticky once a domU's
	// transaction hit quota-maxrequests.
	quotaReached bool
	// startCount is the history's finish count when it started.
	startCount int
}

// wpath is one entry of Transaction.paths: the operation and its path.
type wpath struct {
	op   xenstore.Op
	path []string
}

// addWop is Transaction.add_wop.
func (t *txn) addWop(op xenstore.Op, p []string) {
	t.paths = append(t.paths, wpath{op: op, path: p})
}

// wrote reports whether a request of t wrote: the negation of
// Transaction.is_read_only, which looks at paths.
func (t *txn) wrote() bool { return len(t.paths) > 0 }

// store is where a request applies: a transaction's private root and
// quota, or the server's canonical ones. seq numbers created nodes for the
// insertion-ordered listing of the ls-insertion-order variant.
type store struct {
	root  *node
	quota quota
	seq   *int
}

// create returns a new node named name under parent, inheriting its
// permissions (Node.create name parent.perms), and charges it to their
// owner (Store.mkdir/write: Quota.add_entry of the deepest existing
// node's owner).
func (st *store) create(parent *node, name, value string) *node {
	*st.seq++
	st.quota.add(parent.perms.Owner, 1)
	return &node{name: name, value: value, perms: parent.perms, seq: *st.seq}
}

// exec runs one store request, as process.ml's handlers on top of
// Transaction and Store. Lowpaths are recorded only on success: a failing
// operation raises before Transaction updates them (protocols.md §3.2).
func (t *txn) exec(st *store, dom int, req xenstore.Request) xenstore.Response {
	if req.Op == xenstore.OpGetDomainPath {
		return xenstore.NewStore().Apply(dom, req) // pure: no store access
	}
	p, err := xenstore.ParsePath(req.Path, dom)
	if err != nil {
		return xenstore.Error(xenstore.EINVAL)
	}
	var resp xenstore.Response
	switch req.Op {
	case xenstore.OpRead, xenstore.OpDirectory, xenstore.OpGetPerms:
		resp = t.read(st, dom, req.Op, p)
	case xenstore.OpWrite:
		resp = t.writeReq(st, dom, p, req.Value)
	case xenstore.OpMkdir:
		resp = t.mkdirReq(st, dom, p)
	case xenstore.OpRm:
		resp = t.rm(st, dom, p)
	case xenstore.OpSetPerms:
		resp = t.setperms(st, dom, p, req.Value)
	default:
		resp = xenstore.Error(xenstore.EINVAL)
	}
	return resp
}

func result(e errno) xenstore.Response {
	if e != ok {
		return xenstore.Error(string(e))
	}
	return xenstore.Ack()
}

// read is Store.read / Store.ls / Store.getperms plus set_read_lowpath.
func (t *txn) read(st *store, dom int, op xenstore.Op, p []string) xenstore.Response {
	n := lookup(st.root, p)
	if n == nil {
		return xenstore.Error(xenstore.ENOENT)
	}
	if !n.perms.Allows(dom, xenstore.AccessRead) {
		return xenstore.Error(xenstore.EACCES)
	}
	t.record(&t.readLow, p)
	switch op {
	case xenstore.OpRead:
		return xenstore.Reply(n.value)
	case xenstore.OpGetPerms:
		return xenstore.Reply(n.perms.String() + "\x00")
	}
	if len(n.children) == 0 {
		return xenstore.Reply("")
	}
	children := n.children
	if t.variant == LsInsertionOrder {
		// Before 3068dfd641 children were a list in insertion order: a
		// node removed and created again is listed last.
		children = slices.SortedStableFunc(slices.Values(children), func(a, b *node) int { return a.seq - b.seq })
	}
	b := make([]byte, 0, 16*len(children))
	for _, c := range children {
		b = append(b, c.name...)
		b = append(b, 0)
	}
	return xenstore.Reply(string(b))
}

func exists(root *node, p []string) bool { return lookup(root, p) != nil }

// implicit is process.ml create_implicit_path: mkdir (without a watch
// event) every missing ancestor of p, top down.
func (t *txn) implicit(st *store, dom int, p []string) errno {
	dir := xenstore.Parent(p)
	if exists(st.root, dir) {
		return ok
	}
	for i := 1; i <= len(dir); i++ {
		if exists(st.root, dir[:i]) {
			continue
		}
		if e := t.mkdir(st, dom, dir[:i], false); e != ok {
			return e
		}
	}
	return ok
}

// mkdir is Transaction.mkdir over Store.mkdir: EEXIST when the node exists
// (after checking write access to it).
func (t *txn) mkdir(st *store, dom int, p []string, watch bool) errno {
	if len(p) > 0 {
		root, e := modify(st.root, p, func(parent *node, name string) (*node, errno) {
			if c := parent.child(name); c != nil {
				if !c.perms.Allows(dom, xenstore.AccessWrite) {
					return nil, xenstore.EACCES
				}
				return nil, xenstore.EEXIST
			}
			if !parent.perms.Allows(dom, xenstore.AccessWrite) {
				return nil, xenstore.EACCES
			}
			return parent.withChild(st.create(parent, name, "")), ok
		})
		if e != ok {
			return e
		}
		st.root = root
	}
	if t.variant == MkdirMarksPath {
		t.record(&t.writeLow, p) // before 45dee7d92b: the path itself
	} else {
		t.record(&t.writeLow, xenstore.Parent(p)) // the parent since 45dee7d92b
	}
	if watch {
		t.addWop(xenstore.OpMkdir, p)
	}
	return ok
}

func (t *txn) mkdirReq(st *store, dom int, p []string) xenstore.Response {
	if e := t.implicit(st, dom, p); e != ok {
		return result(e)
	}
	if e := t.mkdir(st, dom, p, true); e != ok && e != xenstore.EEXIST {
		return result(e)
	}
	return xenstore.Ack() // do_mkdir swallows Already_exist
}

// writeReq is do_write: implicit ancestors, then Transaction.write, which
// records the path when it existed and its parent when it is created.
func (t *txn) writeReq(st *store, dom int, p []string, value string) xenstore.Response {
	if e := t.implicit(st, dom, p); e != ok {
		return result(e)
	}
	existed := exists(st.root, p)
	if len(p) == 0 {
		if !st.root.perms.Allows(dom, xenstore.AccessWrite) {
			return xenstore.Error(xenstore.EACCES)
		}
		st.root = st.root.withValue(value)
	} else {
		root, e := modify(st.root, p, func(parent *node, name string) (*node, errno) {
			if c := parent.child(name); c != nil {
				if !c.perms.Allows(dom, xenstore.AccessWrite) {
					return nil, xenstore.EACCES
				}
				return parent.withChild(c.withValue(value)), ok
			}
			if !parent.perms.Allows(dom, xenstore.AccessWrite) {
				return nil, xenstore.EACCES
			}
			return parent.withChild(st.create(parent, name, value)), ok
		})
		if e != ok {
			return result(e)
		}
		st.root = root
	}
	if existed {
		t.record(&t.writeLow, p)
	} else {
		t.record(&t.writeLow, xenstore.Parent(p))
	}
	t.addWop(xenstore.OpWrite, p)
	return xenstore.Ack()
}

// rm is do_rm over Transaction.rm: an absent node is Ack (Doesnt_exist is
// swallowed) unless an intermediate node is missing (Not_found: ENOENT).
func (t *txn) rm(st *store, dom int, p []string) xenstore.Response {
	n, found := getNode(st.root, p)
	if !found {
		return xenstore.Error(xenstore.ENOENT)
	}
	if n == nil {
		return xenstore.Ack()
	}
	if len(p) == 0 {
		if !n.perms.Allows(dom, xenstore.AccessWrite) {
			return xenstore.Error(xenstore.EACCES)
		}
		for _, c := range n.children {
			st.quota.release(c)
		}
		m := *n
		m.children = nil
		st.root = &m
	} else {
		root, e := modify(st.root, p, func(parent *node, name string) (*node, errno) {
			if !parent.child(name).perms.Allows(dom, xenstore.AccessWrite) {
				return nil, xenstore.EACCES
			}
			return parent.without(name), ok
		})
		if e != ok {
			return result(e)
		}
		st.root = root
		st.quota.release(n) // Store.rm: Quota.del_entry for every removed node
	}
	t.record(&t.writeLow, xenstore.Parent(p))
	t.addWop(xenstore.OpRm, p)
	return xenstore.Ack()
}

// setperms is do_setperms over Store.setperms.
func (t *txn) setperms(st *store, dom int, p []string, value string) xenstore.Response {
	perms, err := xenstore.ParsePerms(value)
	if err != nil {
		return xenstore.Error(xenstore.EINVAL)
	}
	n, _ := getNode(st.root, p)
	if n == nil {
		return xenstore.Error(xenstore.ENOENT)
	}
	if n.perms.Owner != perms.Owner && dom != 0 {
		return xenstore.Error(xenstore.EACCES)
	}
	if len(p) == 0 {
		if !n.perms.Allows(dom, xenstore.AccessWrite) {
			return xenstore.Error(xenstore.EACCES)
		}
		st.root = n.withPerms(perms)
	} else {
		root, e := modify(st.root, p, func(parent *node, name string) (*node, errno) {
			c := parent.child(name)
			if !c.perms.IsOwner(dom) || !c.perms.Allows(dom, xenstore.AccessWrite) {
				return nil, xenstore.EACCES
			}
			return parent.withChild(c.withPerms(perms)), ok
		})
		if e != ok {
			return result(e)
		}
		st.root = root
		// Store.setperms moves the node from its old owner's quota to
		// the new owner's (the root is not counted).
		st.quota.add(n.perms.Owner, -1)
		st.quota.add(perms.Owner, 1)
	}
	t.record(&t.writeLow, p)
	t.addWop(xenstore.OpSetPerms, p)
	return xenstore.Ack()
}
