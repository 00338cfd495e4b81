package replay

import (
	"slices"
	"strings"

	"github.com/simrun/simrun/model/xenstore"
)

// node is an immutable node of the persistent store. Every update copies
// the path from the root to the changed node and shares everything else,
// so the node at a path is the same pointer in two roots exactly when
// nothing under that path changed (oxenstored store.ml; the "reference cell
// comparison" that transaction merge relies on).
type node struct {
	name     string
	value    string
	perms    xenstore.Perms
	children []*node // sorted by name (oxenstored since 3068dfd641)
	// seq orders creations, for the insertion-ordered listing of the
	// ls-insertion-order variant (before 3068dfd641).
	seq int
}

// errno is an oxenstored error name; "" means success.
type errno string

const ok errno = ""

func (n *node) index(name string) (int, bool) {
	return slices.BinarySearchFunc(n.children, name, func(c *node, name string) int {
		return strings.Compare(c.name, name)
	})
}

func (n *node) child(name string) *node {
	if i, found := n.index(name); found {
		return n.children[i]
	}
	return nil
}

// withChild returns a copy of n with c replacing the child of the same
// name, or added in order.
func (n *node) withChild(c *node) *node {
	m := *n
	i, found := n.index(c.name)
	if found {
		m.children = slices.Clone(n.children)
		m.children[i] = c
	} else {
		m.children = slices.Insert(slices.Clip(n.children), i, c)
	}
	return &m
}

func (n *node) without(name string) *node {
	i, found := n.index(name)
	if !found {
		return n
	}
	m := *n
	m.children = slices.Delete(slices.Clone(n.children), i, i+1)
	return &m
}

// withValue is Node.set_value: the same node when the value is unchanged.
func (n *node) withValue(v string) *node {
	if n.value == v {
		return n
	}
	m := *n
	m.value = v
	return &m
}

func (n *node) withPerms(p xenstore.Perms) *node {
	m := *n
	m.perms = p
	return &m
}

// getNode is Store.Path.get_node: the node at p, or nil when only its last
// component is missing; a missing intermediate node raises Not_found in
// oxenstored, reported here as found=false.
func getNode(root *node, p []string) (n *node, found bool) {
	n = root
	for i, c := range p {
		next := n.child(c)
		if next == nil {
			return nil, i == len(p)-1
		}
		n = next
	}
	return n, true
}

// lookup is the node at p or nil.
func lookup(root *node, p []string) *node {
	n, _ := getNode(root, p)
	return n
}

// modify is Store.Path.apply_modify: it calls fct on the parent of p's
// last component and path-copies the result up to a new root. A missing
// intermediate node is ENOENT (Lookup_Doesnt_exist). p must not be the
// root.
func modify(root *node, p []string, fct func(parent *node, name string) (*node, errno)) (*node, errno) {
	if len(p) == 1 {
		return fct(root, p[0])
	}
	c := root.child(p[0])
	if c == nil {
		return nil, xenstore.ENOENT
	}
	nc, e := modify(c, p[1:], fct)
	if e != ok {
		return nil, e
	}
	return root.withChild(nc), ok
}

// setNode is Store.Path.set_node: graft n at p (replace or add).
func setNode(root *node, p []string, n *node) (*node, errno) {
	if len(p) == 0 {
		return n, ok
	}
	return modify(root, p, func(parent *node, _ string) (*node, errno) {
		return parent.withChild(n), ok
	})
}

func newRoot() *node { return &node{perms: xenstore.DefaultPerms} }

// dump renders a tree in the same format as xenstore.Store.Dump.
func dump(root *node) string {
	s := xenstore.NewStore()
	var walk func(path string, n *node)
	walk = func(path string, n *node) {
		if path != "/" {
			s.Apply(0, xenstore.Request{Op: xenstore.OpMkdir, Path: path})
		}
		s.Apply(0, xenstore.Request{Op: xenstore.OpWrite, Path: path, Value: n.value})
		s.Apply(0, xenstore.Request{Op: xenstore.OpSetPerms, Path: path, Value: n.perms.String()})
		for _, c := range n.children {
			if path == "/" {
				walk("/"+c.name, c)
			} else {
				walk(path+"/"+c.name, c)
			}
		}
	}
	walk("/", root)
	return s.Dump()
}
