package checkers

import (
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"

	"github.com/anishathalye/porcupine"
	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
)

// Finding kinds of the xenstore oracles.
const (
	// XenstoreKindSerialReplay: applying the committed transactions and
	// the non-transactional requests in commit order to the reference tree
	// answers a request differently from what its client saw, or ends in
	// another tree than the server's.
	XenstoreKindSerialReplay sim.Kind = "xenstore-serial-replay"
	// XenstoreKindUntracked is the serial-replay finding explained by
	// oxenstored's lowpath rules (protocols.md §3.2: paths are recorded
	// only on success): a transaction that committed by merge had a
	// request that recorded no lowpath, either an error (ENOENT, EACCES on
	// a read, directory or getperms) or a swallowed no-op (mkdir of an
	// existing node, rm of an absent one), so a concurrent commit that
	// created or removed that node, or changed its permissions, did not
	// stop the merge. A read-class error makes it a real isolation anomaly
	// (write skew, which porcupine confirms); a no-op only makes the commit
	// order differ from a serialization order.
	XenstoreKindUntracked sim.Kind = "xenstore-untracked"
	// XenstoreKindStrict: porcupine finds no order of the committed
	// transactions and requests, consistent with real time, that the
	// reference tree accepts.
	XenstoreKindStrict sim.Kind = "xenstore-strict-serializability"
	// XenstoreKindDivergence: a replayed transaction committed although
	// one of the replay's responses differs from the original.
	XenstoreKindDivergence sim.Kind = "xenstore-replay-divergence"
	// XenstoreKindUnreported: the committed state holds the effect of a
	// request that did not report success: a transaction whose end
	// answered an error although the server installed it, or a request
	// answered EQUOTA that was executed all the same.
	XenstoreKindUnreported sim.Kind = "xenstore-unreported-effect"
	// XenstoreKindQuota: after a transaction end, a domain's quota (the
	// server's node count for it) differs from the number of nodes it
	// owns.
	XenstoreKindQuota sim.Kind = "xenstore-quota"
	// XenstoreKindWatch: a watcher missed an event that the committed
	// roots say it must get, or got one for a node that, in the committed
	// roots, neither it nor its parent lets it read (XSA-115).
	XenstoreKindWatch sim.Kind = "xenstore-watch"
)

// XenstoreFinalState is recorded by a xenstore scenario once, after every
// client finished: the server's tree, as xenstore.Store.Dump renders it,
// and, when the server keeps quota, its per-domain node counts and the
// nodes each domain owns.
type XenstoreFinalState struct {
	Dump         string
	Quota, Owned map[int]int
}

// String summarizes the state.
func (s XenstoreFinalState) String() string {
	return fmt.Sprintf("final state: %d nodes", strings.Count(s.Dump, "\n"))
}

// XenstoreEvents extracts the xenstore events and the final state (nil if
// none was recorded) from a history, in order.
func XenstoreEvents(h *sim.History) ([]XenstoreEvent, *XenstoreFinalState) {
	var evs []XenstoreEvent
	var final *XenstoreFinalState
	for _, e := range h.Events {
		switch v := e.Value.(type) {
		case XenstoreEvent:
			evs = append(evs, v)
		case XenstoreFinalState:
			final = &v
		}
	}
	return evs, final
}

// xsTxn is one transaction attempt reassembled from its events.
type xsTxn struct {
	tid, client, dom int
	start, end       int // indexes of the start and end events; end -1 if none
	untracked        []int
	reqs             []xenstore.Request
	resps            []xenstore.Response
	outcome          XenstoreOutcome
	endResp          xenstore.Response
}

// applied reports whether the transaction's end reported success: the
// committed state must then hold its effects, and only then.
func (t *xsTxn) applied() bool {
	return t.end >= 0 && t.endResp.Kind == xenstore.KindAck && (t.outcome.Committed() || t.outcome == XenstoreReadOnly)
}

// effective returns the requests the reference applies and the responses
// it must reproduce: all but those refused with EQUOTA (quota-maxrequests),
// which must have had no effect; refused reports whether any was.
func (t *xsTxn) effective() (reqs []xenstore.Request, resps []xenstore.Response, refused bool) {
	for i, r := range t.resps {
		if r == xenstore.Error(xenstore.EQUOTA) {
			refused = true
			continue
		}
		reqs, resps = append(reqs, t.reqs[i]), append(resps, r)
	}
	return reqs, resps, refused
}

// xsSame compares a response with the reference's; a listing is compared
// as a set, its order being no part of the specification.
func xsSame(req xenstore.Request, got, want xenstore.Response) bool {
	if got.Equal(want) {
		return true
	}
	if req.Op != xenstore.OpDirectory || got.Kind != xenstore.KindReply || want.Kind != xenstore.KindReply {
		return false
	}
	a, b := strings.Split(got.Data, "\x00"), strings.Split(want.Data, "\x00")
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// xsTxns groups the events of each transaction attempt by tid (tids are
// unique in a server's life).
func xsTxns(evs []XenstoreEvent) map[int]*xsTxn {
	txns := map[int]*xsTxn{}
	for i, e := range evs {
		switch {
		case e.Req.Op == xenstore.OpTxStart && e.Tid != 0:
			txns[e.Tid] = &xsTxn{tid: e.Tid, client: e.Client, dom: e.Dom, start: i, end: -1}
		case e.Tid == 0:
		case e.Req.Op == xenstore.OpTxEnd:
			if t := txns[e.Tid]; t != nil {
				t.end, t.outcome, t.untracked, t.endResp = i, e.Outcome, e.Untracked, e.Resp
			}
		default:
			if t := txns[e.Tid]; t != nil {
				t.reqs = append(t.reqs, e.Req)
				t.resps = append(t.resps, e.Resp)
			}
		}
	}
	return txns
}

// xsCommit is one step of the walk over the committed history: a
// non-transactional request (txn nil), or the start or the end of a
// transaction attempt (txn set, start telling which).
type xsCommit struct {
	ev    XenstoreEvent
	txn   *xsTxn
	start bool
}

// xsCommits is the walk the oracles that re-execute the history on the
// reference tree share (serial replay, watches): in the order the server
// executed them, every non-transactional request and every transaction
// attempt's start and end, the attempt reassembled (xsTxns). A start or an
// end that belongs to no known attempt is left out, and so is an end that
// is not its attempt's last.
func xsCommits(evs []XenstoreEvent) iter.Seq[xsCommit] {
	return func(yield func(xsCommit) bool) {
		txns := xsTxns(evs)
		for i, e := range evs {
			c := xsCommit{ev: e}
			switch {
			case e.Req.Op == xenstore.OpTxStart:
				c.txn, c.start = txns[e.Tid], true
				if c.txn == nil {
					continue
				}
			case e.Tid == 0:
			case e.Req.Op == xenstore.OpTxEnd:
				if c.txn = txns[e.Tid]; c.txn == nil || c.txn.end != i {
					continue
				}
			default:
				continue
			}
			if !yield(c) {
				return
			}
		}
	}
}

// XenstoreSerialReplay is the serial-replay oracle. It applies, in the
// order the server executed them, every non-transactional request and
// every committed transaction (at its end) to the reference tree, starting
// from init, and compares each response with what the client saw; a
// read-only transaction is applied to the tree as it was at its start (it
// read its start snapshot and installs nothing). If final is not nil the
// resulting tree must equal it. A mismatch inside a merged transaction
// on a request the server recorded in no lowpath is classified as
// XenstoreKindUntracked.
func XenstoreSerialReplay(init *xenstore.Store, evs []XenstoreEvent, final *XenstoreFinalState) *sim.Finding {
	ref := init.Clone()
	snap := map[int]*xenstore.Store{}
	for c := range xsCommits(evs) {
		e, t := c.ev, c.txn
		switch {
		case c.start:
			if t.outcome == XenstoreReadOnly {
				snap[t.tid] = ref.Clone()
			}
		case t == nil:
			if got := ref.Apply(e.Dom, e.Req); !xsSame(e.Req, got, e.Resp) {
				return &sim.Finding{Kind: XenstoreKindSerialReplay, Step: e.Step, Actor: fmt.Sprintf("client%d", e.Client),
					Message: fmt.Sprintf("serial replay: client %d request %s saw %s; in commit order the reference answers %s", e.Client, e.Req, e.Resp, got)}
			}
		default:
			if f := xsReplayEnd(t, e, ref, snap); f != nil {
				return f
			}
		}
	}
	if final != nil && final.Dump != ref.Dump() {
		return &sim.Finding{Kind: XenstoreKindSerialReplay, Message: "serial replay: the server's final tree differs from the reference's",
			Detail: firstDiff(final.Dump, ref.Dump())}
	}
	return nil
}

// xsReplayEnd applies transaction t at its end e to the reference ref when
// its end reported success, and checks its responses and, when e carries
// it, the server's tree after the end.
func xsReplayEnd(t *xsTxn, e XenstoreEvent, ref *xenstore.Store, snap map[int]*xenstore.Store) *sim.Finding {
	actor := fmt.Sprintf("client%d", t.client)
	if !t.applied() {
		if t.outcome.Committed() {
			return &sim.Finding{Kind: XenstoreKindUnreported, Step: e.Step, Actor: actor,
				Message: fmt.Sprintf("transaction %d of client %d answered %s to its commit, but the server installed it (%s)", t.tid, t.client, e.Resp, t.outcome)}
		}
		if e.After != "" && e.After != ref.Dump() {
			return &sim.Finding{Kind: XenstoreKindUnreported, Step: e.Step, Actor: actor,
				Message: fmt.Sprintf("transaction %d of client %d answered %s to its end, but the server's tree changed", t.tid, t.client, e.Resp),
				Detail:  firstDiff(e.After, ref.Dump())}
		}
		return nil
	}
	base := ref
	if t.outcome == XenstoreReadOnly {
		base = snap[t.tid]
	}
	reqs, want, refused := t.effective()
	got, wrote := base.ApplyTxn(t.dom, reqs)
	eff := &xsTxn{tid: t.tid, client: t.client, dom: t.dom, reqs: reqs, resps: want, outcome: t.outcome}
	if !refused {
		eff.untracked = t.untracked
	}
	if f := xsCompareTxn(eff, got, e.Step); f != nil {
		if refused {
			f.Kind = XenstoreKindUnreported
			f.Message += " (the transaction had requests refused with EQUOTA, which the reference does not apply)"
		}
		return f
	}
	if e.After != "" && e.After != ref.Dump() {
		f := &sim.Finding{Kind: XenstoreKindSerialReplay, Step: e.Step, Actor: actor,
			Message: fmt.Sprintf("serial replay: after transaction %d of client %d (%s), the server's tree differs from the reference's", t.tid, t.client, t.outcome),
			Detail:  firstDiff(e.After, ref.Dump())}
		switch {
		case refused:
			f.Kind = XenstoreKindUnreported
			f.Message = fmt.Sprintf("transaction %d of client %d (%s) had requests refused with EQUOTA, and the server's tree holds more than the requests that succeeded", t.tid, t.client, t.outcome)
		case t.outcome == XenstoreMerged && len(t.untracked) > 0:
			f.Kind = XenstoreKindUntracked
			f.Message = fmt.Sprintf("serial replay: after merging transaction %d of client %d, whose requests %v recorded no lowpath, the server's tree differs from the reference's",
				t.tid, t.client, t.untracked)
		}
		return f
	}
	if t.outcome == XenstoreReadOnly && wrote {
		return &sim.Finding{Kind: XenstoreKindSerialReplay, Step: e.Step, Actor: actor,
			Message: fmt.Sprintf("serial replay: transaction %d of client %d ended read-only, but the reference says it writes", t.tid, t.client)}
	}
	return nil
}

func xsCompareTxn(t *xsTxn, got []xenstore.Response, step int) *sim.Finding {
	for j := range got {
		if xsSame(t.reqs[j], got[j], t.resps[j]) {
			continue
		}
		kind := XenstoreKindSerialReplay
		if t.outcome == XenstoreMerged && slices.Contains(t.untracked, j) {
			kind = XenstoreKindUntracked
		}
		var d strings.Builder
		for k := range t.reqs {
			fmt.Fprintf(&d, "  %s -> %s (reference: %s)\n", t.reqs[k], t.resps[k], got[k])
		}
		return &sim.Finding{Kind: kind, Step: step, Actor: fmt.Sprintf("client%d", t.client),
			Message: fmt.Sprintf("serial replay: transaction %d of client %d (%s) request %d %s saw %s; in commit order the reference answers %s",
				t.tid, t.client, t.outcome, j, t.reqs[j], t.resps[j], got[j]),
			Detail: d.String()}
	}
	return nil
}

// firstDiff shows the first differing line of two dumps.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  server:    %s\n  reference: %s", i+1, x, y)
		}
	}
	return ""
}

// XenstoreOperations turns the events into porcupine operations, one per
// committed or read-only transaction (from its start to its end step) and
// one per non-transactional store request (at its step). Transaction
// attempts that aborted or got EAGAIN had no effect and are left out, as
// are getdomainpath requests, which touch no node.
func XenstoreOperations(evs []XenstoreEvent) []porcupine.Operation {
	txns := xsTxns(evs)
	var ops []porcupine.Operation
	for _, e := range evs {
		switch {
		case e.Req.Op == xenstore.OpTxStart:
			t := txns[e.Tid]
			if t == nil || !t.applied() {
				continue
			}
			reqs, resps, _ := t.effective()
			ops = append(ops, porcupine.Operation{ClientId: t.client, Call: int64(e.Step), Return: int64(evs[t.end].Step),
				Input: xenstore.TxnInput{Dom: t.dom, Txn: true, Requests: reqs}, Output: xenstore.TxnOutput{Responses: sortedListings(reqs, resps)}})
		case e.Tid == 0 && e.Req.Op != xenstore.OpGetDomainPath && e.Req.Op != xenstore.OpTxEnd:
			ops = append(ops, porcupine.Operation{ClientId: e.Client, Call: int64(e.Step), Return: int64(e.Step),
				Input:  xenstore.TxnInput{Dom: e.Dom, Requests: []xenstore.Request{e.Req}},
				Output: xenstore.TxnOutput{Responses: sortedListings([]xenstore.Request{e.Req}, []xenstore.Response{e.Resp})}})
		}
	}
	return ops
}

// sortedListings returns resps with every directory listing sorted, as
// the reference lists them: their order is no part of the specification.
func sortedListings(reqs []xenstore.Request, resps []xenstore.Response) []xenstore.Response {
	out := resps
	for i, r := range resps {
		if reqs[i].Op != xenstore.OpDirectory || r.Kind != xenstore.KindReply || r.Data == "" {
			continue
		}
		names := strings.Split(strings.TrimSuffix(r.Data, "\x00"), "\x00")
		if slices.IsSorted(names) {
			continue
		}
		slices.Sort(names)
		if &out[0] == &resps[0] {
			out = slices.Clone(resps)
		}
		out[i] = xenstore.Reply(strings.Join(names, "\x00") + "\x00")
	}
	return out
}

// XenstoreStrictSerializability checks the history with porcupine and the
// xenstore model, partitioned by path (xenstore.PartitionByPath). A
// partition with more than maxOps operations is not checked (porcupine's
// search is exponential in the worst case, and a wall-clock timeout would
// make the verdict nondeterministic); checked reports whether every
// partition was.
func XenstoreStrictSerializability(init *xenstore.Store, evs []XenstoreEvent, maxOps int) (f *sim.Finding, checked bool) {
	checked = true
	for _, part := range xenstore.PartitionByPath(XenstoreOperations(evs)) {
		if len(part) > maxOps {
			checked = false
			continue
		}
		if xenstore.Check(init, part) != porcupine.Ok {
			var d strings.Builder
			for _, op := range part {
				fmt.Fprintf(&d, "  c%d [%d,%d] %s\n", op.ClientId, op.Call, op.Return,
					xenstore.NewModel(nil).DescribeOperation(op.Input, op.Output))
			}
			return &sim.Finding{Kind: XenstoreKindStrict,
				Message: fmt.Sprintf("porcupine: the %d operations of a partition are not strictly serializable", len(part)),
				Detail:  d.String()}, checked
		}
	}
	return nil, checked
}

// XenstoreReplayDivergence finds a replayed commit whose replay answered
// any request differently (Packet.response_equal) from the original.
func XenstoreReplayDivergence(evs []XenstoreEvent) *sim.Finding {
	txns := xsTxns(evs)
	for _, e := range evs {
		if e.Req.Op != xenstore.OpTxEnd || e.Outcome != XenstoreReplayed {
			continue
		}
		t := txns[e.Tid]
		if t == nil {
			continue
		}
		// Requests refused with EQUOTA are not recorded, so not replayed:
		// the unreported-effect oracle judges them.
		_, resps, _ := t.effective()
		for j := range resps {
			if j >= len(e.Replay) || !e.Replay[j].Equal(resps[j]) {
				again := "nothing"
				if j < len(e.Replay) {
					again = e.Replay[j].String()
				}
				return &sim.Finding{Kind: XenstoreKindDivergence, Step: e.Step, Actor: fmt.Sprintf("client%d", t.client),
					Message: fmt.Sprintf("replayed transaction %d of client %d committed although its recorded request %d answered %s originally and %s on replay",
						t.tid, t.client, j, resps[j], again)}
			}
		}
	}
	return nil
}

// XenstoreLiveness checks that every logical transaction of every client
// committed within bound retries (attempts after the first). Otherwise it
// reports a livelock with the retry counts of the worst transactions.
func XenstoreLiveness(evs []XenstoreEvent, bound int) *sim.Finding {
	type key struct{ client, txn int }
	attempts := map[key]int{}
	last := map[key]int{} // tid of the last attempt
	txns := xsTxns(evs)
	var keys []key
	for _, e := range evs {
		if e.Req.Op != xenstore.OpTxStart || e.Txn == 0 {
			continue
		}
		k := key{e.Client, e.Txn}
		if _, seen := attempts[k]; !seen {
			keys = append(keys, k)
		}
		attempts[k] = max(attempts[k], e.Attempt)
		last[k] = e.Tid
	}
	var bad []key
	for _, k := range keys {
		t := txns[last[k]]
		// Done when the last attempt's end told the client anything but
		// EAGAIN (an error such as EQUOTA ends the closure too).
		done := t != nil && t.end >= 0 && t.endResp != xenstore.Error(xenstore.EAGAIN)
		if attempts[k]-1 > bound || !done {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.SliceStable(bad, func(i, j int) bool { return attempts[bad[i]] > attempts[bad[j]] })
	var d strings.Builder
	for i, k := range bad {
		if i == 10 {
			fmt.Fprintf(&d, "  ... and %d more\n", len(bad)-10)
			break
		}
		fmt.Fprintf(&d, "  client %d transaction %d: %d retries\n", k.client, k.txn, attempts[k]-1)
	}
	return &sim.Finding{Kind: sim.Livelock, Actor: fmt.Sprintf("client%d", bad[0].client),
		Message: fmt.Sprintf("%d transactions did not commit within %d retries (worst: client %d transaction %d, %d retries)",
			len(bad), bound, bad[0].client, bad[0].txn, attempts[bad[0]]-1),
		Detail: d.String()}
}
