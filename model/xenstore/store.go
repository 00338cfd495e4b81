package xenstore

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// node is a node of the reference tree. The reference is deliberately
// plain and mutable: it is the specification the persistent, path-copying
// store of protocols/replay is checked against.
type node struct {
	value    string
	perms    Perms
	children map[string]*node
}

func newNode(perms Perms, value string) *node {
	return &node{value: value, perms: perms, children: map[string]*node{}}
}

func (n *node) clone() *node {
	c := &node{value: n.value, perms: n.perms, children: make(map[string]*node, len(n.children))}
	c.perms.ACL = slices.Clone(n.perms.ACL)
	for k, v := range n.children {
		c.children[k] = v.clone()
	}
	return c
}

// Store is the sequential reference xenstore tree. The zero Store is not
// usable; call NewStore.
type Store struct {
	root *node
}

// NewStore returns a tree holding only the root, owned by domain 0 with no
// access for others, and an empty value.
func NewStore() *Store { return &Store{root: newNode(DefaultPerms, "")} }

// Clone returns a deep copy of s.
func (s *Store) Clone() *Store { return &Store{root: s.root.clone()} }

// Apply executes one non-transactional request from domain dom on s and
// returns its response. As in oxenstored, a request that fails part-way
// keeps the effects made before the failure (ancestors created implicitly
// by a write that then fails with EACCES stay).
func (s *Store) Apply(dom int, req Request) Response {
	resp, _ := s.exec(dom, req)
	return resp
}

// ApplyTxn executes a transaction's requests (without its start and end)
// atomically: in order on a private copy, which replaces s only when one of
// the requests wrote. It returns every response and whether the copy was
// installed. A transaction that did not write is read-only, and oxenstored
// commits nothing for it.
func (s *Store) ApplyTxn(dom int, reqs []Request) ([]Response, bool) {
	priv := s.Clone()
	resps := make([]Response, len(reqs))
	wrote := false
	for i, r := range reqs {
		var w bool
		resps[i], w = priv.exec(dom, r)
		wrote = wrote || w
	}
	if wrote {
		s.root = priv.root
	}
	return resps, wrote
}

// ApplyTxnWrites is ApplyTxn that also reports, per request, whether it
// wrote (oxenstored's Transaction.add_wop: the paths watches fire from).
func (s *Store) ApplyTxnWrites(dom int, reqs []Request) (resps []Response, wrote []bool, installed bool) {
	priv := s.Clone()
	resps, wrote = make([]Response, len(reqs)), make([]bool, len(reqs))
	for i, r := range reqs {
		resps[i], wrote[i] = priv.exec(dom, r)
		installed = installed || wrote[i]
	}
	if installed {
		s.root = priv.root
	}
	return resps, wrote, installed
}

// ApplyWrites is Apply that also reports whether the request wrote.
func (s *Store) ApplyWrites(dom int, req Request) (Response, bool) { return s.exec(dom, req) }

// PermsAt returns the permissions of the node at p (parsed), if present.
func (s *Store) PermsAt(p []string) (Perms, bool) {
	if n := s.get(p); n != nil {
		return n.perms, true
	}
	return Perms{}, false
}

// Exists reports whether the absolute path p names a node.
func (s *Store) Exists(p string) bool {
	parts, err := ParsePath(p, 0)
	return err == nil && s.get(parts) != nil
}

func (s *Store) get(p []string) *node {
	n := s.root
	for _, c := range p {
		n = n.children[c]
		if n == nil {
			return nil
		}
	}
	return n
}

// exec runs one request and reports whether it counts as a write for
// read-only detection (oxenstored Transaction.add_wop).
func (s *Store) exec(dom int, req Request) (Response, bool) {
	switch req.Op {
	case OpGetDomainPath:
		d, err := strconv.Atoi(req.Value)
		if err != nil || d < 0 {
			return Error(EINVAL), false
		}
		return Reply(DomainPath(d) + "\x00"), false
	case OpRead, OpWrite, OpMkdir, OpRm, OpDirectory, OpGetPerms, OpSetPerms:
	default:
		return Error(EINVAL), false
	}
	p, err := ParsePath(req.Path, dom)
	if err != nil {
		return Error(EINVAL), false
	}
	switch req.Op {
	case OpRead, OpDirectory, OpGetPerms:
		return s.read(dom, req.Op, p), false
	case OpWrite:
		return s.write(dom, p, req.Value)
	case OpMkdir:
		return s.mkdir(dom, p)
	case OpRm:
		return s.rm(dom, p)
	default: // OpSetPerms
		return s.setperms(dom, p, req.Value)
	}
}

func (s *Store) read(dom int, op Op, p []string) Response {
	n := s.get(p)
	if n == nil {
		return Error(ENOENT)
	}
	if !n.perms.Allows(dom, AccessRead) {
		return Error(EACCES)
	}
	switch op {
	case OpRead:
		return Reply(n.value)
	case OpGetPerms:
		return Reply(n.perms.String() + "\x00")
	}
	names := slices.Sorted(maps.Keys(n.children))
	if len(names) == 0 {
		return Reply("")
	}
	return Reply(strings.Join(names, "\x00") + "\x00")
}

// implicit creates the missing ancestors of p, top down, each as mkdir
// would (process.ml create_implicit_path). It stops at the first failure.
func (s *Store) implicit(dom int, p []string) (Response, bool) {
	for i := 1; i < len(p); i++ {
		parent := s.get(p[:i-1])
		if parent.children[p[i-1]] != nil {
			continue
		}
		if !parent.perms.Allows(dom, AccessWrite) {
			return Error(EACCES), false
		}
		parent.children[p[i-1]] = newNode(parent.perms, "")
	}
	return Ack(), true
}

func (s *Store) write(dom int, p []string, value string) (Response, bool) {
	if r, ok := s.implicit(dom, p); !ok {
		return r, false
	}
	if len(p) == 0 {
		if !s.root.perms.Allows(dom, AccessWrite) {
			return Error(EACCES), false
		}
		s.root.value = value
		return Ack(), true
	}
	parent := s.get(Parent(p))
	name := p[len(p)-1]
	if n := parent.children[name]; n != nil {
		if !n.perms.Allows(dom, AccessWrite) {
			return Error(EACCES), false
		}
		n.value = value
		return Ack(), true
	}
	if !parent.perms.Allows(dom, AccessWrite) {
		return Error(EACCES), false
	}
	parent.children[name] = newNode(parent.perms, value)
	return Ack(), true
}

func (s *Store) mkdir(dom int, p []string) (Response, bool) {
	if r, ok := s.implicit(dom, p); !ok {
		return r, false
	}
	if len(p) == 0 {
		// Store.path_mkdir of the root changes nothing, but
		// Transaction.mkdir still records it as a write.
		return Ack(), true
	}
	parent := s.get(Parent(p))
	name := p[len(p)-1]
	if n := parent.children[name]; n != nil {
		if !n.perms.Allows(dom, AccessWrite) {
			return Error(EACCES), false
		}
		return Ack(), false // Already_exist, swallowed by do_mkdir
	}
	if !parent.perms.Allows(dom, AccessWrite) {
		return Error(EACCES), false
	}
	parent.children[name] = newNode(parent.perms, "")
	return Ack(), true
}

func (s *Store) rm(dom int, p []string) (Response, bool) {
	if len(p) == 0 {
		if !s.root.perms.Allows(dom, AccessWrite) {
			return Error(EACCES), false
		}
		s.root.children = map[string]*node{}
		return Ack(), true
	}
	parent := s.get(Parent(p))
	if parent == nil {
		return Error(ENOENT), false
	}
	name := p[len(p)-1]
	n := parent.children[name]
	if n == nil {
		return Ack(), false // Doesnt_exist, swallowed by do_rm
	}
	if !n.perms.Allows(dom, AccessWrite) {
		return Error(EACCES), false
	}
	delete(parent.children, name)
	return Ack(), true
}

func (s *Store) setperms(dom int, p []string, value string) (Response, bool) {
	perms, err := ParsePerms(value)
	if err != nil {
		return Error(EINVAL), false
	}
	n := s.get(p)
	if n == nil {
		return Error(ENOENT), false
	}
	if n.perms.Owner != perms.Owner && dom != 0 {
		return Error(EACCES), false
	}
	if len(p) > 0 && !n.perms.IsOwner(dom) {
		return Error(EACCES), false
	}
	if !n.perms.Allows(dom, AccessWrite) {
		return Error(EACCES), false
	}
	n.perms = perms
	return Ack(), true
}

// Dump returns the whole tree as text, one node per line in path order:
// `/a/b {n0} "value"`. Two stores hold the same tree exactly when their
// dumps are equal.
func (s *Store) Dump() string {
	var b strings.Builder
	var walk func(path string, n *node)
	walk = func(path string, n *node) {
		fmt.Fprintf(&b, "%s {%s} %q\n", path, strings.ReplaceAll(n.perms.String(), "\x00", ","), n.value)
		for _, k := range slices.Sorted(maps.Keys(n.children)) {
			if path == "/" {
				walk("/"+k, n.children[k])
			} else {
				walk(path+"/"+k, n.children[k])
			}
		}
	}
	walk("/", s.root)
	return b.String()
}
