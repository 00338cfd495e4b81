package replay

import (
	"slices"
	"strings"
	"testing"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
)

// driver runs a hand-written interleaving through a server, records the
// events as the scenario does, and judges them with the scenario's oracles.
type driver struct {
	t       *testing.T
	s       *Server
	init    *xenstore.Store
	watches []checkers.XenstoreWatch
	evs     []checkers.XenstoreEvent
	tids    map[int]int
	doms    map[int]int
	// retry makes a client's next start the next attempt of its last
	// logical transaction.
	retry   map[int]bool
	lastTxn map[int][2]int // client: its last start's Txn and Attempt
}

func newDriver(t *testing.T, v Variant, setup []xenstore.Request, watches []checkers.XenstoreWatch) *driver {
	t.Helper()
	d := &driver{t: t, s: NewServer(v), init: xenstore.NewStore(), watches: watches, tids: map[int]int{}, doms: map[int]int{},
		retry: map[int]bool{}, lastTxn: map[int][2]int{}}
	for _, r := range setup {
		if resp, _ := d.s.Handle(Conn{}, 0, r); resp.IsError() {
			t.Fatalf("setup %s: %s", r, resp)
		}
		d.init.Apply(0, r)
	}
	for _, w := range watches {
		if err := d.s.Watch(Conn{ID: w.Conn, Dom: w.Dom}, w.Path); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// send sends r from client c (domain d.doms[c]) in its open transaction.
func (d *driver) send(c int, r xenstore.Request) (xenstore.Response, Result) {
	conn := Conn{ID: c, Dom: d.doms[c]}
	resp, res := d.s.Handle(conn, d.tids[c], r)
	ev := d.s.event(len(d.evs)+1, conn, d.tids[c], r, resp, res)
	switch r.Op {
	case xenstore.OpTxStart:
		d.tids[c] = ev.Tid
		ev.Txn, ev.Attempt = len(d.evs)+1, 1
		if last := d.lastTxn[c]; d.retry[c] {
			ev.Txn, ev.Attempt = last[0], last[1]+1
		}
		d.lastTxn[c], d.retry[c] = [2]int{ev.Txn, ev.Attempt}, false
	case xenstore.OpTxEnd:
		if resp != xenstore.Error(xenstore.EQUOTA) || d.s.variant == MaxrequestsUnrecorded {
			d.tids[c] = 0
		}
	}
	d.evs = append(d.evs, ev)
	return resp, res
}

// verdict runs the oracles over the events and the final state.
func (d *driver) verdict() *sim.Finding {
	q, own := d.s.Quota()
	return Oracles(d.init, d.watches, 200, 1000, d.evs, &checkers.XenstoreFinalState{Dump: d.s.Dump(), Quota: q, Owned: own})
}

// expect checks the verdict: nil for want == sim.Clean.
func (d *driver) expect(v Variant, want sim.Kind) *sim.Finding {
	d.t.Helper()
	f := d.verdict()
	switch {
	case want == sim.Clean && f != nil:
		d.t.Errorf("%s: finding %s: %s\n%s", v, f.Kind, f.Message, f.Detail)
	case want != sim.Clean && (f == nil || f.Kind != want):
		d.t.Errorf("%s: finding %v, want %s", v, f, want)
	case f != nil:
		d.t.Logf("%s: %s: %s", v, f.Kind, f.Message)
	}
	return f
}

var dirs = []xenstore.Request{rq(xenstore.OpMkdir, "/x"), rq(xenstore.OpMkdir, "/y"),
	rq(xenstore.OpSetPerms, "/x", xenstore.MakePerms(0, xenstore.AccessBoth)),
	rq(xenstore.OpSetPerms, "/y", xenstore.MakePerms(0, xenstore.AccessBoth))}

// TestQuotaMerge proves the quota oracle and the unreported-effect oracle
// on the 3-way merge: transaction 2 gives a new node to domain 1 and
// merges after an unrelated commit. Faithful: the merge adds domain 1's
// count (cur += mod - orig). Before f9cff088f4 the count is lost; before
// 82ff7cbed6 Quota.merge raises Not_found for domain 1, absent from the
// transaction's original quota, and the end answers ENOENT although the
// graft is installed.
func TestQuotaMerge(t *testing.T) {
	for _, tc := range []struct {
		v    Variant
		want sim.Kind
		resp xenstore.Response
	}{
		{Replay, sim.Clean, ack},
		{MergeOnly, sim.Clean, ack},
		{QuotaLostOnMerge, checkers.XenstoreKindQuota, ack},
		{QuotaMergeNotFound, checkers.XenstoreKindUnreported, enoent},
	} {
		d := newDriver(t, tc.v, dirs, nil)
		d.send(1, rq(xenstore.OpTxStart, ""))
		d.send(2, rq(xenstore.OpTxStart, ""))
		d.send(2, rq(xenstore.OpWrite, "/y/n", "v"))
		d.send(2, rq(xenstore.OpSetPerms, "/y/n", xenstore.MakePerms(1, xenstore.AccessNone)))
		d.send(1, rq(xenstore.OpWrite, "/x/m", "w"))
		d.send(1, rq(xenstore.OpTxEnd, "", "T"))
		resp, res := d.send(2, rq(xenstore.OpTxEnd, "", "T"))
		if res.Outcome != checkers.XenstoreMerged || resp != tc.resp {
			t.Errorf("%s: second end %s %s, want %s merged", tc.v, resp, res.Outcome, tc.resp)
		}
		d.expect(tc.v, tc.want)
	}
}

// TestQuotaMergeDrops is the quota oracle's finding in the faithful
// variants: Quota.merge folds over the transaction's quota entries only,
// and a domain whose count the transaction took to zero has no entry
// there (update_entry removes it), so a merge never applies its decrease.
// Here transaction 2 removes domain 1's only node and merges: the
// canonical quota still counts it.
func TestQuotaMergeDrops(t *testing.T) {
	setup := append(append([]xenstore.Request{}, dirs...), rq(xenstore.OpWrite, "/y/n", "v"),
		rq(xenstore.OpSetPerms, "/y/n", xenstore.MakePerms(1, xenstore.AccessNone)))
	for _, v := range []Variant{MergeOnly, Replay} {
		d := newDriver(t, v, setup, nil)
		d.send(1, rq(xenstore.OpTxStart, ""))
		d.send(2, rq(xenstore.OpTxStart, ""))
		d.send(2, rq(xenstore.OpRm, "/y/n"))
		d.send(1, rq(xenstore.OpWrite, "/x/m", "w"))
		d.send(1, rq(xenstore.OpTxEnd, "", "T"))
		d.send(2, rq(xenstore.OpTxEnd, "", "T"))
		f := d.expect(v, checkers.XenstoreKindQuota)
		if f != nil && !strings.Contains(f.Message, "domain 1 has quota 1 and owns 0 nodes") {
			t.Errorf("%s: %s", v, f.Message)
		}
	}
	// The same transaction on the fast path installs its quota whole.
	d := newDriver(t, Replay, setup, nil)
	d.send(2, rq(xenstore.OpTxStart, ""))
	d.send(2, rq(xenstore.OpRm, "/y/n"))
	d.send(2, rq(xenstore.OpTxEnd, "", "T"))
	d.expect(Replay, sim.Clean)
}

// TestMaxRequests proves the unreported-effect oracle on quota-maxrequests
// (2 here): domain 1's third request in a transaction is refused. Since
// XSA-326 it is refused before it runs, and so is the end, which leaves
// nothing committed. Before, it ran, answered EQUOTA and was not recorded;
// the end committed (fast path) and answered EQUOTA: the committed tree
// holds requests that reported failure.
func TestMaxRequests(t *testing.T) {
	for _, tc := range []struct {
		v    Variant
		want sim.Kind
	}{{Replay, sim.Clean}, {MaxrequestsUnrecorded, checkers.XenstoreKindUnreported}} {
		d := newDriver(t, tc.v, dirs, nil)
		d.s.SetMaxRequests(2)
		d.doms[1] = 1
		d.send(1, rq(xenstore.OpTxStart, ""))
		d.send(1, rq(xenstore.OpWrite, "/x/a", "1"))
		d.send(1, rq(xenstore.OpWrite, "/x/b", "2"))
		if r, _ := d.send(1, rq(xenstore.OpWrite, "/x/c", "3")); r != xenstore.Error(xenstore.EQUOTA) {
			t.Errorf("%s: third request %s, want EQUOTA", tc.v, r)
		}
		if r, _ := d.send(1, rq(xenstore.OpTxEnd, "", "T")); r != xenstore.Error(xenstore.EQUOTA) {
			t.Errorf("%s: end %s, want EQUOTA", tc.v, r)
		}
		d.expect(tc.v, tc.want)
		// dom0 is exempt.
		d.send(0, rq(xenstore.OpTxStart, ""))
		for _, k := range []string{"/y/a", "/y/b", "/y/c"} {
			d.send(0, rq(xenstore.OpWrite, k, "0"))
		}
		if r, _ := d.send(0, rq(xenstore.OpTxEnd, "", "T")); r != ack {
			t.Errorf("%s: dom0's end %s", tc.v, r)
		}
	}
}

// TestMkdirMarksPath proves the serial-replay oracle on 45dee7d92b:
// transaction 2 creates /x/n while transaction 1 changes /x's permissions.
// Since the fix mkdir records the parent /x, which changed: a conflict,
// and the replay creates /x/n with /x's new permissions. Before, it
// recorded /x/n, absent in both roots: the merge grafts a node carrying
// /x's old permissions, which no serial order gives.
func TestMkdirMarksPath(t *testing.T) {
	for _, tc := range []struct {
		v    Variant
		out  checkers.XenstoreOutcome
		want sim.Kind
	}{{Replay, checkers.XenstoreReplayed, sim.Clean}, {MkdirMarksPath, checkers.XenstoreMerged, checkers.XenstoreKindSerialReplay}} {
		d := newDriver(t, tc.v, dirs, nil)
		d.send(1, rq(xenstore.OpTxStart, ""))
		d.send(2, rq(xenstore.OpTxStart, ""))
		d.send(2, rq(xenstore.OpMkdir, "/x/n"))
		d.send(1, rq(xenstore.OpSetPerms, "/x", xenstore.MakePerms(1, xenstore.AccessRead)))
		d.send(1, rq(xenstore.OpTxEnd, "", "T"))
		if _, res := d.send(2, rq(xenstore.OpTxEnd, "", "T")); res.Outcome != tc.out {
			t.Errorf("%s: %s, want %s", tc.v, res.Outcome, tc.out)
		}
		d.expect(tc.v, tc.want)
	}
}

// TestLsInsertionOrder measures the false conflict of 3068dfd641: a
// transaction lists /x while another removes and re-creates /x/a. The
// replay's listing has the same entries; in insertion order they come in
// another order, so the replay fails (EAGAIN) for nothing. No oracle
// reports it: it costs a retry.
func TestLsInsertionOrder(t *testing.T) {
	setup := append(append([]xenstore.Request{}, dirs...), rq(xenstore.OpWrite, "/x/a", "1"), rq(xenstore.OpWrite, "/x/b", "2"))
	for _, tc := range []struct {
		v     Variant
		resp  xenstore.Response
		false int
	}{{Replay, ack, 0}, {LsInsertionOrder, eagain, 1}} {
		d := newDriver(t, tc.v, setup, nil)
		d.send(2, rq(xenstore.OpTxStart, ""))
		if r, _ := d.send(2, rq(xenstore.OpDirectory, "/x")); r != xenstore.Reply("a\x00b\x00") {
			t.Errorf("%s: listing %s", tc.v, r)
		}
		d.send(2, rq(xenstore.OpWrite, "/y/count", "2"))
		d.send(1, rq(xenstore.OpRm, "/x/a"))
		d.send(1, rq(xenstore.OpWrite, "/x/a", "1"))
		if r, _ := d.send(2, rq(xenstore.OpTxEnd, "", "T")); r != tc.resp {
			t.Errorf("%s: end %s, want %s", tc.v, r, tc.resp)
		}
		if got := d.s.Stats().FalseConflicts; got != tc.false {
			t.Errorf("%s: %d false conflicts, want %d", tc.v, got, tc.false)
		}
		if tc.resp == eagain { // the client re-runs its closure, which commits
			d.retry[2] = true
			d.send(2, rq(xenstore.OpTxStart, ""))
			d.send(2, rq(xenstore.OpDirectory, "/x"))
			d.send(2, rq(xenstore.OpWrite, "/y/count", "2"))
			if r, _ := d.send(2, rq(xenstore.OpTxEnd, "", "T")); r != ack {
				t.Errorf("%s: retry %s", tc.v, r)
			}
		}
		d.expect(tc.v, sim.Clean)
	}
}

// TestWatchFilter proves the watch oracle on XSA-115: domain 1 watches
// /z, which dom0 created with the root's permissions (nobody else may
// read), and dom0 writes /z/secret. Since XSA-115 domain 1 gets no event:
// it may read neither the node nor its parent; before, it gets one, which
// tells it the node's name.
func TestWatchFilter(t *testing.T) {
	setup := append(append([]xenstore.Request{}, dirs...), rq(xenstore.OpMkdir, "/z"),
		rq(xenstore.OpWrite, "/z/secret", "s"))
	watches := []checkers.XenstoreWatch{{Conn: 9, Dom: 1, Path: "/z"}}
	for _, tc := range []struct {
		v     Variant
		fired int
		want  sim.Kind
	}{{Replay, 0, sim.Clean}, {WatchUnfiltered, 1, checkers.XenstoreKindWatch}} {
		d := newDriver(t, tc.v, setup, watches)
		_, res := d.send(0, rq(xenstore.OpWrite, "/z/secret", "t"))
		if len(res.Fired) != tc.fired {
			t.Errorf("%s: fired %v, want %d events", tc.v, res.Fired, tc.fired)
		}
		d.expect(tc.v, tc.want)
	}
	// A watcher that may read the parent gets the event.
	d := newDriver(t, Replay, setup, []checkers.XenstoreWatch{{Conn: 9, Dom: 1, Path: "/x"}})
	if _, res := d.send(0, rq(xenstore.OpWrite, "/x/k", "t")); len(res.Fired) != 1 {
		t.Errorf("readable: fired %v, want one event", res.Fired)
	}
	d.expect(Replay, sim.Clean)
}

// TestWatchReplayRoots is the watch oracle's finding in the faithful
// replay: process_watch fires a replayed commit's events from the
// original transaction's paths and roots, not the committed ones. Here
// transaction 2 creates /x/k under /x (readable by all); meanwhile /x is
// removed, so the replay re-creates /x implicitly with the root's
// permissions (dom0 only). Domain 1, watching /x, gets the event for
// /x/k, which the committed roots do not let it read.
func TestWatchReplayRoots(t *testing.T) {
	watches := []checkers.XenstoreWatch{{Conn: 9, Dom: 1, Path: "/x"}}
	d := newDriver(t, Replay, dirs, watches)
	d.send(2, rq(xenstore.OpTxStart, ""))
	d.send(2, rq(xenstore.OpMkdir, "/x/k"))
	d.send(1, rq(xenstore.OpRm, "/x"))
	if _, res := d.send(2, rq(xenstore.OpTxEnd, "", "T")); res.Outcome != checkers.XenstoreReplayed || len(res.Fired) != 1 {
		t.Fatalf("end %s, fired %v; want replayed, one event", res.Outcome, res.Fired)
	}
	f := d.expect(Replay, checkers.XenstoreKindWatch)
	if f != nil && !strings.Contains(f.Detail, "leaked:  connection 9 (domain 1): /x/k") {
		t.Errorf("detail: %s", f.Detail)
	}
}

// TestConflictCredit proves the liveness oracle on XSA-206 (seed scenario
// 16): against a guest writing back to back in its read set, the
// toolstack's transactions commit within HostileRetryBound retries with
// conflict credit (the guest is blamed and paused), and livelock without.
func TestConflictCredit(t *testing.T) {
	for _, tc := range []struct {
		v    Variant
		want sim.Kind
	}{{Replay, sim.Clean}, {NoConflictCredit, sim.Livelock}} {
		m, f, err := Measure(tc.v, Config{Workload: "hostile", RetryBound: HostileRetryBound}, sim.Cost{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tc.want == sim.Clean && f != nil:
			t.Errorf("%s: %s: %s\n%s", tc.v, f.Kind, f.Message, f.Detail)
		case tc.want != sim.Clean && (f == nil || f.Kind != tc.want):
			t.Errorf("%s: finding %v, want %s", tc.v, f, tc.want)
		}
		t.Logf("%s: %s blamed=%d gave_up=%d", tc.v, m, m.Blamed, m.GaveUp)
	}
	// Under other schedules: TestRegistryHostile (300 PCT executions each).
}

// TestWatchCommits: fast-path and merged commits fire exactly the events
// the committed roots call for, an rm included, which fires the watches
// below the removed node with their own paths.
func TestWatchCommits(t *testing.T) {
	setup := append(append([]xenstore.Request{}, dirs...), rq(xenstore.OpWrite, "/y/n/deep", "v"))
	watches := []checkers.XenstoreWatch{{Conn: 9, Dom: 1, Path: "/y"}, {Conn: 8, Dom: 1, Path: "/y/n/deep"}}
	d := newDriver(t, Replay, setup, watches)
	d.send(1, rq(xenstore.OpTxStart, ""))
	d.send(2, rq(xenstore.OpTxStart, ""))
	d.send(2, rq(xenstore.OpRm, "/y/n"))
	d.send(2, rq(xenstore.OpWrite, "/y/m", "w"))
	d.send(1, rq(xenstore.OpWrite, "/x/a", "1"))
	if _, res := d.send(1, rq(xenstore.OpTxEnd, "", "T")); res.Outcome != checkers.XenstoreFastPath || len(res.Fired) != 0 {
		t.Errorf("fast path: %s, fired %v; want no event (nobody watches /x)", res.Outcome, res.Fired)
	}
	_, res := d.send(2, rq(xenstore.OpTxEnd, "", "T"))
	want := []checkers.XenstoreWatchEvent{{Conn: 9, Dom: 1, Path: "/y/n"}, {Conn: 8, Dom: 1, Path: "/y/n/deep"}, {Conn: 9, Dom: 1, Path: "/y/m"}}
	if res.Outcome != checkers.XenstoreMerged || !slices.Equal(res.Fired, want) {
		t.Errorf("merged: %s, fired %v; want %v", res.Outcome, res.Fired, want)
	}
	d.expect(Replay, sim.Clean)
	// An event the server did not fire is missing.
	d.evs[len(d.evs)-1].Fired = want[1:]
	if f := d.verdict(); f == nil || f.Kind != checkers.XenstoreKindWatch {
		t.Errorf("a dropped event: finding %v, want %s", f, checkers.XenstoreKindWatch)
	}
}

// TestBlameOncePerConnection pins XSA-206's blame (History.filter_connections
// and judge_and_sentence): a failed replay charges each guilty connection
// once, however many of its commits since the transaction started are
// guilty, charges two guilty connections of one domain twice, and never
// charges the victim's own connection.
func TestBlameOncePerConnection(t *testing.T) {
	s := NewServer(Replay)
	for _, r := range []xenstore.Request{rq(xenstore.OpMkdir, "/vm"),
		rq(xenstore.OpSetPerms, "/vm", xenstore.MakePerms(1, xenstore.AccessNone)), rq(xenstore.OpWrite, "/vm/k0", "0")} {
		if resp, _ := s.Handle(Conn{}, 0, r); resp.IsError() {
			t.Fatalf("setup %s: %s", r, resp)
		}
	}
	tool, g1, g2 := Conn{ID: 0, Dom: 0}, Conn{ID: 1, Dom: 1}, Conn{ID: 2, Dom: 1}
	resp, _ := s.Handle(tool, 0, rq(xenstore.OpTxStart, ""))
	id := parseTid(resp)
	if id == 0 {
		t.Fatalf("transaction start: %s", resp)
	}
	s.Handle(tool, id, rq(xenstore.OpRead, "/vm/k0"))
	s.Handle(tool, id, rq(xenstore.OpWrite, "/tool/x", "1"))
	// Guilty are the writes of "1" over "0": the transaction's read
	// answers "0" before them and "1" after. g1 makes two of them, g2 one;
	// the writes of "0" are not guilty (the read answers "1" before them).
	for _, w := range []struct {
		c Conn
		v string
	}{{g1, "1"}, {g1, "0"}, {g2, "1"}, {g2, "0"}, {g1, "1"}} {
		if resp, _ := s.Handle(w.c, 0, rq(xenstore.OpWrite, "/vm/k0", w.v)); resp.IsError() {
			t.Fatalf("write by connection %d: %s", w.c.ID, resp)
		}
	}
	if resp, res := s.Handle(tool, id, rq(xenstore.OpTxEnd, "", "T")); resp != xenstore.Error(xenstore.EAGAIN) {
		t.Fatalf("end: %s (%s), want EAGAIN from a failed replay", resp, res.Outcome)
	}
	if got := s.Stats().Blamed; got != 2 {
		t.Errorf("blamed %d connections, want 2 (g1 once for its two guilty commits, g2 once)", got)
	}
	if got := s.conflict.of(1); got != ConflictBurstLimit-2 {
		t.Errorf("domain 1's credit %v, want %v: one point per guilty connection", got, ConflictBurstLimit-2)
	}
	if got := s.conflict.of(0); got != ConflictBurstLimit {
		t.Errorf("dom0's credit %v, want %v: the victim and dom0 are never charged", got, ConflictBurstLimit)
	}
}

// TestWatchEachCommitKind proves the watch oracle on each way a
// transaction commits: fast path, merge and replay. Each commit takes
// domain 1's read access to /z/p away (setperms), under /z, which only
// dom0 may read: domain 1, watching /z, may read the node in the old root
// only, and XSA-115 filters a setperms with the old and the new root, so
// it gets the event. The oracle passes the server's events, and catches
// the event dropped (what filtering with the new root alone would do) and
// an event leaked on /z/q, which domain 1 may read in neither root.
func TestWatchEachCommitKind(t *testing.T) {
	setup := append(append([]xenstore.Request{}, dirs...), rq(xenstore.OpWrite, "/z/p", "v"), rq(xenstore.OpWrite, "/z/q", "v"),
		rq(xenstore.OpSetPerms, "/z/p", xenstore.MakePerms(1, xenstore.AccessNone)),
		// Domain 1 keeps a node, so that the merge does not take its count
		// to zero (TestQuotaMergeDrops).
		rq(xenstore.OpWrite, "/y/own", "v"), rq(xenstore.OpSetPerms, "/y/own", xenstore.MakePerms(1, xenstore.AccessNone)))
	watches := []checkers.XenstoreWatch{{Conn: 9, Dom: 1, Path: "/z"}}
	revoke := rq(xenstore.OpSetPerms, "/z/p", xenstore.MakePerms(0, xenstore.AccessNone))
	for _, tc := range []struct {
		out checkers.XenstoreOutcome
		// run drives client 2's transaction, and what runs beside it,
		// up to its end.
		run func(d *driver)
	}{
		{checkers.XenstoreFastPath, func(d *driver) {
			d.send(2, rq(xenstore.OpTxStart, ""))
			d.send(2, revoke)
		}},
		{checkers.XenstoreMerged, func(d *driver) { // another commit beside it, outside its lowpaths
			d.send(2, rq(xenstore.OpTxStart, ""))
			d.send(1, rq(xenstore.OpWrite, "/x/a", "1"))
			d.send(2, revoke)
		}},
		{checkers.XenstoreReplayed, func(d *driver) { // a write under /x, which it read: a conflict; the replay reads the same
			d.send(2, rq(xenstore.OpTxStart, ""))
			d.send(2, rq(xenstore.OpRead, "/x"))
			d.send(1, rq(xenstore.OpWrite, "/x/a", "1"))
			d.send(2, revoke)
		}},
	} {
		t.Run(tc.out.String(), func(t *testing.T) {
			d := newDriver(t, Replay, setup, watches)
			tc.run(d)
			_, res := d.send(2, rq(xenstore.OpTxEnd, "", "T"))
			want := []checkers.XenstoreWatchEvent{{Conn: 9, Dom: 1, Path: "/z/p"}}
			if res.Outcome != tc.out || !slices.Equal(res.Fired, want) {
				t.Fatalf("end %s, fired %v; want %s, fired %v", res.Outcome, res.Fired, tc.out, want)
			}
			d.expect(Replay, sim.Clean)
			end := &d.evs[len(d.evs)-1]
			for _, m := range []struct {
				name  string
				fired []checkers.XenstoreWatchEvent
				what  string
			}{
				{"dropped", nil, "1 missing, 0 leaked"},
				{"leaked", append(slices.Clone(want), checkers.XenstoreWatchEvent{Conn: 9, Dom: 1, Path: "/z/q"}), "0 missing, 1 leaked"},
			} {
				end.Fired = m.fired
				if f := d.verdict(); f == nil || f.Kind != checkers.XenstoreKindWatch || !strings.Contains(f.Message, m.what) {
					t.Errorf("event %s: finding %v, want %s (%s)", m.name, f, checkers.XenstoreKindWatch, m.what)
				}
			}
		})
	}
}
