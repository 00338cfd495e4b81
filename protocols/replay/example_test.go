package replay_test

import (
	"fmt"

	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/protocols/replay"
	"github.com/simrun/simrun/sim"
)

// Two transactions create siblings under /vm, so both write_lowpaths are
// /vm: the second conflicts. Merge-only answers EAGAIN; replay re-runs its
// requests on the current store, gets the same responses and commits.
func ExampleServer() {
	for _, v := range []replay.Variant{replay.MergeOnly, replay.Replay} {
		s := replay.NewServer(v)
		s.Handle(replay.Conn{}, 0, xenstore.Request{Op: xenstore.OpMkdir, Path: "/vm"})
		a, b := replay.Conn{ID: 1}, replay.Conn{ID: 2}
		ra, _ := s.Handle(a, 0, xenstore.Request{Op: xenstore.OpTxStart})
		rb, _ := s.Handle(b, 0, xenstore.Request{Op: xenstore.OpTxStart})
		ta, tb := tid(ra), tid(rb)
		s.Handle(a, ta, xenstore.Request{Op: xenstore.OpWrite, Path: "/vm/1", Value: "a"})
		s.Handle(b, tb, xenstore.Request{Op: xenstore.OpWrite, Path: "/vm/2", Value: "b"})
		endA, resA := s.Handle(a, ta, xenstore.Request{Op: xenstore.OpTxEnd, Value: "T"})
		endB, resB := s.Handle(b, tb, xenstore.Request{Op: xenstore.OpTxEnd, Value: "T"})
		fmt.Printf("%s: %s (%s), %s (%s)\n", v, endA, resA.Outcome, endB, resB.Outcome)
	}
	// Output:
	// merge-only: ack (fast-path), error EAGAIN (conflict)
	// replay: ack (fast-path), ack (replayed)
}

func tid(r xenstore.Response) int {
	var n int
	fmt.Sscanf(r.Data, "%d", &n)
	return n
}

// Measure runs the toolstack workload once under the default cost model.
func ExampleMeasure() {
	m, finding, err := replay.Measure(replay.Replay, replay.Config{VMs: 10}, sim.Cost{}, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Commits, finding == nil)
	// Output:
	// 50 true
}

// A merged transaction's node counts join the canonical quota by the 3-way
// merge: it created /y/n for domain 1 while /x/m was written outside it.
// Removing domain 1's only node the same way leaves its quota behind:
// Quota.merge visits only the transaction's own entries, and domain 1 has
// none left there.
func ExampleServer_Quota() {
	s := replay.NewServer(replay.Replay)
	for _, p := range []string{"/x", "/y"} {
		s.Handle(replay.Conn{}, 0, xenstore.Request{Op: xenstore.OpMkdir, Path: p})
	}
	merge := func(reqs ...xenstore.Request) {
		c := replay.Conn{ID: 1}
		r, _ := s.Handle(c, 0, xenstore.Request{Op: xenstore.OpTxStart})
		for _, req := range reqs {
			s.Handle(c, tid(r), req)
		}
		s.Handle(replay.Conn{ID: 2}, 0, xenstore.Request{Op: xenstore.OpWrite, Path: "/x/m", Value: "w"})
		_, res := s.Handle(c, tid(r), xenstore.Request{Op: xenstore.OpTxEnd, Value: "T"})
		q, owned := s.Quota()
		fmt.Printf("%s: quota %v, owned %v\n", res.Outcome, q, owned)
	}
	merge(xenstore.Request{Op: xenstore.OpWrite, Path: "/y/n", Value: "v"},
		xenstore.Request{Op: xenstore.OpSetPerms, Path: "/y/n", Value: xenstore.MakePerms(1, xenstore.AccessNone)})
	merge(xenstore.Request{Op: xenstore.OpRm, Path: "/y/n"})
	// Output:
	// merged: quota map[0:3 1:1], owned map[0:3 1:1]
	// merged: quota map[0:3 1:1], owned map[0:3]
}

// Seed scenario 16 with its guest writing every 50 ms: a toolstack that
// holds each transaction open 60 ms sees a write in every attempt, and
// gives up with conflict credit as without it (see TestHostilePaced).
func ExampleHostilePaced() {
	for _, v := range []replay.Variant{replay.Replay, replay.NoConflictCredit} {
		w := replay.HostilePaced(1, 2, replay.ConflictRefill, 60*sim.Millisecond)
		cfg := replay.Config{RetryBound: replay.HostileRetryBound, Cost: replay.ReferenceCost()}
		rep, err := sim.Explore(replay.ScenarioFor(v, w, cfg), sim.Options{Runs: 1, Seed: 1})
		if err != nil {
			panic(err)
		}
		fmt.Println(v, rep.Kinds())
	}
	// Output:
	// replay [livelock]
	// no-conflict-credit [livelock]
}
