package replay

import (
	"testing"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/model/xenstore"
	"pgregory.net/rapid"
)

var (
	smPaths  = []string{"/", "/a", "/a/b", "/a/b/c", "/b", "/b/a", "/c", "/local/domain/1", "x", "/a/", "//"}
	smValues = []string{"", "1", "2"}
	smPerms  = []string{"n0", "r1", "b1\x00r2", "w2", "n1\x00b2", "bad"}
	smOps    = []xenstore.Op{xenstore.OpRead, xenstore.OpWrite, xenstore.OpMkdir, xenstore.OpRm,
		xenstore.OpDirectory, xenstore.OpGetPerms, xenstore.OpSetPerms}
)

func drawRequest(t *rapid.T) xenstore.Request {
	r := xenstore.Request{
		Op:   rapid.SampledFrom(smOps).Draw(t, "op"),
		Path: rapid.SampledFrom(smPaths).Draw(t, "path"),
	}
	switch r.Op {
	case xenstore.OpWrite:
		r.Value = rapid.SampledFrom(smValues).Draw(t, "value")
	case xenstore.OpSetPerms:
		r.Value = rapid.SampledFrom(smPerms).Draw(t, "perms")
	}
	return r
}

// storeMachine drives the persistent store (through the server) and the
// reference tree with the same requests: non-transactional ones, and
// transactions that run alone, so that they always take the fast path or
// are read-only.
type storeMachine struct {
	s    *Server
	ref  *xenstore.Store
	tid  int
	dom  int
	reqs []xenstore.Request
	got  []xenstore.Response
}

func (m *storeMachine) request(t *rapid.T) {
	if m.tid != 0 {
		t.Skip("transaction open")
	}
	dom := rapid.IntRange(0, 2).Draw(t, "dom")
	r := drawRequest(t)
	before := m.nodes()
	got, _ := m.s.Handle(Conn{Dom: dom}, 0, r)
	want := m.ref.Apply(dom, r)
	if got != want {
		t.Fatalf("dom%d %s = %s, reference %s", dom, r, got, want)
	}
	// Path copying: a node neither above nor below the request's path is
	// the same pointer afterwards.
	p, err := xenstore.ParsePath(r.Path, dom)
	if err != nil {
		return
	}
	after := m.nodes()
	for k, n := range before {
		q, _ := xenstore.ParsePath(k, 0)
		if !xenstore.IsPrefix(p, q) && !xenstore.IsPrefix(q, p) && n != nil && after[k] != n {
			t.Fatalf("%s copied node %s", r, k)
		}
	}
}

func (m *storeMachine) nodes() map[string]*node {
	out := map[string]*node{}
	for _, k := range smPaths {
		if p, err := xenstore.ParsePath(k, 0); err == nil && k[0] == '/' {
			out[k] = lookup(m.s.canon.root, p)
		}
	}
	return out
}

func (m *storeMachine) begin(t *rapid.T) {
	if m.tid != 0 {
		t.Skip("transaction open")
	}
	m.dom = rapid.IntRange(0, 2).Draw(t, "txdom")
	r, _ := m.s.Handle(Conn{Dom: m.dom}, 0, xenstore.Request{Op: xenstore.OpTxStart})
	m.tid = parseTid(r)
	m.reqs, m.got = nil, nil
}

func (m *storeMachine) txRequest(t *rapid.T) {
	if m.tid == 0 {
		t.Skip("no transaction")
	}
	r := drawRequest(t)
	got, _ := m.s.Handle(Conn{Dom: m.dom}, m.tid, r)
	m.reqs = append(m.reqs, r)
	m.got = append(m.got, got)
}

func (m *storeMachine) end(t *rapid.T) {
	if m.tid == 0 {
		t.Skip("no transaction")
	}
	commit := rapid.Bool().Draw(t, "commit")
	arg := "F"
	if commit {
		arg = "T"
	}
	r, res := m.s.Handle(Conn{Dom: m.dom}, m.tid, xenstore.Request{Op: xenstore.OpTxEnd, Value: arg})
	m.tid = 0
	if r != xenstore.Ack() {
		t.Fatalf("end %s = %s", arg, r)
	}
	if !commit {
		return
	}
	want, installed := m.ref.ApplyTxn(m.dom, m.reqs)
	for i := range want {
		if want[i] != m.got[i] {
			t.Fatalf("txn dom%d request %d %s = %s, reference %s", m.dom, i, m.reqs[i], m.got[i], want[i])
		}
	}
	if wantOut := map[bool]checkers.XenstoreOutcome{true: checkers.XenstoreFastPath, false: checkers.XenstoreReadOnly}[installed]; res.Outcome != wantOut {
		t.Fatalf("outcome %s, reference installed=%v", res.Outcome, installed)
	}
}

func (m *storeMachine) check(t *rapid.T) {
	if got, want := m.s.Dump(), m.ref.Dump(); got != want {
		t.Fatalf("trees differ:\npersistent:\n%s\nreference:\n%s", got, want)
	}
}

// TestStoreMatchesReference is the rapid state-machine test of the
// persistent store against the reference model.
func TestStoreMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := &storeMachine{s: NewServer(Replay), ref: xenstore.NewStore()}
		t.Repeat(map[string]func(*rapid.T){
			"request": m.request,
			"begin":   m.begin,
			"txreq":   m.txRequest,
			"end":     m.end,
			"":        m.check,
		})
	})
}
