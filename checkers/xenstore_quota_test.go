package checkers

import (
	"testing"

	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
)

// TestXenstoreIssue16Oracles proves the quota, unreported-effect and watch
// oracles both ways on hand-made histories.
func TestXenstoreIssue16Oracles(t *testing.T) {
	eq := xenstore.Error(xenstore.EQUOTA)
	withQuota := func(h *xsHist, quota, owned map[int]int) *xsHist {
		h.evs[len(h.evs)-1].Quota, h.evs[len(h.evs)-1].Owned = quota, owned
		return h
	}
	endResp := func(h *xsHist, r xenstore.Response) *xsHist {
		h.evs[len(h.evs)-1].Resp = r
		return h
	}
	fired := func(h *xsHist, evs ...XenstoreWatchEvent) *xsHist {
		h.evs[len(h.evs)-1].Fired = evs
		return h
	}
	secret := xenstore.MakePerms(0, xenstore.AccessNone)
	open := xenstore.MakePerms(0, xenstore.AccessRead)
	watches := []XenstoreWatch{{Conn: 9, Dom: 1, Path: "/w"}}
	for _, tc := range []struct {
		name string
		h    *xsHist
		run  func(evs []XenstoreEvent) *sim.Finding
		want sim.Kind
	}{
		{"quota equals owned", withQuota((&xsHist{}).start(1, 5, 1, 1).end(1, 5, XenstoreFastPath), map[int]int{0: 2, 1: 1}, map[int]int{1: 1, 0: 2}),
			func(evs []XenstoreEvent) *sim.Finding { return XenstoreQuota(evs, nil) }, sim.Clean},
		{"quota kept at zero owned", withQuota((&xsHist{}).start(1, 5, 1, 1).end(1, 5, XenstoreMerged), map[int]int{0: 2, 1: 1}, map[int]int{0: 2}),
			func(evs []XenstoreEvent) *sim.Finding { return XenstoreQuota(evs, nil) }, XenstoreKindQuota},
		{"quota missing a domain", withQuota((&xsHist{}).start(1, 5, 1, 1).end(1, 5, XenstoreMerged), map[int]int{0: 2}, map[int]int{0: 2, 1: 1}),
			func(evs []XenstoreEvent) *sim.Finding { return XenstoreQuota(evs, nil) }, XenstoreKindQuota},
		{"EQUOTA refused, end refused: nothing applied", endResp((&xsHist{}).start(1, 5, 1, 1).
			req(1, 5, xenstore.OpWrite, "/a", "1", eq).end(1, 5, XenstoreNone), eq),
			func(evs []XenstoreEvent) *sim.Finding {
				return XenstoreSerialReplay(xenstore.NewStore(), evs, &XenstoreFinalState{Dump: xenstore.NewStore().Dump()})
			}, sim.Clean},
		{"commit answered ENOENT but installed", endResp((&xsHist{}).start(1, 5, 1, 1).
			req(1, 5, xenstore.OpWrite, "/a", "1", xsAck).end(1, 5, XenstoreMerged), xenstore.Error(xenstore.ENOENT)),
			func(evs []XenstoreEvent) *sim.Finding { return XenstoreSerialReplay(xenstore.NewStore(), evs, nil) }, XenstoreKindUnreported},
		{"EQUOTA request in the committed tree", func() *xsHist {
			h := (&xsHist{}).start(1, 5, 1, 1).req(1, 5, xenstore.OpWrite, "/a", "1", xsAck).
				req(1, 5, xenstore.OpWrite, "/b", "2", eq).end(1, 5, XenstoreFastPath)
			s := xenstore.NewStore()
			s.Apply(0, xenstore.Request{Op: xenstore.OpWrite, Path: "/a", Value: "1"})
			s.Apply(0, xenstore.Request{Op: xenstore.OpWrite, Path: "/b", Value: "2"})
			h.evs[len(h.evs)-1].After = s.Dump()
			return h
		}(), func(evs []XenstoreEvent) *sim.Finding { return XenstoreSerialReplay(xenstore.NewStore(), evs, nil) }, XenstoreKindUnreported},
		{"readable event fired", fired((&xsHist{}).req(0, 0, xenstore.OpWrite, "/w/a", "1", xsAck),
			XenstoreWatchEvent{Conn: 9, Dom: 1, Path: "/w/a"}),
			func(evs []XenstoreEvent) *sim.Finding { return XenstoreWatchOracle(watchStore(open), evs, watches) }, sim.Clean},
		{"readable event missing", (&xsHist{}).req(0, 0, xenstore.OpWrite, "/w/a", "1", xsAck),
			func(evs []XenstoreEvent) *sim.Finding { return XenstoreWatchOracle(watchStore(open), evs, watches) }, XenstoreKindWatch},
		{"unreadable event withheld", (&xsHist{}).req(0, 0, xenstore.OpWrite, "/w/a", "1", xsAck),
			func(evs []XenstoreEvent) *sim.Finding { return XenstoreWatchOracle(watchStore(secret), evs, watches) }, sim.Clean},
		{"unreadable event leaked", fired((&xsHist{}).req(0, 0, xenstore.OpWrite, "/w/a", "1", xsAck),
			XenstoreWatchEvent{Conn: 9, Dom: 1, Path: "/w/a"}),
			func(evs []XenstoreEvent) *sim.Finding { return XenstoreWatchOracle(watchStore(secret), evs, watches) }, XenstoreKindWatch},
		{"readable spurious event tolerated", fired((&xsHist{}).req(0, 0, xenstore.OpMkdir, "/w", "", xsAck),
			XenstoreWatchEvent{Conn: 9, Dom: 1, Path: "/w"}),
			func(evs []XenstoreEvent) *sim.Finding { return XenstoreWatchOracle(watchStore(open), evs, watches) }, sim.Clean},
	} {
		f := tc.run(tc.h.evs)
		switch {
		case tc.want == sim.Clean && f != nil:
			t.Errorf("%s: %s: %s", tc.name, f.Kind, f.Message)
		case tc.want != sim.Clean && (f == nil || f.Kind != tc.want):
			t.Errorf("%s: finding %v, want %s", tc.name, f, tc.want)
		}
	}
}

// watchStore is a tree with /w, whose permissions (and its children's)
// are perms.
func watchStore(perms string) *xenstore.Store {
	s := xenstore.NewStore()
	s.Apply(0, xenstore.Request{Op: xenstore.OpMkdir, Path: "/w"})
	s.Apply(0, xenstore.Request{Op: xenstore.OpSetPerms, Path: "/w", Value: perms})
	return s
}
