package replay

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
)

// Variant is a server variant.
type Variant string

// The variants. MergeOnly and Replay are faithful to oxenstored before and
// after commit aef35b9877; ReplayErrorsOnly is a seeded bug; the others are
// Replay with one historical bug put back (protocols.md §3.5), each named
// after what the fix changed.
const (
	// MergeOnly: on conflict, EAGAIN; the client retries the whole
	// transaction.
	MergeOnly Variant = "merge-only"
	// Replay: on conflict, re-run the recorded requests in a fresh
	// transaction on the current store and commit only if every response
	// is equal (Packet.response_equal), else EAGAIN.
	Replay Variant = "replay"
	// ReplayErrorsOnly is a seeded bug: the replay compares only whether
	// each response was an error, so a read that now returns another
	// value, or a listing with other entries, still commits.
	ReplayErrorsOnly Variant = "replay-errors-only"
	// QuotaLostOnMerge is oxenstored before f9cff088f4 (2014): a merged
	// commit grafts the written subtree but keeps the canonical quota, so
	// the transaction's node-count changes are lost.
	QuotaLostOnMerge Variant = "quota-lost-on-merge"
	// QuotaMergeNotFound is oxenstored before 82ff7cbed6 (2015):
	// Quota.merge looked domains up with Hashtbl.find, so a merged
	// transaction that introduced a domain raised Not_found after the
	// graft, and transaction_end answered ENOENT for a transaction that
	// had committed.
	QuotaMergeNotFound Variant = "quota-merge-not-found"
	// MaxrequestsUnrecorded is oxenstored before XSA-326 (329f4d1a65): a
	// domU's request past quota-maxrequests was executed and only then
	// refused with EQUOTA, unrecorded; a merge or the fast path commits
	// it, a replay drops it. The transaction end itself is executed
	// before it is refused the same way.
	MaxrequestsUnrecorded Variant = "maxrequests-unrecorded"
	// MkdirMarksPath is oxenstored before 45dee7d92b (2021): mkdir
	// recorded its own path in write_lowpath instead of its parent's, so
	// a concurrent change of the parent (its permissions, or its removal
	// and re-creation) did not stop the merge of a created node.
	MkdirMarksPath Variant = "mkdir-marks-path"
	// LsInsertionOrder is oxenstored before 3068dfd641 (2021): children
	// were listed in insertion order, so a directory whose child was
	// removed and created again lists it last, and the replay of a
	// listing answers differently: a false conflict (EAGAIN), a cost and
	// not a correctness bug.
	LsInsertionOrder Variant = "ls-insertion-order"
	// WatchUnfiltered is oxenstored before XSA-115 (ff3d2dff9b): watch
	// events fired without the permission check on the changed node and
	// its parent in the old and new roots.
	WatchUnfiltered Variant = "watch-unfiltered"
	// NoConflictCredit is oxenstored's replay before XSA-206 (2017): no
	// history of commits, no blame, no conflict credit, so a domU that
	// keeps writing inside a toolstack transaction's read set makes every
	// replay of it fail.
	NoConflictCredit Variant = "no-conflict-credit"
)

// Variants lists every variant, faithful ones first.
var Variants = []Variant{MergeOnly, Replay, ReplayErrorsOnly, QuotaLostOnMerge, QuotaMergeNotFound,
	MaxrequestsUnrecorded, MkdirMarksPath, LsInsertionOrder, WatchUnfiltered, NoConflictCredit}

// ParseVariant returns the variant named s.
func ParseVariant(s string) (Variant, error) {
	for _, v := range Variants {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("replay: unknown variant %q (known: %v)", s, Variants)
}

// Faithful reports whether v models oxenstored as released.
func (v Variant) Faithful() bool { return v == MergeOnly || v == Replay }

// replays reports whether v replays a conflicting transaction.
func (v Variant) replays() bool { return v != MergeOnly }

// DefaultMaxRequests is oxenstored's quota-maxrequests: the requests a
// domU may make in one transaction (dom0 is exempt).
const DefaultMaxRequests = 1024

// Stats counts what the server did.
type Stats struct {
	Requests       int // requests handled, transaction starts and ends included
	Commits        int // transactions committed (fast path, merge or replay)
	FastPath       int // commits that installed the transaction's root
	Merges         int // commits that grafted the written subtree
	Conflicts      int // commits whose lowpaths changed
	Replays        int // replays attempted (replay variants, after a conflict)
	ReplayFailures int // replays that answered differently: EAGAIN
	Replayed       int // requests re-executed by replays, failed ones included
	ReadOnly       int // "T" ends of transactions that wrote nothing
	Aborts         int // "F" ends
	// FalseConflicts counts the failed replays that a listing compared
	// as a set would have let commit: only the order of a directory's
	// entries differed (ls-insertion-order).
	FalseConflicts int
	EQuota         int // requests refused with EQUOTA (quota-maxrequests)
	Blamed         int // commits blamed for a failed replay (XSA-206)
}

// Conn identifies a client connection: an index and its domain.
type Conn struct {
	ID  int
	Dom int
}

// Server is a single-threaded oxenstored: every Handle is atomic. It is
// pure Go with no simulation calls; the scenario makes each Handle one
// visible step.
type Server struct {
	variant Variant
	canon   store
	txns    map[int]*txn // open transactions by tid
	nextTid int
	stats   Stats
	seq     int // node creations, for insertion order
	// maxRequests is quota-maxrequests; negative disables it.
	maxRequests int
	watches     []watch
	// XSA-206: the commits of domains, the finish counter, the conflict
	// credit, and the virtual time of the request being handled.
	history     []histRec
	finishCount int
	conflict    credit
	now         sim.Duration
}

// watch is a registered watch of a connection (Connection.watch).
type watch struct {
	conn Conn
	path []string
}

// NewServer returns a server of variant v holding an empty tree, with
// quota-maxrequests at DefaultMaxRequests.
func NewServer(v Variant) *Server {
	s := &Server{variant: v, txns: map[int]*txn{}, nextTid: 1, maxRequests: DefaultMaxRequests,
		conflict: credit{credit: map[int]float64{}}}
	s.canon = store{root: newRoot(), quota: quota{}, seq: &s.seq}
	return s
}

// SetTime tells the server the virtual time of the next request, for the
// refill of conflict credit.
func (s *Server) SetTime(now sim.Duration) { s.now = now }

// SetMaxRequests sets quota-maxrequests; a negative n disables it.
func (s *Server) SetMaxRequests(n int) { s.maxRequests = n }

// Watch registers a watch of connection c on the absolute path p
// (XS_WATCH, without the initial event, which the oracles do not check).
func (s *Server) Watch(c Conn, p string) error {
	parts, err := xenstore.ParsePath(p, c.Dom)
	if err != nil {
		return fmt.Errorf("replay: watch of connection %d: %w", c.ID, err)
	}
	s.watches = append(s.watches, watch{conn: c, path: parts})
	return nil
}

// Quota returns the canonical per-domain node counts and the counts of
// the nodes each domain owns in the canonical tree: the quota oracle's
// two sides.
func (s *Server) Quota() (q, own map[int]int) { return s.canon.quota.clone(), owned(s.canon.root) }

// Stats returns the counters so far.
func (s *Server) Stats() Stats { return s.stats }

// Dump renders the canonical tree as xenstore.Store.Dump does.
func (s *Server) Dump() string { return dump(s.canon.root) }

// Result is what Handle returns besides the response: how a transaction
// end was decided and, for a replayed commit, the replay's responses.
type Result struct {
	Outcome checkers.XenstoreOutcome
	Replay  []xenstore.Response
	// Untracked, for a merged commit, lists the transaction's requests
	// that recorded no lowpath: they failed or were swallowed no-ops (mkdir
	// of an existing node, rm of an absent one). Oracles use it only to
	// explain a finding.
	Untracked []int
	// After is, when Untracked is not empty, the canonical tree after the
	// merge (as Dump renders it), so that an oracle can tell whether the
	// untracked requests made the merge differ from a serial execution.
	After string
	// Fired lists the watch events the request fired: for a write
	// outside a transaction, or a committed transaction end.
	Fired []checkers.XenstoreWatchEvent
}

// Handle executes one request of connection c in transaction tid (0: none)
// and returns the response.
func (s *Server) Handle(c Conn, tid int, req xenstore.Request) (xenstore.Response, Result) {
	s.stats.Requests++
	if req.Op == xenstore.OpTxStart {
		if tid != 0 {
			return xenstore.Error(xenstore.EBUSY), Result{} // Transaction_nested
		}
		s.txns[s.nextTid] = s.newTxn(s.nextTid, c)
		s.nextTid++
		return xenstore.Reply(strconv.Itoa(s.nextTid-1) + "\x00"), Result{}
	}
	if tid == 0 {
		if req.Op == xenstore.OpTxEnd {
			return xenstore.Error(xenstore.ENOENT), Result{}
		}
		t := &txn{conn: c.ID, variant: s.variant}
		before := snapshot{s.canon.root, s.canon.quota.clone()}
		resp := t.exec(&s.canon, c.Dom, req)
		var res Result
		if t.wrote() {
			res.Fired = s.fire(t.paths, before.root, s.canon.root) // reply_ack's process_watch
		}
		if req.Op.Writes() {
			s.record(c, before) // retain_op_in_history
		}
		return resp, res
	}
	t := s.txns[tid]
	if t == nil || t.conn != c.ID {
		return xenstore.Error(xenstore.ENOENT), Result{} // Connection.get_transaction: Not_found
	}
	// check_quota_exn: since XSA-326 before the request runs, the
	// transaction end included; before it (maxrequests-unrecorded) only
	// after the request ran, when recording it.
	late := s.variant == MaxrequestsUnrecorded
	if !late && s.overMaxRequests(t, c) {
		return xenstore.Error(xenstore.EQUOTA), Result{}
	}
	if req.Op == xenstore.OpTxEnd {
		resp, res := s.end(t, c, req.Value)
		if late && s.overMaxRequests(t, c) {
			resp = xenstore.Error(xenstore.EQUOTA) // the end ran: committed or not
		}
		return resp, res
	}
	st := store{root: t.root, quota: t.mod, seq: &s.seq}
	recs := t.recs
	resp := t.exec(&st, c.Dom, req)
	t.root = st.root
	if late && s.overMaxRequests(t, c) {
		return xenstore.Error(xenstore.EQUOTA), Result{} // executed, not recorded
	}
	if t.recs == recs {
		t.untracked = append(t.untracked, len(t.ops))
	}
	t.ops = append(t.ops, Recorded{Req: req, Resp: resp})
	return resp, Result{}
}

// overMaxRequests is check_quota_exn for a request of connection c in
// transaction t: a domU's transaction that holds quota-maxrequests
// recorded requests, or hit the limit before (quota_reached is sticky),
// is refused with EQUOTA, counted here; dom0 is exempt.
func (s *Server) overMaxRequests(t *txn, c Conn) bool {
	if c.Dom == 0 || s.maxRequests < 0 || (!t.quotaReached && len(t.ops) < s.maxRequests) {
		return false
	}
	t.quotaReached = true
	s.stats.EQuota++
	return true
}

// newTxn is Transaction.make: a private copy of the canonical root and
// quota, and the quota as it was (orig) for the 3-way merge.
func (s *Server) newTxn(id int, c Conn) *txn {
	return &txn{id: id, conn: c.ID, full: true, variant: s.variant, oldroot: s.canon.root, root: s.canon.root,
		orig: s.canon.quota.clone(), mod: s.canon.quota.clone(), startCount: s.finishCount}
}

// end is do_transaction_end.
func (s *Server) end(t *txn, c Conn, arg string) (xenstore.Response, Result) {
	var commit bool
	switch {
	case len(arg) > 0 && arg[0] == 'T':
		commit = true
	case len(arg) > 0 && arg[0] == 'F':
	default:
		return xenstore.Error(xenstore.EINVAL), Result{}
	}
	delete(s.txns, t.id)
	switch {
	case !commit:
		s.stats.Aborts++
		return xenstore.Ack(), Result{Outcome: checkers.XenstoreAborted}
	case !t.wrote():
		s.stats.ReadOnly++ // never committed (b2a4105820)
		return xenstore.Ack(), Result{Outcome: checkers.XenstoreReadOnly}
	}
	out, nf := s.commit(t)
	if nf != nil {
		// Not_found escaped Transaction.commit after the graft: the
		// transaction is installed, its watches do not fire, and the
		// client is told ENOENT.
		s.stats.Commits++
		return xenstore.Error(xenstore.ENOENT), Result{Outcome: out}
	}
	if out != checkers.XenstoreConflict {
		res := s.committed(t, c, Result{Outcome: out})
		if out == checkers.XenstoreMerged && len(t.untracked) > 0 {
			res.Untracked, res.After = t.untracked, s.Dump()
		}
		return xenstore.Ack(), res
	}
	if !s.variant.replays() {
		return xenstore.Error(xenstore.EAGAIN), Result{Outcome: checkers.XenstoreConflict}
	}
	if resps, ok := s.replay(t, c); ok {
		return xenstore.Ack(), s.committed(t, c, Result{Outcome: checkers.XenstoreReplayed, Replay: resps})
	}
	s.blame(t, c)
	return xenstore.Error(xenstore.EAGAIN), Result{Outcome: checkers.XenstoreConflict}
}

// committed is do_transaction_end after a commit of t by connection c,
// whether by the fast path, a merge or a replay: the commit is counted
// and recorded in the history (record_commit, with t's start snapshot as
// before), and the watches fire (process_watch) from the original
// transaction's paths, oldroot and private root, even when a replay
// committed other roots. It returns res with the events fired.
func (s *Server) committed(t *txn, c Conn, res Result) Result {
	s.stats.Commits++
	s.record(c, snapshot{t.oldroot, t.orig})
	res.Fired = s.fire(t.paths, t.oldroot, t.root)
	return res
}

// commit is Transaction.commit: the fast path when the canonical root is
// the one the transaction started from (installing the private root and
// quota), else a merge when both lowpaths pass test_coalesce (Store.set_node:
// the graft, then the 3-way quota merge), else a conflict. A non-nil
// errNotFound is Quota.merge's Not_found (quota-merge-not-found) after the
// graft.
func (s *Server) commit(t *txn) (checkers.XenstoreOutcome, *errNotFound) {
	cur := s.canon.root
	if t.oldroot == cur {
		if t.wrote() {
			s.canon.root, s.canon.quota = t.root, t.mod
		}
		s.stats.FastPath++
		return checkers.XenstoreFastPath, nil
	}
	if !coalesce(t.oldroot, cur, t.readLow) || !coalesce(t.oldroot, cur, t.writeLow) {
		s.stats.Conflicts++
		return checkers.XenstoreConflict, nil
	}
	s.stats.Merges++
	if t.writeLow.set {
		// The node is in the transaction's store unless the lowpath
		// registration is buggy; oxenstored skips the graft then.
		if n := lookup(t.root, t.writeLow.path); n != nil {
			if root, e := setNode(cur, t.writeLow.path, n); e == ok {
				s.canon.root = root
				if s.variant != QuotaLostOnMerge { // before f9cff088f4 the quota stayed as it was
					if nf := merge(t.orig, t.mod, s.canon.quota, s.variant == QuotaMergeNotFound); nf != nil {
						return checkers.XenstoreMerged, nf
					}
				}
			}
		}
	}
	return checkers.XenstoreMerged, nil
}

// coalesce is test_coalesce (with can_coalesce's catch-all): no path
// passes; a path passes when its node is the same pointer in both roots
// and every node from the root down to it has equivalent permissions in
// both, or when it is absent from both and its parent exists now. A
// missing intermediate node raises Not_found in oxenstored, which
// can_coalesce turns into false.
func coalesce(oldroot, cur *node, l lowpath) bool {
	if !l.set {
		return true
	}
	on, ofound := getNode(oldroot, l.path)
	cn, cfound := getNode(cur, l.path)
	if !ofound || !cfound {
		return false
	}
	switch {
	case on != nil && cn != nil:
		if on != cn {
			return false
		}
		for i := 0; i <= len(l.path); i++ {
			a, b := lookup(oldroot, l.path[:i]), lookup(cur, l.path[:i])
			if a == nil || b == nil || !a.perms.Equiv(b.perms) {
				return false
			}
		}
		return true
	case on == nil && cn == nil:
		return exists(cur, xenstore.Parent(l.path))
	}
	return false
}

// equal compares an original response with the replay's, per variant.
func (s *Server) equal(orig, again xenstore.Response) bool {
	if s.variant == ReplayErrorsOnly {
		return orig.IsError() == again.IsError() // the seeded bug
	}
	return orig.Equal(again)
}

// sameListing reports whether two directory replies list the same
// entries, in any order.
func sameListing(a, b xenstore.Response) bool {
	if a.Kind != xenstore.KindReply || b.Kind != xenstore.KindReply || len(a.Data) != len(b.Data) {
		return false
	}
	x, y := strings.Split(a.Data, "\x00"), strings.Split(b.Data, "\x00")
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// replay is process.ml transaction_replay: a fresh transaction on the
// current store re-runs every recorded request; the first response that
// differs gives EAGAIN; if all are equal the fresh transaction commits,
// which always takes the fast path because nothing ran in between.
func (s *Server) replay(t *txn, c Conn) ([]xenstore.Response, bool) {
	s.stats.Replays++
	rt := s.newTxn(s.nextTid, c)
	s.nextTid++
	st := store{root: rt.root, quota: rt.mod, seq: &s.seq}
	resps := make([]xenstore.Response, 0, len(t.ops))
	onlyOrder := false // a listing differed only in its order: go on to tell a false conflict
	for _, op := range t.ops {
		s.stats.Replayed++
		r := rt.exec(&st, c.Dom, op.Req)
		resps = append(resps, r)
		switch {
		case s.equal(op.Resp, r):
		case op.Req.Op == xenstore.OpDirectory && sameListing(op.Resp, r):
			onlyOrder = true
		default:
			s.stats.ReplayFailures++
			return nil, false
		}
	}
	if onlyOrder {
		s.stats.ReplayFailures++
		s.stats.FalseConflicts++
		return nil, false
	}
	rt.root = st.root
	if rt.wrote() {
		s.canon.root, s.canon.quota = rt.root, rt.mod // Transaction.commit's fast path
	}
	return resps, true
}

// fire is process_watch over Connections.fire_watches: for each path the
// transaction wrote, in order, every watch on that path or an ancestor
// fires with the path; an rm also fires the watches below it, with their
// own paths. Since XSA-115 an event reaches a domU only if it may read the
// node or its parent in one of the roots: for setperms the old and the new
// root, for rm the old root, else the new one.
func (s *Server) fire(paths []wpath, oldroot, newroot *node) []checkers.XenstoreWatchEvent {
	var out []checkers.XenstoreWatchEvent
	for _, wp := range paths {
		var old *node
		root, recurse := newroot, false
		switch wp.op {
		case xenstore.OpRm:
			root, recurse = oldroot, true
		case xenstore.OpSetPerms:
			old = oldroot
		}
		for _, w := range s.watches {
			var p []string
			switch {
			case xenstore.IsPrefix(w.path, wp.path):
				p = wp.path
			case recurse && xenstore.IsPrefix(wp.path, w.path):
				p = w.path
			default:
				continue
			}
			if s.variant == WatchUnfiltered || canFire(w.conn.Dom, p, old, root) {
				out = append(out, checkers.XenstoreWatchEvent{Conn: w.conn.ID, Dom: w.conn.Dom, Path: xenstore.JoinPath(p)})
			}
		}
	}
	return out
}

// canFire is Perms.can_fire_watch over lookup_watch_perms: the
// permissions of p's parent and of p (when present) in oldroot (if any)
// and root; the domain needs read access in one of them.
func canFire(dom int, p []string, oldroot, root *node) bool {
	for _, r := range []*node{oldroot, root} {
		if r == nil || len(p) == 0 {
			continue
		}
		parent := lookup(r, xenstore.Parent(p))
		if parent == nil {
			continue
		}
		if parent.perms.Allows(dom, xenstore.AccessRead) {
			return true
		}
		if n := parent.child(p[len(p)-1]); n != nil && n.perms.Allows(dom, xenstore.AccessRead) {
			return true
		}
	}
	return false
}
