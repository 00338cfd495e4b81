package replay

import (
	"maps"
	"slices"
)

// quota is oxenstored's Quota.t cur: the number of nodes each domain owns
// (the root excepted). As in quota.ml's DomidMap, a domain whose count
// drops to zero has no entry.
type quota map[int]int

func (q quota) clone() quota { return maps.Clone(q) }

// add is Quota.update_entry (add_entry for +1, del_entry for -1).
func (q quota) add(dom, diff int) {
	if n := q[dom] + diff; n == 0 {
		delete(q, dom)
	} else {
		q[dom] = n
	}
}

// release is Store.rm's Node.recurse: del_entry for n and every node
// below it.
func (q quota) release(n *node) {
	q.add(n.perms.Owner, -1)
	for _, c := range n.children {
		q.release(c)
	}
}

// errNotFound is OCaml's Not_found escaping Quota.merge before 82ff7cbed6.
type errNotFound struct{ dom int }

// merge is Quota.merge: dest += mod - orig, folded over mod's entries
// only, in domain order (DomidMap.fold). A domain absent from mod (its
// count dropped to zero in the transaction) is not visited, so its
// decrease is not applied: the faithful code's behaviour, which the quota
// oracle reports. With notFound (the code before 82ff7cbed6, a Hashtbl
// with Hashtbl.find) a domain missing from orig, or from dest when its
// count changed, raises Not_found after the entries before it were
// merged.
func merge(orig, mod, dest quota, notFound bool) *errNotFound {
	for _, dom := range slices.Sorted(maps.Keys(mod)) {
		o, inOrig := orig[dom]
		if notFound && !inOrig {
			return &errNotFound{dom}
		}
		diff := mod[dom] - o
		if diff == 0 {
			continue
		}
		if _, inDest := dest[dom]; notFound && !inDest {
			return &errNotFound{dom}
		}
		dest.add(dom, diff)
	}
	return nil
}

// owned counts the nodes each domain owns below root: what the quota
// must equal.
func owned(root *node) map[int]int {
	out := map[int]int{}
	var walk func(n *node)
	walk = func(n *node) {
		for _, c := range n.children {
			out[c.perms.Owner]++
			walk(c)
		}
	}
	walk(root)
	return out
}
