package replay

import (
	"fmt"
	"strconv"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/model/xenstore"
)

// Variant is a server variant.
type Variant string

// The variants. MergeOnly and Replay are faithful to oxenstored before and
// after commit aef35b9877; ReplayErrorsOnly is a seeded bug.
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
)

// Variants lists every variant, faithful ones first.
var Variants = []Variant{MergeOnly, Replay, ReplayErrorsOnly}

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

// Stats counts what the server did.
type Stats struct {
	Requests       int // requests handled, transaction starts and ends included
	Commits        int // transactions committed (fast path, merge or replay)
	FastPath       int // commits that installed the transaction's root
	Merges         int // commits that grafted the written subtree
	Conflicts      int // commits whose lowpaths changed
	Replays        int // replays attempted (replay variants, after a conflict)
	ReplayFailures int // replays that answered differently: EAGAIN
	ReadOnly       int // "T" ends of transactions that wrote nothing
	Aborts         int // "F" ends
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
}

// NewServer returns a server of variant v holding an empty tree.
func NewServer(v Variant) *Server {
	return &Server{variant: v, canon: store{root: newRoot()}, txns: map[int]*txn{}, nextTid: 1}
}

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
}

// Handle executes one request of connection c in transaction tid (0: none)
// and returns the response.
func (s *Server) Handle(c Conn, tid int, req xenstore.Request) (xenstore.Response, Result) {
	s.stats.Requests++
	if req.Op == xenstore.OpTxStart {
		if tid != 0 {
			return xenstore.Error(xenstore.EBUSY), Result{} // Transaction_nested
		}
		id := s.nextTid
		s.nextTid++
		s.txns[id] = &txn{id: id, conn: c.ID, full: true, oldroot: s.canon.root, root: s.canon.root}
		return xenstore.Reply(strconv.Itoa(id) + "\x00"), Result{}
	}
	if tid == 0 {
		if req.Op == xenstore.OpTxEnd {
			return xenstore.Error(xenstore.ENOENT), Result{}
		}
		t := &txn{conn: c.ID}
		return t.exec(&s.canon, c.Dom, req), Result{}
	}
	t := s.txns[tid]
	if t == nil || t.conn != c.ID {
		return xenstore.Error(xenstore.ENOENT), Result{} // Connection.get_transaction: Not_found
	}
	if req.Op == xenstore.OpTxEnd {
		return s.end(t, c, req.Value)
	}
	st := store{root: t.root}
	recs := t.recs
	resp := t.exec(&st, c.Dom, req)
	t.root = st.root
	if t.recs == recs {
		t.untracked = append(t.untracked, len(t.ops))
	}
	t.ops = append(t.ops, Recorded{Req: req, Resp: resp})
	return resp, Result{}
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
	case t.wops == 0:
		s.stats.ReadOnly++ // never committed (b2a4105820)
		return xenstore.Ack(), Result{Outcome: checkers.XenstoreReadOnly}
	}
	if out := s.commit(t); out != checkers.XenstoreConflict {
		s.stats.Commits++
		res := Result{Outcome: out}
		if out == checkers.XenstoreMerged && len(t.untracked) > 0 {
			res.Untracked, res.After = t.untracked, s.Dump()
		}
		return xenstore.Ack(), res
	}
	if s.variant == MergeOnly {
		return xenstore.Error(xenstore.EAGAIN), Result{Outcome: checkers.XenstoreConflict}
	}
	if resps, ok := s.replay(t, c); ok {
		s.stats.Commits++
		return xenstore.Ack(), Result{Outcome: checkers.XenstoreReplayed, Replay: resps}
	}
	return xenstore.Error(xenstore.EAGAIN), Result{Outcome: checkers.XenstoreConflict}
}

// commit is Transaction.commit: the fast path when the canonical root is
// the one the transaction started from, else a merge when both lowpaths
// pass test_coalesce, else a conflict.
func (s *Server) commit(t *txn) checkers.XenstoreOutcome {
	cur := s.canon.root
	if t.oldroot == cur {
		if t.wops > 0 {
			s.canon.root = t.root
		}
		s.stats.FastPath++
		return checkers.XenstoreFastPath
	}
	if !coalesce(t.oldroot, cur, t.readLow) || !coalesce(t.oldroot, cur, t.writeLow) {
		s.stats.Conflicts++
		return checkers.XenstoreConflict
	}
	if t.writeLow.set {
		// The node is in the transaction's store unless the lowpath
		// registration is buggy; oxenstored skips the graft then.
		if n := lookup(t.root, t.writeLow.path); n != nil {
			if root, e := setNode(cur, t.writeLow.path, n); e == ok {
				s.canon.root = root
			}
		}
	}
	s.stats.Merges++
	return checkers.XenstoreMerged
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

// replay is process.ml transaction_replay: a fresh transaction on the
// current store re-runs every recorded request; the first response that
// differs gives EAGAIN; if all are equal the fresh transaction commits,
// which always takes the fast path because nothing ran in between.
func (s *Server) replay(t *txn, c Conn) ([]xenstore.Response, bool) {
	s.stats.Replays++
	id := s.nextTid
	s.nextTid++
	rt := &txn{id: id, conn: c.ID, full: true, oldroot: s.canon.root, root: s.canon.root}
	st := store{root: rt.root}
	resps := make([]xenstore.Response, 0, len(t.ops))
	for _, op := range t.ops {
		r := rt.exec(&st, c.Dom, op.Req)
		resps = append(resps, r)
		if !s.equal(op.Resp, r) {
			s.stats.ReplayFailures++
			return nil, false
		}
	}
	rt.root = st.root
	if rt.wops > 0 {
		s.canon.root = rt.root // Transaction.commit's fast path
	}
	return resps, true
}
