package replay

import "github.com/simrun/simrun/sim"

// XSA-206 (oxenstored 3efdade7a4…864a269682): a failed replay blames the
// domains whose commits made it fail, and a domain out of conflict credit
// is not served until the credit is refilled, one point per period to one
// domain at a time (aggregate mode).
const (
	// ConflictBurstLimit is conflict-burst-limit: a domain's initial and
	// largest credit.
	ConflictBurstLimit = 5.0
	// ConflictRefill is conflict-max-history-seconds: the period of the
	// refill (frequent_ops).
	ConflictRefill = 50 * sim.Millisecond
)

// histRec is a History.history_record: a commit by a domain's connection,
// with the store before (a transaction's start snapshot, or the canonical
// store before a non-transactional write) and after it.
type histRec struct {
	conn          Conn
	before, after snapshot
	finish        int // History finish_count
}

// snapshot is a Store.copy: a root and its quota.
type snapshot struct {
	root  *node
	quota quota
}

// credit is the per-domain conflict credit and the aggregate-mode queues
// of domains.ml.
type credit struct {
	credit     map[int]float64
	paused     []int // doms_conflict_paused
	penalty    []int // doms_with_conflict_penalty
	nextRefill sim.Duration
}

func (c *credit) of(dom int) float64 {
	if v, ok := c.credit[dom]; ok {
		return v
	}
	return ConflictBurstLimit // Domain.make: full credit
}

// decr is Domains.decr_conflict_credit in aggregate mode; now starts the
// refill clock on the first pause (on_first_conflict_pause).
func (c *credit) decr(dom int, now sim.Duration) {
	before := c.of(dom)
	after := max(-1.0, before-1.0)
	c.credit[dom] = after
	switch {
	case before >= ConflictBurstLimit && after < ConflictBurstLimit && after > 0:
		c.penalty = append(c.penalty, dom)
	case before > 0 && after <= 0:
		if len(c.paused) == 0 {
			c.nextRefill = now + ConflictRefill
		}
		c.paused = append(c.paused, dom)
	}
}

// refill runs Domains.incr_conflict_credit at every period up to now:
// one point to the first paused domain, else to the first penalised one,
// which queues again while it is still short.
func (c *credit) refill(now sim.Duration) {
	for (len(c.paused) > 0 || len(c.penalty) > 0) && c.nextRefill <= now {
		q, test := &c.paused, func(v float64) bool { return v <= 0 }
		if len(c.paused) == 0 {
			q, test = &c.penalty, func(v float64) bool { return v < ConflictBurstLimit }
		}
		d := (*q)[0]
		*q = (*q)[1:]
		c.credit[d] = min(c.of(d)+1, ConflictBurstLimit)
		if test(c.credit[d]) {
			*q = append(*q, d)
		}
		c.nextRefill += ConflictRefill
	}
}

// Paused reports whether the server, at virtual time now, does not serve
// domain dom's connection (its conflict credit is spent), and if so when
// the next refill is due.
func (s *Server) Paused(dom int, now sim.Duration) (bool, sim.Duration) {
	if !s.variant.credits() {
		return false, 0
	}
	s.conflict.refill(now)
	if s.conflict.of(dom) > 0 {
		return false, 0
	}
	return true, s.conflict.nextRefill
}

// credits reports whether v has XSA-206's conflict credit: every replay
// variant but no-conflict-credit.
func (v Variant) credits() bool { return v.replays() && v != NoConflictCredit }

// record is record_commit: History.push of a domain's commit (dom0's and
// sockets' are not kept: they are never blamed).
func (s *Server) record(c Conn, before snapshot) {
	s.finishCount++
	if !s.variant.credits() || c.Dom == 0 {
		return
	}
	s.history = append(s.history, histRec{conn: c, before: before, after: snapshot{s.canon.root, s.canon.quota.clone()}, finish: s.finishCount})
}

// blame is transaction_replay's judge_and_sentence after a failed replay:
// every other connection with a commit since the transaction started on
// whose before-store the transaction's requests answer as they did and on
// whose after-store they do not loses a point of its domain's credit.
//
// The charge is once per guilty connection per failed replay, as in
// oxenstored: History.filter_connections folds over the records newest
// first and skips a connection already in its table (Hashtbl.mem) before
// judging the record, and judge_and_sentence punishes the record's
// connection (Connection.decr_conflict_credit, which charges that
// connection's domain). So a connection with several guilty commits pays
// one point, and two guilty connections of one domain cost it two; the
// victim's own connection is ignored (~ignore:c). TestBlameOncePerConnection
// pins all three.
func (s *Server) blame(t *txn, c Conn) {
	if !s.variant.credits() {
		return
	}
	// History.filter_connections: newest record first, a connection at
	// most once.
	guilty := map[int]bool{}
	for i := len(s.history) - 1; i >= 0; i-- {
		h := s.history[i]
		if h.finish <= t.startCount || h.conn.ID == c.ID || guilty[h.conn.ID] {
			continue
		}
		if s.canApplyOn(t, c, h.before) && !s.canApplyOn(t, c, h.after) {
			guilty[h.conn.ID] = true
			s.stats.Blamed++
			s.conflict.decr(h.conn.Dom, s.now)
		}
	}
}

// canApplyOn re-runs the transaction's requests on a copy of a store and
// reports whether every response is as recorded.
func (s *Server) canApplyOn(t *txn, c Conn, st snapshot) bool {
	trial := &txn{conn: c.ID, variant: s.variant}
	tst := store{root: st.root, quota: st.quota.clone(), seq: &s.seq}
	for _, op := range t.ops {
		if !s.equal(op.Resp, trial.exec(&tst, c.Dom, op.Req)) {
			return false
		}
	}
	return true
}
