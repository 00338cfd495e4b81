package sim_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/simrun/simrun/internal/longtest"
	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// withStateCacheCheck runs f with every decision's hash checked against
// the hash from scratch, and returns the mismatches.
func withStateCacheCheck(t *testing.T, f func()) (int, string) {
	t.Helper()
	defer sim.SetCheckStateCache(true)()
	f()
	return sim.StateCacheMismatches()
}

// TestStateCacheGroupCommit: on the stateful search of every group-commit
// variant, with and without symmetry, at 2 and 3 threads and in the
// configurations that write plain memory the hash reads (xid errors set a
// THD's XidError; a crash changes the binlog's declared state outside
// its calls), the incremental hash equals the hash from scratch at every
// decision, and the counts equal those of a search without the check.
func TestStateCacheGroupCommit(t *testing.T) {
	type config struct {
		name   string
		params protocols.Params
		runs   int
	}
	configs := []config{
		{"2", protocols.Params{Threads: 2, Txns: 1}, 2000},
		{"3", protocols.Params{Threads: 3, Txns: 1}, 800},
		{"xid-errors", protocols.Params{Threads: 2, Txns: 1, XidErrors: true}, 1000},
		{"crash", protocols.Params{Threads: 2, Txns: 1, Crash: true}, 1000},
		{"readers", protocols.Params{Threads: 2, Txns: 1, Readers: 1}, 600},
	}
	if !longtest.Enabled() {
		// 3 threads only in the long sweep (.ci/run): go test ./... stays
		// under two minutes.
		configs = slices.DeleteFunc(configs, func(c config) bool { return c.params.Threads > 2 })
	}
	if testing.Short() {
		for i := range configs {
			configs[i].runs /= 4
		}
	}
	for _, p := range protocols.All {
		if !p.Uses("xid-errors") {
			continue // not a group-commit protocol
		}
		for _, v := range p.Variants {
			for _, c := range configs {
				for _, noSym := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s/%s/%s/nosym=%v", p.Name, v.Name, c.name, noSym), func(t *testing.T) {
						_, s, _, err := protocols.Scenario(p.Name, v.Name, c.params)
						if err != nil {
							t.Fatal(err)
						}
						run := func() *sim.Report {
							st := scheduler.NewStateful()
							st.NoSymmetry = noSym
							rep, err := sim.Explore(s, sim.Options{Runs: c.runs, Strategy: st, Cost: p.Cost, MaxSpurious: 1})
							if err != nil {
								t.Fatal(err)
							}
							return rep
						}
						var checked *sim.Report
						n, first := withStateCacheCheck(t, func() { checked = run() })
						if n != 0 {
							t.Fatalf("%d decisions where the incremental hash differs from scratch; first: %s", n, first)
						}
						plain := run()
						if checked.Runs != plain.Runs || checked.States != plain.States || !slices.Equal(checked.Kinds(), plain.Kinds()) {
							t.Errorf("with the check: %d executions, %d states, %v; without: %d, %d, %v",
								checked.Runs, checked.States, checked.Kinds(), plain.Runs, plain.States, plain.Kinds())
						}
					})
				}
			}
		}
	}
}

// cell is plain Go memory that a Var points to: hashValue reads it.
type cell struct{ N int }

// TestStateCacheCatches proves the check both ways: a value written
// without the write path's hook (a seeded bug) makes the incremental hash
// stale, and the check reports it; written through Var.Write, or changed
// in plain Go memory the hash reads through a pointer (the cache
// compares the bytes it read), it matches.
func TestStateCacheCatches(t *testing.T) {
	for _, c := range []struct {
		name  string
		write func(v *sim.Var[int], p *cell, i int)
		stale bool
	}{
		{"write", func(v *sim.Var[int], _ *cell, i int) { v.Write(i) }, false},
		{"plain-memory", func(_ *sim.Var[int], p *cell, i int) { p.N = i }, false},
		{"bypass", func(v *sim.Var[int], _ *cell, i int) { sim.WriteBypassingHash(v, i) }, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := func(x *sim.Execution) {
				v := sim.NewVar(x, "v", 0)
				p := &cell{}
				ptr := sim.NewVar(x, "p", p)
				flag := sim.NewAtomic(x, "flag", false)
				for i := 1; i <= 2; i++ {
					x.Go(fmt.Sprintf("t%d", i), func() {
						flag.Store(true) // a step: the next decision hashes
						c.write(v, p, i)
						flag.Load()
						_ = ptr
					})
				}
			}
			var rep *sim.Report
			n, first := withStateCacheCheck(t, func() {
				var err error
				rep, err = sim.Explore(s, sim.Options{Runs: 1000, Strategy: scheduler.NewStateful()})
				if err != nil {
					t.Fatal(err)
				}
			})
			if c.stale && n == 0 {
				t.Errorf("a write that bypasses the hook was not caught (%d executions)", rep.Runs)
			}
			if !c.stale && n != 0 {
				t.Errorf("%d mismatches; first: %s", n, first)
			}
		})
	}
}

// TestStateCacheManyPointees: past pointeeScan pointees an execution's
// pointee memo moves from comparing keys to its map; either way the
// incremental hash equals the hash from scratch, and the search counts
// the same states as without the cache.
func TestStateCacheManyPointees(t *testing.T) {
	for _, n := range []int{6, 40} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := func(x *sim.Execution) {
				cells := make([]cell, n)
				vars := make([]*sim.Var[*cell], n)
				for i := range vars {
					vars[i] = sim.NewVar(x, fmt.Sprintf("v%d", i), &cells[i])
				}
				for a := 0; a < 2; a++ {
					x.Go(fmt.Sprintf("t%d", a), func() {
						for i := range 5 {
							c := &cells[(7*i+a)%n]
							c.N++ // plain memory the hash reads through a var
							vars[i].Write(c)
							vars[i+1].Read()
						}
					})
				}
			}
			run := func() *sim.Report {
				rep, err := sim.Explore(s, sim.Options{Runs: 5000, Strategy: scheduler.NewStateful()})
				if err != nil {
					t.Fatal(err)
				}
				return rep
			}
			var rep *sim.Report
			if m, first := withStateCacheCheck(t, func() { rep = run() }); m != 0 {
				t.Fatalf("%d mismatches; first: %s", m, first)
			}
			was := sim.SetHashFromScratch(true)
			ref := run()
			sim.SetHashFromScratch(was)
			if rep.Runs < 10 || rep.States < 10 {
				t.Errorf("only %d executions, %d states", rep.Runs, rep.States)
			}
			if rep.Runs != ref.Runs || rep.States != ref.States {
				t.Errorf("%d executions, %d states; from scratch %d, %d", rep.Runs, rep.States, ref.Runs, ref.States)
			}
		})
	}
}
