package checkers

import (
	"testing"

	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
)

// xsHist builds events from compact steps, numbering steps in order.
type xsHist struct{ evs []XenstoreEvent }

func (h *xsHist) add(e XenstoreEvent) *xsHist {
	e.Step = len(h.evs)
	h.evs = append(h.evs, e)
	return h
}

func (h *xsHist) req(c, tid int, op xenstore.Op, path, value string, resp xenstore.Response) *xsHist {
	return h.add(XenstoreEvent{Client: c, Tid: tid, Req: xenstore.Request{Op: op, Path: path, Value: value}, Resp: resp})
}

func (h *xsHist) start(c, tid, txn, attempt int) *xsHist {
	return h.add(XenstoreEvent{Client: c, Tid: tid, Req: xenstore.Request{Op: xenstore.OpTxStart}, Resp: xenstore.Reply(""), Txn: txn, Attempt: attempt})
}

func (h *xsHist) end(c, tid int, out XenstoreOutcome, replay ...xenstore.Response) *xsHist {
	resp := xenstore.Ack()
	if out == XenstoreConflict {
		resp = xenstore.Error(xenstore.EAGAIN)
	}
	return h.add(XenstoreEvent{Client: c, Tid: tid, Req: xenstore.Request{Op: xenstore.OpTxEnd, Value: "T"}, Resp: resp, Outcome: out, Replay: replay})
}

var (
	xsAck = xenstore.Ack()
	xsV1  = xenstore.Reply("1")
	xsV2  = xenstore.Reply("2")
)

// TestXenstoreOracles proves each oracle both ways on hand-made
// histories: a correct one passes, a broken one is reported with the
// expected kind.
func TestXenstoreOracles(t *testing.T) {
	serialOK := (&xsHist{}).
		req(0, 0, xenstore.OpWrite, "/a", "1", xsAck).
		start(1, 5, 1, 1).req(1, 5, xenstore.OpRead, "/a", "", xsV1).req(1, 5, xenstore.OpWrite, "/b", "2", xsAck).end(1, 5, XenstoreFastPath).
		req(0, 0, xenstore.OpRead, "/b", "", xsV2)
	// client 1 read a value that no serial order produces
	staleRead := (&xsHist{}).
		req(0, 0, xenstore.OpWrite, "/a", "2", xsAck).
		start(1, 5, 1, 1).req(1, 5, xenstore.OpRead, "/a", "", xsV1).req(1, 5, xenstore.OpWrite, "/b", "2", xsAck).end(1, 5, XenstoreMerged)
	// a replayed commit whose replay read another value
	diverged := (&xsHist{}).
		req(0, 0, xenstore.OpWrite, "/a", "1", xsAck).
		start(1, 5, 1, 1).req(1, 5, xenstore.OpRead, "/a", "", xsV1).req(0, 0, xenstore.OpWrite, "/a", "2", xsAck).
		end(1, 5, XenstoreReplayed, xsV2)
	replayedOK := (&xsHist{}).
		req(0, 0, xenstore.OpWrite, "/a", "1", xsAck).
		start(1, 5, 1, 1).req(1, 5, xenstore.OpRead, "/a", "", xsV1).req(0, 0, xenstore.OpWrite, "/c", "2", xsAck).
		end(1, 5, XenstoreReplayed, xsV1)
	// three attempts of one transaction
	retried := (&xsHist{}).
		start(0, 1, 1, 1).req(0, 1, xenstore.OpWrite, "/a", "1", xsAck).end(0, 1, XenstoreConflict).
		start(0, 2, 1, 2).req(0, 2, xenstore.OpWrite, "/a", "1", xsAck).end(0, 2, XenstoreConflict).
		start(0, 3, 1, 3).req(0, 3, xenstore.OpWrite, "/a", "1", xsAck).end(0, 3, XenstoreFastPath)
	gaveUp := (&xsHist{}).start(0, 1, 1, 1).req(0, 1, xenstore.OpWrite, "/a", "1", xsAck).end(0, 1, XenstoreConflict)

	init := xenstore.NewStore()
	serial := func(h *xsHist) *sim.Finding { return XenstoreSerialReplay(init, h.evs, nil) }
	strict := func(h *xsHist) *sim.Finding { f, _ := XenstoreStrictSerializability(init, h.evs, 50); return f }
	divergence := func(h *xsHist) *sim.Finding { return XenstoreReplayDivergence(h.evs) }
	live := func(bound int) func(h *xsHist) *sim.Finding {
		return func(h *xsHist) *sim.Finding { return XenstoreLiveness(h.evs, bound) }
	}
	tests := []struct {
		name   string
		oracle func(*xsHist) *sim.Finding
		h      *xsHist
		want   sim.Kind // "" for no finding
	}{
		{"serial replay passes", serial, serialOK, ""},
		{"serial replay catches a stale read", serial, staleRead, XenstoreKindSerialReplay},
		{"porcupine passes", strict, serialOK, ""},
		{"porcupine catches a stale read", strict, staleRead, XenstoreKindStrict},
		{"divergence passes an equal replay", divergence, replayedOK, ""},
		{"divergence catches a different replay", divergence, diverged, XenstoreKindDivergence},
		{"serial replay passes an equal replay", serial, replayedOK, ""},
		{"liveness within bound", live(2), retried, ""},
		{"liveness over bound", live(1), retried, sim.Livelock},
		{"liveness: gave up", live(5), gaveUp, sim.Livelock},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.oracle(tc.h)
			switch {
			case tc.want == "" && f != nil:
				t.Fatalf("unexpected finding: %s", f)
			case tc.want != "" && (f == nil || f.Kind != tc.want):
				t.Fatalf("finding %v, want %s", f, tc.want)
			}
		})
	}
}

// TestXenstoreSerialReplayFinalState: the final tree must match too.
func TestXenstoreSerialReplayFinalState(t *testing.T) {
	h := (&xsHist{}).req(0, 0, xenstore.OpWrite, "/a", "1", xsAck)
	ref := xenstore.NewStore()
	ref.Apply(0, xenstore.Request{Op: xenstore.OpWrite, Path: "/a", Value: "1"})
	if f := XenstoreSerialReplay(xenstore.NewStore(), h.evs, &XenstoreFinalState{Dump: ref.Dump()}); f != nil {
		t.Fatalf("equal final state: %s", f)
	}
	if f := XenstoreSerialReplay(xenstore.NewStore(), h.evs, &XenstoreFinalState{Dump: xenstore.NewStore().Dump()}); f == nil {
		t.Fatal("different final state not reported")
	}
}
