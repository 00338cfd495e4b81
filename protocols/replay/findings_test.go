package replay

import (
	"path/filepath"
	"testing"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// quotaDrop: a transaction removes domain 1's only node while another
// client writes elsewhere; if the write lands inside the transaction, the
// transaction merges and Quota.merge, folding over the transaction's
// entries only, never applies domain 1's decrease.
func quotaDrop() Workload {
	return Workload{Name: "quota-drop",
		Setup: append(append([]xenstore.Request{}, dirs...), rq(xenstore.OpWrite, "/y/n", "v"),
			rq(xenstore.OpSetPerms, "/y/n", xenstore.MakePerms(1, xenstore.AccessNone))),
		Clients: []ClientSpec{
			StaticClient("c0", 0, []Unit{{Txn: true, Reqs: []xenstore.Request{rq(xenstore.OpRm, "/y/n")}}}),
			StaticClient("c1", 0, []Unit{{Reqs: []xenstore.Request{rq(xenstore.OpWrite, "/x/m", "w")}}}),
		}}
}

// watchRoots: a transaction creates /x/k while another client removes /x;
// the replay re-creates /x with the root's permissions, and the event for
// /x/k reaches domain 1's watch on /x from the transaction's own roots.
func watchRoots() Workload {
	return Workload{Name: "watch-roots", Setup: dirs,
		Watches: []checkers.XenstoreWatch{{Conn: 2, Dom: 1, Path: "/x"}},
		Clients: []ClientSpec{
			StaticClient("c0", 0, []Unit{{Txn: true, Reqs: []xenstore.Request{rq(xenstore.OpMkdir, "/x/k")}}}),
			StaticClient("c1", 0, []Unit{{Reqs: []xenstore.Request{rq(xenstore.OpRm, "/x")}}}),
		}}
}

// TestFaithfulFindings records the results of the faithful variants that
// issue 16's oracles report, each with its trace in testdata/ (run with
// -update to find and save them again): the quota kept for a domain whose
// last node a merge removed (both faithful variants), and a replayed
// commit's watch event leaked by the original transaction's roots.
func TestFaithfulFindings(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    Variant
		w    func() Workload
		kind sim.Kind
	}{
		{"quota-drop-merge-only", MergeOnly, quotaDrop, checkers.XenstoreKindQuota},
		{"quota-drop-replay", Replay, quotaDrop, checkers.XenstoreKindQuota},
		{"watch-roots-replay", Replay, watchRoots, checkers.XenstoreKindWatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("testdata", tc.name+".json")
			if *update {
				rep := explore(t, tc.v, tc.w(), Config{}, 200, 1, true)
				if len(rep.Findings) == 0 || rep.Findings[0].Trace == nil || rep.Findings[0].Kind != tc.kind {
					t.Fatalf("no %s in %d runs: %v", tc.kind, rep.Runs, rep.Kinds())
				}
				if err := traces.Save(path, rep.Findings[0].Trace); err != nil {
					t.Fatal(err)
				}
			}
			tr, err := traces.Load(path)
			if err != nil {
				t.Fatalf("loading %s: %v (run with -update)", path, err)
			}
			f, _, err := sim.Replay(ScenarioFor(tc.v, tc.w(), Config{}), tr)
			if err != nil {
				t.Fatalf("replaying %s: %v", path, err)
			}
			if f == nil || f.Kind != tc.kind {
				t.Fatalf("replay of %s: finding %v, want %s", path, f, tc.kind)
			}
			t.Logf("%s", f.Message)
		})
	}
	// The same workloads are clean on schedules that do not interleave.
	for _, w := range []Workload{quotaDrop(), watchRoots()} {
		s := ScenarioFor(Replay, w, Config{})
		clean := 0
		if _, err := sim.Explore(s, sim.Options{Runs: 50, Seed: 2, OnExecution: func(_ int, _ *sim.History, f *sim.Finding) {
			if f == nil {
				clean++
			}
		}}); err != nil {
			t.Fatal(err)
		}
		if clean == 0 {
			t.Errorf("%s: no clean execution in 50", w.Name)
		}
	}
}
