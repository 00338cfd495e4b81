package sim_test

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// genOp is one operation of a generated actor.
type genOp struct {
	kind int // see program.run
	obj  int
}

// program is a small generated scenario: 2 or 3 actors doing operations on
// mutexes, a cond (on mutex 0, guarding flag), atomics, vars and records.
// It uses the library correctly, so its findings are the protocol's
// (deadlocks, lost wakeups, assertions, races), never a panic, a misuse
// or nondeterminism.
type program struct {
	mutexes, vars int
	actors        [][]genOp
}

const genKinds = 9

func drawProgram(t *rapid.T) program {
	p := program{mutexes: rapid.IntRange(1, 2).Draw(t, "mutexes"), vars: rapid.IntRange(1, 2).Draw(t, "vars")}
	n := rapid.IntRange(2, 3).Draw(t, "actors")
	for i := range n {
		ops := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) genOp {
			return genOp{kind: rapid.IntRange(0, genKinds-1).Draw(t, "kind"), obj: rapid.IntRange(0, 1).Draw(t, "obj")}
		}), 1, 4).Draw(t, fmt.Sprintf("actor%d", i))
		p.actors = append(p.actors, ops)
	}
	return p
}

func (p program) scenario(x *sim.Execution) {
	ms := make([]*sim.Mutex, p.mutexes)
	for i := range ms {
		ms[i] = sim.NewMutexNamed(x, sim.Indexed("m", strconv.Itoa(i)))
	}
	vs := make([]*sim.Var[int], p.vars)
	for i := range vs {
		vs[i] = sim.NewVarNamed(x, sim.Indexed("v", strconv.Itoa(i)), 0)
	}
	at := sim.NewAtomic(x, "a", 0)
	flag := sim.NewVar(x, "flag", false)
	cond := sim.NewCond(x, "c", ms[0])
	var hs []*sim.Actor
	for i, ops := range p.actors {
		hs = append(hs, x.Go(fmt.Sprintf("t%d", i), func() {
			for _, o := range ops {
				m, v := ms[o.obj%len(ms)], vs[o.obj%len(vs)]
				switch o.kind {
				case 0: // a critical section
					m.Lock()
					v.Write(v.Read() + 1)
					m.Unlock()
				case 1: // an atomic increment
					for old := at.Load(); !at.CompareAndSwap(old, old+1); old = at.Load() {
					}
				case 2: // an unsynchronized increment: a race
					v.Write(v.Read() + 1)
				case 3:
					x.Record(fmt.Sprintf("t%d:%d", i, at.Load()))
				case 4: // wait for the flag (may never come: a deadlock or lost wakeup)
					ms[0].Lock()
					for !flag.Read() {
						cond.Wait()
					}
					ms[0].Unlock()
				case 5: // raise the flag
					ms[0].Lock()
					flag.Write(true)
					if o.obj == 0 {
						cond.Signal()
					} else {
						cond.Broadcast()
					}
					ms[0].Unlock()
				case 6:
					if m.TryLock() {
						m.Unlock()
					}
				case 7:
					x.Assert(x.Choose("c", 2) == 0 || at.Swap(0) >= 0, "never")
				case 8: // nested critical sections, in an order that may deadlock
					a, b := ms[o.obj%len(ms)], ms[(o.obj+1)%len(ms)]
					if a != b {
						a.Lock()
						b.Lock()
						b.Unlock()
						a.Unlock()
					}
				}
			}
		}))
	}
	hs[0].Join()
	x.Check(func(h *sim.History) *sim.Finding {
		if len(h.Actors) != len(p.actors)+1 {
			return &sim.Finding{Kind: sim.Assertion, Message: "actors missing from the history"}
		}
		return nil
	})
}

// reportBytes is everything of a report that must be a function of the
// inputs: counts, findings and their traces' bytes.
func reportBytes(t *rapid.T, rep *sim.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "runs=%d steps=%d max=%d counts=%v\n", rep.Runs, rep.Steps, rep.MaxSteps, rep.Counts)
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "%s run %d: %s\n%s\n", f.Kind, f.Run, f.Message, f.Detail)
		if f.Trace != nil {
			data, err := f.Trace.Encode()
			if err != nil {
				t.Fatalf("encoding the trace: %v", err)
			}
			b.Write(data)
		}
	}
	return b.String()
}

// TestPropertyGenerated: generated scenarios never crash the simulator,
// find only what their protocol can do, and give the same report and
// trace bytes for the same seed, twice and on 1 and 2 workers.
func TestPropertyGenerated(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := drawProgram(t)
		seed := rapid.Uint64Range(1, 1<<20).Draw(t, "seed")
		strat := rapid.SampledFrom([]string{"random", "pct"}).Draw(t, "strategy")
		explore := func(workers int) string {
			var s scheduler.Strategy = scheduler.NewRandom(seed)
			if strat == "pct" {
				s = scheduler.NewPCT(seed, 3, 0)
			}
			rep, err := sim.Explore(p.scenario, sim.Options{Strategy: s, Runs: 40, Workers: workers, Races: true, SelfCheck: true, MaxSteps: 2000, Meta: genMeta})
			if err != nil {
				t.Fatal(err)
			}
			for k := range rep.Counts {
				switch k {
				case sim.Panic, sim.Misuse, sim.Nondeterminism, sim.Divergence, sim.Hung:
					t.Fatalf("a %s finding in a correct use of the library:\n%v", k, rep.Findings)
				}
			}
			return reportBytes(t, rep)
		}
		first := explore(1)
		if again := explore(1); again != first {
			t.Fatalf("the same seed gave another report:\n%s\n---\n%s", first, again)
		}
		if two := explore(2); two != first {
			t.Fatalf("2 workers gave another report than 1:\n%s\n---\n%s", first, two)
		}
	})
}

// TestDeterminismGOMAXPROCS: the report and trace bytes of the same
// exploration do not depend on GOMAXPROCS.
func TestDeterminismGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	p := program{mutexes: 2, vars: 2, actors: [][]genOp{{{0, 0}, {8, 0}, {4, 0}}, {{2, 1}, {8, 1}, {5, 1}}, {{1, 0}, {3, 0}, {7, 0}}}}
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Uint64Range(1, 1<<20).Draw(rt, "seed")
		var want string
		for _, procs := range []int{1, 2} {
			runtime.GOMAXPROCS(procs)
			for _, workers := range []int{1, 2} {
				rep, err := sim.Explore(p.scenario, sim.Options{Seed: seed, Runs: 200, Workers: workers, Races: true, Meta: genMeta})
				if err != nil {
					rt.Fatal(err)
				}
				got := reportBytes(rt, rep)
				if want == "" {
					want = got
					if len(rep.Findings) == 0 {
						rt.Fatalf("no finding: the test would compare little")
					}
				} else if got != want {
					rt.Fatalf("GOMAXPROCS %d, workers %d: another report:\n%s\n---\n%s", procs, workers, want, got)
				}
			}
		}
	})
}

var genMeta = sim.Meta{Protocol: "generated", Variant: "property"}
