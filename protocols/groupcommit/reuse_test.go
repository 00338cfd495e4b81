package groupcommit

import (
	"fmt"
	"testing"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/sim"
)

// TestServerMemoryReset runs a serial group commit (one transaction per
// group, under one mutex) on servers whose memory each worker keeps from
// one execution to the next (sim.Reuse), and checks that every execution
// starts from a fresh server: nothing of the previous execution's binlog,
// engines, crash bookkeeping or commit is left, and the commit-order check
// passes. Workloads bigger than a small server's arrays, a crash, and two
// workers are covered; a second server in one execution is separate
// memory.
func TestServerMemoryReset(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     Config
		workers int
	}{
		{"small", Config{Threads: 2, Txns: 1, Engines: 1}, 1},
		{"two engines, two txns", Config{Threads: 3, Txns: 2, Engines: 2}, 1},
		{"more threads than the arrays", Config{Threads: smallThreads + 2, Txns: 1, Engines: 1}, 1},
		{"crash", Config{Threads: 2, Txns: 2, Engines: 2, Crash: true}, 1},
		{"two workers", Config{Threads: 3, Txns: 1, Engines: 2}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewScenario([]sim.Variant{{Name: "serial"}}, "serial", tc.cfg, func(s *Server) {
				x := s.X
				if msg := notFresh(s); msg != "" {
					x.Failf("stale", "the server is not fresh: %s", msg)
				}
				if s2 := NewServer(x, s.Config); s2 == s || s2.Binlog == s.Binlog || s2.Engines[0] == s.Engines[0] {
					x.Failf("stale", "a second server in one execution shares the first's memory")
				}
				lock := sim.NewMutex(x, "LOCK_serial")
				s.Run(func(thread int, txn checkers.Txn) error {
					lock.Lock()
					defer lock.Unlock()
					s.PrepareOrdered(txn)
					x.Record(checkers.Enqueued{Txn: txn, Leader: true})
					if _, xidError := s.Binlog.GroupLogXid([]checkers.Txn{txn}); xidError[0] {
						return ErrXid
					}
					s.CommitOrdered(txn)
					s.Commit(txn)
					return nil
				}, nil)
			})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := sim.Explore(s, sim.Options{Runs: 60, Seed: 3, Workers: tc.workers})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Findings {
				t.Errorf("finding %s: %s", f.Kind, f.Message)
			}
		})
	}
}

// notFresh says what of s is not as a new server's, or "".
func notFresh(s *Server) string {
	b := s.Binlog
	switch {
	case len(b.Entries) != 0 || b.groups != 0 || b.synced != 0 || b.lastCommitPos != 0 || len(b.failed) != 0:
		return fmt.Sprintf("binlog %v, %d groups, synced %d, position %d, failed %v", b.Entries, b.groups, b.synced, b.lastCommitPos, b.failed)
	case s.storeOps != 0 || s.crashed || s.commit != nil || s.Recovery != nil:
		return fmt.Sprintf("%d storage steps, crashed %v, commit set %v, recovery set %v", s.storeOps, s.crashed, s.commit != nil, s.Recovery != nil)
	case len(s.Engines) != s.Config.Engines:
		return fmt.Sprintf("%d engines, want %d", len(s.Engines), s.Config.Engines)
	}
	for _, e := range s.Engines {
		if len(e.Visible) != 0 || len(e.prepared) != 0 {
			return fmt.Sprintf("engine %d: visible %v, prepared %v", e.ID, e.Visible, e.prepared)
		}
	}
	return ""
}

// TestTHDsOfReset checks that THDsOf's THDs, kept from one execution to
// the next, start every execution as newTHD made them: a field an earlier
// execution set is gone, each thread has its own THD, and a second call
// in one execution gets THDs of its own. The threads' objects, kept too
// (re-initialised in place), start fresh: the link nil, the mutex free.
func TestTHDsOfReset(t *testing.T) {
	type thd struct {
		THD
		next *sim.Var[*thd]
		lock *sim.Mutex
		mark int // set by every execution after the check
	}
	names := ThreadNames{Next: "next", Lock: "LOCK", Cond: "COND", Flag: "flag"}
	newTHD := func(o ThreadObjects[*thd, bool]) thd { return thd{THD: o.THD, next: o.Next, lock: o.Lock} }
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			const threads = 3
			scenario := func(x *sim.Execution) {
				thds := THDsOf(x, threads, names, newTHD)
				other := THDsOf(x, threads, names, newTHD)
				for i := 1; i <= threads; i++ {
					switch d := thds[i]; {
					case d.ID != i || d.mark != 0 || d.next == nil:
						x.Failf("stale", "THD %d: ID %d, mark %d, link set %v", i, d.ID, d.mark, d.next != nil)
					case d == other[i] || i > 1 && d == thds[i-1] || d.next == other[i].next || d.lock == other[i].lock:
						x.Failf("stale", "THD %d shares its memory", i)
					case d.next.Read() != nil || !d.lock.TryLock():
						x.Failf("stale", "THD %d: its link or mutex is left from an earlier execution", i)
					}
					thds[i].mark = 1
					thds[i].next.Write(thds[i]) // and the mutex left held
				}
			}
			rep, err := sim.Explore(scenario, sim.Options{Runs: 20, Seed: 1, Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Findings {
				t.Errorf("finding %s: %s", f.Kind, f.Message)
			}
		})
	}
}
