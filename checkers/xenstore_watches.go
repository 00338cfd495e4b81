package checkers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
)

// XenstoreWatchOracle is the watch oracle. It applies the history to the
// reference tree as the serial-replay oracle does and computes, for every
// write outside a transaction and every transaction whose commit reported
// success, the events the committed roots call for: for each request that
// wrote, in order, every watch on its path or an ancestor gets the path,
// and for an rm every watch below it gets its own path; a domU gets the
// event only if it may read the node or its parent in the roots that
// apply (before the commit for rm, before and after for setperms, after
// for the rest: XSA-115). Every such event must have been fired. An event
// fired beyond them is spurious, and tolerated, when the watcher may read
// the node or its parent before or after the commit; otherwise it leaked
// (a finding). Events are compared as sets of (connection, path).
func XenstoreWatchOracle(init *xenstore.Store, evs []XenstoreEvent, watches []XenstoreWatch) *sim.Finding {
	if len(watches) == 0 {
		return nil
	}
	ws := make([]xsWatch, 0, len(watches))
	for _, w := range watches {
		p, err := xenstore.ParsePath(w.Path, w.Dom)
		if err != nil {
			return &sim.Finding{Kind: XenstoreKindWatch, Message: fmt.Sprintf("watch of connection %d on %q: %v", w.Conn, w.Path, err)}
		}
		ws = append(ws, xsWatch{XenstoreWatch: w, path: p})
	}
	ref := init.Clone()
	for c := range xsCommits(evs) {
		e, t := c.ev, c.txn
		dom, reqs := e.Dom, []xenstore.Request{e.Req}
		switch {
		case c.start:
			continue
		case t != nil:
			if !t.applied() {
				if len(e.Fired) > 0 {
					return &sim.Finding{Kind: XenstoreKindWatch, Step: e.Step, Actor: fmt.Sprintf("client%d", e.Client),
						Message: fmt.Sprintf("transaction %d of client %d answered %s to its end, yet fired %d watch events", t.tid, t.client, e.Resp, len(e.Fired))}
				}
				continue
			}
			dom, reqs = t.dom, nil // read-only: nothing applied, nothing fired
			if t.outcome != XenstoreReadOnly {
				reqs, _, _ = t.effective()
			}
		}
		// The permissions before the commit, at the paths the rules may
		// look at there: rm'd nodes and the watches below them, setperms'd
		// nodes, and the events fired (for the leak check); each with its
		// parent. Copying them is cheaper than cloning the tree.
		before := xsPermsBefore(ref, ws, dom, reqs, e.Fired)
		var wrote []bool
		if t == nil {
			_, w := ref.ApplyWrites(dom, reqs[0])
			wrote = []bool{w}
		} else {
			_, wrote, _ = ref.ApplyTxnWrites(dom, reqs)
		}
		want := xsExpectedEvents(ws, dom, reqs, wrote, before, ref.PermsAt)
		if f := xsCompareEvents(e, want, before, ref.PermsAt); f != nil {
			return f
		}
	}
	return nil
}

type xsWatch struct {
	XenstoreWatch
	path []string
}

type xsEventKey struct {
	conn int
	path string
}

// xsPerms looks up the permissions of a node, if present.
type xsPerms func(p []string) (xenstore.Perms, bool)

// xsPermsBefore records, from ref, the permissions the watch rules may
// need from the root before a commit of reqs that fired fired.
func xsPermsBefore(ref *xenstore.Store, ws []xsWatch, dom int, reqs []xenstore.Request, fired []XenstoreWatchEvent) xsPerms {
	m := map[string]xenstore.Perms{}
	add := func(p []string) {
		for _, q := range [][]string{p, xenstore.Parent(p)} {
			if perms, ok := ref.PermsAt(q); ok {
				m[xenstore.JoinPath(q)] = perms
			}
		}
	}
	for _, r := range reqs {
		if r.Op != xenstore.OpRm && r.Op != xenstore.OpSetPerms {
			continue
		}
		p, err := xenstore.ParsePath(r.Path, dom)
		if err != nil {
			continue
		}
		add(p)
		if r.Op == xenstore.OpRm {
			for _, w := range ws {
				if xenstore.IsPrefix(p, w.path) {
					add(w.path)
				}
			}
		}
	}
	for _, f := range fired {
		if p, err := xenstore.ParsePath(f.Path, 0); err == nil {
			add(p)
		}
	}
	return func(p []string) (xenstore.Perms, bool) {
		perms, ok := m[xenstore.JoinPath(p)]
		return perms, ok
	}
}

// xsExpectedEvents is the events of the requests that wrote, computed on
// the reference's roots before and after the commit.
func xsExpectedEvents(ws []xsWatch, dom int, reqs []xenstore.Request, wrote []bool, before, after xsPerms) map[xsEventKey]bool {
	out := map[xsEventKey]bool{}
	for i, r := range reqs {
		if !wrote[i] {
			continue
		}
		p, err := xenstore.ParsePath(r.Path, dom)
		if err != nil {
			continue
		}
		var old xsPerms
		root, recurse := after, false
		switch r.Op {
		case xenstore.OpRm:
			root, recurse = before, true
		case xenstore.OpSetPerms:
			old = before
		}
		for _, w := range ws {
			target := p
			switch {
			case xenstore.IsPrefix(w.path, p):
			case recurse && xenstore.IsPrefix(p, w.path):
				target = w.path
			default:
				continue
			}
			if xsMayRead(w.Dom, target, old, root) {
				out[xsEventKey{w.Conn, xenstore.JoinPath(target)}] = true
			}
		}
	}
	return out
}

// xsMayRead reports whether dom may read the node at p or its parent in
// one of the given roots (nil roots are skipped).
func xsMayRead(dom int, p []string, roots ...xsPerms) bool {
	if len(p) == 0 {
		return dom == 0
	}
	for _, perms := range roots {
		if perms == nil {
			continue
		}
		pp, ok := perms(xenstore.Parent(p))
		if !ok {
			continue
		}
		if pp.Allows(dom, xenstore.AccessRead) {
			return true
		}
		if np, ok := perms(p); ok && np.Allows(dom, xenstore.AccessRead) {
			return true
		}
	}
	return false
}

// xsCompareEvents checks the events e fired against want.
func xsCompareEvents(e XenstoreEvent, want map[xsEventKey]bool, before, after xsPerms) *sim.Finding {
	got := map[xsEventKey]XenstoreWatchEvent{}
	for _, f := range e.Fired {
		got[xsEventKey{f.Conn, f.Path}] = f
	}
	var missing, leaked []string
	for k := range want {
		if _, ok := got[k]; !ok {
			missing = append(missing, fmt.Sprintf("connection %d: %s", k.conn, k.path))
		}
	}
	for k, f := range got {
		if want[k] {
			continue
		}
		p, err := xenstore.ParsePath(f.Path, 0)
		if err != nil || !xsMayRead(f.Dom, p, before, after) {
			leaked = append(leaked, fmt.Sprintf("connection %d (domain %d): %s", f.Conn, f.Dom, f.Path))
		}
	}
	if len(missing) == 0 && len(leaked) == 0 {
		return nil
	}
	slices.Sort(missing)
	slices.Sort(leaked)
	what := fmt.Sprintf("request %s of client %d", e.Req, e.Client)
	if e.Req.Op == xenstore.OpTxEnd {
		what = fmt.Sprintf("the %s commit of transaction %d of client %d", e.Outcome, e.Tid, e.Client)
	}
	var d strings.Builder
	for _, m := range missing {
		fmt.Fprintf(&d, "  missing: %s\n", m)
	}
	for _, l := range leaked {
		fmt.Fprintf(&d, "  leaked:  %s\n", l)
	}
	return &sim.Finding{Kind: XenstoreKindWatch, Step: e.Step, Actor: fmt.Sprintf("client%d", e.Client),
		Message: fmt.Sprintf("watch events of %s differ from the committed roots': %d missing, %d leaked", what, len(missing), len(leaked)),
		Detail:  d.String()}
}
