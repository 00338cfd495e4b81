package replay

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

var update = flag.Bool("update", false, "rewrite the traces under testdata")

// TestUntrackedWriteSkew records the result of the faithful variants:
// two transactions each read (ENOENT) the key the other one creates. A
// failed read records no read_lowpath (protocols.md §3.2), and each write
// creates its key under a different directory, so write_lowpath is /x for
// one and /y for the other: the second commit passes test_coalesce and
// merges. Both committed, each having seen the other's key absent: a write
// skew, which no serial order explains (porcupine agrees). Replay does not
// help: it only runs when the merge fails. The minimal schedule is saved in
// testdata/untracked-write-skew-VARIANT.json, whose configuration names the
// workload (so that `simrun replay` rebuilds it), and replayed exactly
// through the command line's scenario.
func TestUntrackedWriteSkew(t *testing.T) {
	for _, v := range []Variant{MergeOnly, Replay} {
		t.Run(string(v), func(t *testing.T) {
			path := filepath.Join("testdata", "untracked-write-skew-"+string(v)+".json")
			sc, err := RegistryScenario(string(v), "write-skew", 0, RandomConfig{}, false, Cost{})
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				rep, err := sim.Explore(sc, sim.Options{Runs: 200, Seed: 1, StopOnFinding: true,
					Meta: sim.Meta{Protocol: "replay", Variant: string(v), Config: json.RawMessage(`{"workload":"write-skew"}`)}})
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Findings) == 0 || rep.Findings[0].Trace == nil {
					t.Fatalf("no finding in %d runs", rep.Runs)
				}
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := traces.Save(path, rep.Findings[0].Trace); err != nil {
					t.Fatal(err)
				}
			}
			tr, err := traces.Load(path)
			if err != nil {
				t.Fatalf("loading %s: %v (run with -update)", path, err)
			}
			f, _, err := sim.Replay(sc, tr)
			if err != nil {
				t.Fatalf("replaying %s: %v", path, err)
			}
			if f == nil || f.Kind != checkers.XenstoreKindUntracked {
				t.Fatalf("replay of %s: finding %v, want %s", path, f, checkers.XenstoreKindUntracked)
			}
			t.Logf("%s", f.Message)
		})
	}
}

// TestWriteSkewNotSerializable checks the same anomaly directly against
// the server and porcupine, with no simulation: both commit (the second by
// merge) and the history is not strictly serializable.
func TestWriteSkewNotSerializable(t *testing.T) {
	for _, v := range []Variant{MergeOnly, Replay} {
		s := NewServer(v)
		init := xenstore.NewStore()
		for _, r := range WriteSkew().Setup {
			s.Handle(Conn{}, 0, r)
			init.Apply(0, r)
		}
		var evs []checkers.XenstoreEvent
		send := func(c, tid int, r xenstore.Request) int {
			resp, res := s.Handle(Conn{ID: c}, tid, r)
			ev := checkers.XenstoreEvent{Step: len(evs), Client: c, Tid: tid, Req: r, Resp: resp, Outcome: res.Outcome}
			if r.Op == xenstore.OpTxStart {
				ev.Tid, ev.Txn, ev.Attempt = parseTid(resp), 1, 1
			}
			evs = append(evs, ev)
			return ev.Tid
		}
		t0 := send(0, 0, rq(xenstore.OpTxStart, ""))
		t1 := send(1, 0, rq(xenstore.OpTxStart, ""))
		send(0, t0, rq(xenstore.OpRead, "/y/q"))
		send(1, t1, rq(xenstore.OpRead, "/x/p"))
		send(0, t0, rq(xenstore.OpWrite, "/x/p", "1"))
		send(1, t1, rq(xenstore.OpWrite, "/y/q", "1"))
		send(0, t0, rq(xenstore.OpTxEnd, "", "T"))
		send(1, t1, rq(xenstore.OpTxEnd, "", "T"))
		if got := evs[len(evs)-1].Outcome; got != checkers.XenstoreMerged {
			t.Fatalf("%s: second commit %s, want merged", v, got)
		}
		if f, checked := checkers.XenstoreStrictSerializability(init, evs, 100); f == nil || !checked {
			t.Errorf("%s: porcupine accepts the write skew", v)
		}
	}
}
