package scheduler_test

import (
	"flag"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// statefulLong runs the stateful searches of seeded bugs and of the
// variants whose reference search is long (about 5 minutes on 2 cores).
var statefulLong = flag.Bool("stateful.long", false, "run the long stateful-search tests")

// outcome is what a search reached: its terminal states, each named by a
// key, and its finding kinds.
type outcome struct {
	states map[string]bool
	kinds  []sim.Kind
	rep    *sim.Report
}

// exploreKeys runs s under strat and collects the terminal states by key.
func exploreKeys(t *testing.T, s sim.Scenario, opts sim.Options, strat scheduler.Strategy, key func(h *sim.History, f *sim.Finding) string) outcome {
	t.Helper()
	o := outcome{states: map[string]bool{}}
	opts.Strategy = strat
	opts.OnExecution = func(_ int, h *sim.History, f *sim.Finding) { o.states[key(h, f)] = true }
	rep, err := sim.Explore(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	o.rep = rep
	o.kinds = rep.Kinds()
	slices.Sort(o.kinds)
	return o
}

func kindOf(f *sim.Finding) string {
	if f == nil {
		return "clean"
	}
	return string(f.Kind)
}

// monitorKey names a group-commit terminal state as the commit-order
// monitor sees it (what state matching keeps of the history), with the
// finding's kind, modulo a permutation of the threads: the smallest hash
// of the monitor's state over every renaming of the thread numbers (the
// actors named t1, t2, ...), which is what symmetry reduction keeps.
func monitorKey(h *sim.History, f *sim.Finding) string {
	m := checkers.NewCommitOrderMonitor()
	for _, e := range h.Events {
		m.Event(e)
	}
	threads := 0
	for _, a := range h.Actors {
		if len(a) > 1 && a[0] == 't' && a[1] >= '1' && a[1] <= '9' {
			threads++
		}
	}
	perm := make([]int, threads)
	for i := range perm {
		perm[i] = i + 1
	}
	best := ^uint64(0)
	permute(perm, 0, func() {
		best = min(best, m.RenamedStateHash(func(t int) int {
			if t >= 1 && t <= len(perm) {
				return perm[t-1]
			}
			return t
		}))
	})
	return fmt.Sprintf("%s|%x", kindOf(f), best)
}

// permute calls f with p[i:] in every order.
func permute(p []int, i int, f func()) {
	if i >= len(p) {
		f()
		return
	}
	for k := i; k < len(p); k++ {
		p[i], p[k] = p[k], p[i]
		permute(p, i+1, f)
		p[i], p[k] = p[k], p[i]
	}
}

// historyKey names a terminal state by its whole history.
func historyKey(h *sim.History, f *sim.Finding) string {
	var b strings.Builder
	b.WriteString(kindOf(f))
	for _, e := range h.Events {
		fmt.Fprintf(&b, "|%d:%v", e.Actor, e.Value)
	}
	return b.String()
}

func sameOutcome(t *testing.T, what string, want, got outcome) {
	t.Helper()
	if !slices.Equal(want.kinds, got.kinds) {
		t.Errorf("%s: finding kinds %v, want %v", what, got.kinds, want.kinds)
	}
	if !maps.Equal(want.states, got.states) {
		var missing, extra []string
		for k := range want.states {
			if !got.states[k] {
				missing = append(missing, k)
			}
		}
		for k := range got.states {
			if !want.states[k] {
				extra = append(extra, k)
			}
		}
		slices.Sort(missing)
		slices.Sort(extra)
		t.Errorf("%s: %d terminal states, want %d; missing %.3q, extra %.3q", what, len(got.states), len(want.states), missing, extra)
	}
}

// TestStatefulGroupCommit: on every group-commit variant at 2 threads
// (spurious wakeups on), stateful search reaches the same terminal states,
// as the commit-order monitor sees them, and the same finding kinds as
// unbounded DPOR, which runs every Mazurkiewicz trace. Brute-force DFS
// does not finish there (the orders of two threads' 40-odd steps), so DPOR
// is the reference, itself tested against DFS (TestProtocolsDPORvsDFS).
// Races are off: the race detector's clocks are not part of the state.
func TestStatefulGroupCommit(t *testing.T) {
	for _, name := range []string{"lockfree", "mutexqueue", "broadcast"} {
		p, err := protocols.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range p.Variants {
			if !*statefulLong && v.Expected != sim.Clean {
				continue
			}
			t.Run(name+"/"+v.Name, func(t *testing.T) {
				_, s, _, err := protocols.Scenario(name, v.Name, smallParams)
				if err != nil {
					t.Fatal(err)
				}
				budget := 30000
				if testing.Short() {
					budget = 10000
				}
				opts := sim.Options{Runs: budget, MaxSpurious: 1, Cost: p.Cost}
				ref := exploreKeys(t, s, opts, scheduler.NewDPOR(), monitorKey)
				if !ref.rep.Exhausted {
					t.Skipf("DPOR did not finish in %d executions", ref.rep.Runs)
				}
				got := exploreKeys(t, s, opts, scheduler.NewStateful(), monitorKey)
				if !got.rep.Exhausted {
					t.Fatalf("stateful search did not finish in %d executions", got.rep.Runs)
				}
				sameOutcome(t, "stateful vs DPOR", ref, got)
				t.Logf("DPOR %d executions; stateful %d executions, %d states, %d terminal", ref.rep.Runs, got.rep.Runs, got.rep.States, len(got.states))
			})
		}
	}
}

// TestStatefulRandomScenarios: on small random scenarios (2-3 actors
// sharing mutexes, a cond, atomics and vars, and recording events),
// stateful search, with sleep sets and without, reaches the same terminal
// states (by whole history) and finding kinds as brute-force DFS over
// every decision.
func TestStatefulRandomScenarios(t *testing.T) {
	if testing.Short() && !*statefulLong {
		t.Skip("brute force on random scenarios")
	}
	rapid.Check(t, func(rt *rapid.T) {
		sc, opts, brute := bruteRandom(t, rt)
		for _, st := range []*scheduler.Stateful{scheduler.NewStateful(), noSleep(false)} {
			got := exploreKeys(t, sc.run, opts, st, historyKey)
			if !got.rep.Exhausted {
				rt.Fatalf("stateful search (no sleep sets: %v) did not finish", st.NoSleep)
			}
			if !slices.Equal(brute.kinds, got.kinds) || !maps.Equal(brute.states, got.states) {
				rt.Fatalf("stateful search (no sleep sets: %v): kinds %v, %d terminal states; brute force: kinds %v, %d terminal states (scenario %v)",
					st.NoSleep, got.kinds, len(got.states), brute.kinds, len(brute.states), sc.prog)
			}
		}
	})
}

// bruteRandom draws a random scenario and explores it by brute-force DFS
// over every decision, with the options the comparisons on random
// scenarios use; it skips the scenario if brute force does not finish.
func bruteRandom(t *testing.T, rt *rapid.T) (randScenario, sim.Options, outcome) {
	sc := genScenario(rt)
	opts := sim.Options{Runs: 20000, MaxSpurious: 1, MaxSteps: 200}
	brute := exploreKeys(t, sc.run, opts, scheduler.NewBruteForce(), historyKey)
	if !brute.rep.Exhausted {
		rt.Skip("brute force did not finish")
	}
	return sc, opts, brute
}

// A random scenario: each actor runs a short program of operations on
// shared objects.
type randScenario struct {
	prog [][]rop
}

type rop struct {
	kind, obj, val int
}

func (o rop) String() string { return fmt.Sprintf("%s%d=%d", ropNames[o.kind], o.obj, o.val) }

var ropNames = []string{"lock", "unlock", "load", "store", "cas", "read", "write", "record", "signal", "waitflag", "choose", "iload", "iadd", "iswap"}

func genScenario(rt *rapid.T) randScenario {
	actors := rapid.IntRange(2, 3).Draw(rt, "actors")
	var sc randScenario
	for a := 0; a < actors; a++ {
		n := rapid.IntRange(1, 5).Draw(rt, fmt.Sprintf("len%d", a))
		var p []rop
		for i := 0; i < n; i++ {
			p = append(p, rop{
				kind: rapid.IntRange(0, len(ropNames)-1).Draw(rt, "kind"),
				obj:  rapid.IntRange(0, 1).Draw(rt, "obj"),
				val:  rapid.IntRange(0, 2).Draw(rt, "val"),
			})
		}
		sc.prog = append(sc.prog, p)
	}
	return sc
}

// run is the scenario: two mutexes, a cond on mutex 0 with a flag, two
// atomics, two vars and two Go-style atomic integers (AtomicInt). An actor's record depends on what it read, so
// the history shows what the actors saw. Unlocking a mutex not held and
// waiting without the flag's mutex are findings, as they would be in a
// real protocol.
func (sc randScenario) run(x *sim.Execution) {
	mu := []*sim.Mutex{sim.NewMutex(x, "m0"), sim.NewMutex(x, "m1")}
	cond := sim.NewCond(x, "c", mu[0])
	flag := sim.NewVar(x, "flag", false)
	at := []*sim.Atomic[int]{sim.NewAtomic(x, "a0", 0), sim.NewAtomic(x, "a1", 0)}
	vs := []*sim.Var[int]{sim.NewVar(x, "v0", 0), sim.NewVar(x, "v1", 0)}
	ai := []*sim.AtomicInt[int64]{sim.NewAtomicInt[int64](x, "i0", 0), sim.NewAtomicInt[int64](x, "i1", 0)}
	var hs []*sim.Actor
	for i, p := range sc.prog {
		hs = append(hs, x.Go(fmt.Sprintf("t%d", i), func() {
			seen := 0
			held := [2]bool{}
			for _, o := range p {
				switch o.kind {
				case 0:
					if !held[o.obj] {
						mu[o.obj].Lock()
						held[o.obj] = true
					}
				case 1:
					if held[o.obj] {
						mu[o.obj].Unlock()
						held[o.obj] = false
					}
				case 2:
					seen = seen*3 + at[o.obj].Load()
				case 3:
					at[o.obj].Store(o.val)
				case 4:
					if at[o.obj].CompareAndSwap(seen%3, o.val) {
						seen++
					}
				case 5:
					seen = seen*3 + vs[o.obj].Read()
				case 6:
					vs[o.obj].Write(o.val + seen%2)
				case 7:
					x.Record(fmt.Sprintf("saw %d", seen))
				case 8:
					if !held[0] {
						mu[0].Lock()
					}
					flag.Write(true)
					cond.Signal()
					if !held[0] {
						mu[0].Unlock()
					}
				case 9:
					if !held[0] {
						mu[0].Lock()
					}
					for !flag.Read() {
						cond.Wait()
					}
					if !held[0] {
						mu[0].Unlock()
					}
				case 10:
					seen = seen*3 + x.Choose("c", 2)
				case 11:
					seen = seen*3 + int(ai[o.obj].Load()%3)
				case 12:
					seen = seen*3 + int(ai[o.obj].Add(int64(o.val))%3)
				case 13:
					seen = seen*3 + int(ai[o.obj].Swap(int64(o.val))%3)
				}
			}
			for i, h := range held {
				if h {
					mu[i].Unlock()
				}
			}
			x.Record(fmt.Sprintf("end %d", seen))
		}))
	}
	for _, h := range hs {
		h.Join()
	}
}

// TestStatefulFindsSeededBugs: stateful search finds every seeded bug of
// the group-commit protocols at 3 threads.
func TestStatefulFindsSeededBugs(t *testing.T) {
	if !*statefulLong {
		t.Skip("explores every seeded bug at 3 threads: -stateful.long")
	}
	for _, name := range []string{"lockfree", "mutexqueue", "broadcast"} {
		p, err := protocols.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range p.Variants {
			if v.Expected == sim.Clean {
				continue
			}
			t.Run(name+"/"+v.Name, func(t *testing.T) {
				_, s, _, err := protocols.Scenario(name, v.Name, protocols.Params{Threads: 3, Txns: 1})
				if err != nil {
					t.Fatal(err)
				}
				rep, err := sim.Explore(s, sim.Options{Runs: 2000000, MaxSpurious: 1, Cost: p.Cost,
					Strategy: scheduler.NewStateful(), StopOnKind: v.Expected})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(rep.Kinds(), v.Expected) {
					t.Errorf("stateful search missed %s in %d executions (exhausted %v, found %v)", v.Expected, rep.Runs, rep.Exhausted, rep.Kinds())
				}
				t.Logf("found %v in %d executions, %d states", rep.Kinds(), rep.Runs, rep.States)
			})
		}
	}
}

// ExampleNewStateful verifies a protocol configuration by depth-first
// search with state matching, with and without symmetry reduction over the
// threads the protocol declares symmetric.
func ExampleNewStateful() {
	_, s, _, _ := protocols.Scenario("lockfree", "clear-before-enqueue", protocols.Params{Threads: 2, Txns: 1})
	exact := scheduler.NewStateful()
	exact.NoSymmetry = true
	for _, strat := range []*scheduler.Stateful{exact, scheduler.NewStateful()} {
		rep, _ := sim.Explore(s, sim.Options{Runs: 1 << 20, MaxSpurious: 1, Strategy: strat})
		fmt.Printf("symmetry %v: exhausted %v, findings %d, %d states\n", strat.Symmetric(), rep.Exhausted, len(rep.Findings), rep.States)
	}
	// Output:
	// symmetry false: exhausted true, findings 0, 947 states
	// symmetry true: exhausted true, findings 0, 475 states
}

// TestStatefulSymmetry: symmetry reduction over the group-commit threads
// (declared by protocols/groupcommit) against the same stateful search
// without it: on every correct variant at 2 threads, and with
// -stateful.long on the seeded bugs too and on every variant at 3 (where
// the search without symmetry finishes), the same finding kinds, coverage and
// terminal states modulo a permutation of the threads, in fewer states;
// at 3 threads every seeded bug is found.
// The search without symmetry is itself tested against DPOR and brute
// force (TestStatefulGroupCommit, TestStatefulRandomScenarios).
func TestStatefulSymmetry(t *testing.T) {
	for _, name := range []string{"lockfree", "mutexqueue", "broadcast"} {
		p, err := protocols.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, threads := range []int{2, 3} {
			if threads == 3 && !*statefulLong {
				continue
			}
			for _, v := range p.Variants {
				if !*statefulLong && v.Expected != sim.Clean {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s/%d", name, v.Name, threads), func(t *testing.T) {
					params := smallParams
					params.Threads = threads
					_, s, _, err := protocols.Scenario(name, v.Name, params)
					if err != nil {
						t.Fatal(err)
					}
					opts := sim.Options{Runs: 60000, MaxSpurious: 1, Cost: p.Cost}
					if threads == 3 {
						opts.Runs = 400000
					}
					got := compareSymmetry(t, s, opts)
					if threads == 3 && v.Expected != sim.Clean && !slices.Contains(got.kinds, v.Expected) {
						t.Errorf("symmetric search missed %s: found %v", v.Expected, got.kinds)
					}
				})
			}
		}
	}
}

// TestStatefulSymmetryConfigs: configurations where the reduction falls
// back to plain matching from the leader's first Choose on (xid errors: a
// member creates the Choose site), or works on more than one transaction
// per thread or two engines, at 2 threads: the same terminal states modulo
// permutation and finding kinds as without symmetry, in fewer states. (The
// fallback of checks that are not SymmetricMonitors, as with readers or a
// crash, is sim.TestSymmetryFallsBack: those configurations do not finish
// here.)
func TestStatefulSymmetryConfigs(t *testing.T) {
	if testing.Short() {
		t.Skip("three configurations with and without symmetry")
	}
	for _, c := range []struct {
		name, protocol, variant string
		params                  protocols.Params
	}{
		{"xid-errors", "mutexqueue", "final-review", protocols.Params{Threads: 2, Txns: 1, XidErrors: true}},
		{"2txns", "lockfree", "clear-before-enqueue", protocols.Params{Threads: 2, Txns: 2}},
		{"2engines", "mutexqueue", "shipped", protocols.Params{Threads: 2, Txns: 1, Engines: 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := protocols.Lookup(c.protocol)
			if err != nil {
				t.Fatal(err)
			}
			_, s, _, err := protocols.Scenario(c.protocol, c.variant, c.params)
			if err != nil {
				t.Fatal(err)
			}
			opts := sim.Options{Runs: 60000, NoSpurious: true, Cost: p.Cost}
			compareSymmetry(t, s, opts)
		})
	}
}

// compareSymmetry explores s with and without symmetry reduction: the
// same finding kinds, terminal states modulo a permutation of the threads
// and coverage, in fewer states. It skips when the search without symmetry
// does not finish, and returns the symmetric search's outcome.
func compareSymmetry(t *testing.T, s sim.Scenario, opts sim.Options) outcome {
	t.Helper()
	opts.Coverage = true // compared below
	exact := exploreKeys(t, s, opts, exactStateful(), monitorKey)
	if !exact.rep.Exhausted {
		t.Skipf("stateful search without symmetry did not finish in %d executions", exact.rep.Runs)
	}
	got := exploreKeys(t, s, opts, scheduler.NewStateful(), monitorKey)
	if !got.rep.Exhausted {
		t.Fatalf("symmetric search did not finish in %d executions", got.rep.Runs)
	}
	sameOutcome(t, "symmetric vs exact", exact, got)
	// Coverage too: a member's operations reached only in the mirror
	// images the reduction does not visit are still reported as reached.
	if exact.rep.Coverage == nil || !reflect.DeepEqual(exact.rep.Coverage.Objects, got.rep.Coverage.Objects) {
		t.Errorf("coverage: symmetric %+v, exact %+v", got.rep.Coverage, exact.rep.Coverage)
	}
	if got.rep.States >= exact.rep.States {
		t.Errorf("symmetric search stored %d states, exact %d: no reduction", got.rep.States, exact.rep.States)
	}
	t.Logf("exact %d states, %d executions; symmetric %d states, %d executions", exact.rep.States, exact.rep.Runs, got.rep.States, got.rep.Runs)
	return got
}

// exactStateful is stateful search without symmetry reduction.
func exactStateful() *scheduler.Stateful {
	st := scheduler.NewStateful()
	st.NoSymmetry = true
	return st
}

// TestStatefulSymmetricRandomScenarios: on small random scenarios of 2-3
// symmetric members running the same random program, each on its own
// mutex and var and a node naming it (id and var) that it can publish in
// a shared var for the others to read and write through, with a shared
// mutex, cond, flag and atomic, symmetry-reduced stateful search reaches
// the same terminal states modulo a permutation of the members, and the
// same finding kinds, as brute-force DFS.
func TestStatefulSymmetricRandomScenarios(t *testing.T) {
	if !*statefulLong {
		t.Skip("brute force on random scenarios of up to 3 members: -stateful.long (200 cases: 5 minutes on busy cores)")
	}
	rapid.Check(t, func(rt *rapid.T) {
		sc := genSymScenario(rt)
		opts := sim.Options{Runs: 20000, MaxSpurious: 1, MaxSteps: 200}
		brute := exploreKeys(t, sc.run, opts, scheduler.NewBruteForce(), sc.key)
		if !brute.rep.Exhausted {
			rt.Skip("brute force did not finish")
		}
		got := exploreKeys(t, sc.run, opts, scheduler.NewStateful(), sc.key)
		if !got.rep.Exhausted {
			rt.Fatalf("stateful search did not finish")
		}
		if !slices.Equal(brute.kinds, got.kinds) || !maps.Equal(brute.states, got.states) {
			rt.Fatalf("symmetric stateful search: kinds %v, %d terminal states; brute force: kinds %v, %d terminal states (members %d, program %v)",
				got.kinds, len(got.states), brute.kinds, len(brute.states), sc.members, sc.prog)
		}
	})
}

// TestStatefulSymmetryMisdeclared shows that the comparison above can
// fail: two actors declared symmetric whose code differs in the value
// they record at their end lose terminal states under symmetry reduction
// (a state is cut at its mirror image, whose future records the other
// values), which brute force and the exact search reach.
func TestStatefulSymmetryMisdeclared(t *testing.T) {
	sc := symScenario{members: 2, prog: []rop{{kind: 2, val: 1}, {kind: 3}, {kind: 4}, {kind: 7}}}
	sc.differ = true
	opts := sim.Options{Runs: 20000, MaxSteps: 200}
	brute := exploreKeys(t, sc.run, opts, scheduler.NewBruteForce(), sc.key)
	got := exploreKeys(t, sc.run, opts, scheduler.NewStateful(), sc.key)
	exact := exploreKeys(t, sc.run, opts, exactStateful(), sc.key)
	if !maps.Equal(brute.states, exact.states) {
		t.Fatalf("exact stateful search: %d terminal states, brute force %d", len(exact.states), len(brute.states))
	}
	if maps.Equal(brute.states, got.states) {
		t.Errorf("a wrong symmetry declaration went unnoticed: %d terminal states both ways", len(got.states))
	}
}

// symScenario is a random symmetric scenario: members copies of prog.
// With differ, member 2 records a different value at its end (a wrong
// declaration).
type symScenario struct {
	members int
	prog    []rop
	differ  bool
}

var symOpNames = []string{"lockown", "lockshared", "writeown", "publish", "readhead", "writehead", "cas", "record", "signal", "waitflag", "choose"}

func genSymScenario(rt *rapid.T) symScenario {
	sc := symScenario{members: rapid.IntRange(2, 3).Draw(rt, "members")}
	n := rapid.IntRange(1, 5).Draw(rt, "len")
	for i := 0; i < n; i++ {
		sc.prog = append(sc.prog, rop{
			kind: rapid.IntRange(0, len(symOpNames)-1).Draw(rt, "kind"),
			val:  rapid.IntRange(0, 2).Draw(rt, "val"),
		})
	}
	return sc
}

// symNode names a member: its id and its var.
type symNode struct {
	ID int
	v  *sim.Var[int]
}

// symEvent is what a member records: what it has seen so far, and at
// its end its var's value.
type symEvent struct {
	Who, Saw, V int
	End         bool
}

// symMonitor keeps the events in order and finds two members that ended
// having seen the same nonzero value (a symmetric finding).
type symMonitor struct{ evs []symEvent }

func (m *symMonitor) Event(e sim.Event) {
	if ev, ok := e.Value.(symEvent); ok {
		m.evs = append(m.evs, ev)
	}
}

func (m *symMonitor) StateHash() uint64 { return m.RenamedStateHash(func(id int) int { return id }) }

func (m *symMonitor) RenamedStateHash(rename func(int) int) uint64 {
	h := uint64(len(m.evs))
	for _, e := range m.evs {
		h = h*31 + uint64(rename(e.Who))
		h = h*31 + uint64(e.Saw)
		h = h*31 + uint64(e.V)
		if e.End {
			h = h*31 + 1
		}
		h ^= h >> 29
	}
	return h
}

func (m *symMonitor) Check(h *sim.History) *sim.Finding {
	saw := map[int]bool{}
	for _, e := range h.Events {
		if ev, ok := e.Value.(symEvent); ok && ev.End && ev.Saw != 0 {
			if saw[ev.Saw] {
				return &sim.Finding{Kind: "same-saw", Message: fmt.Sprintf("two members saw %d", ev.Saw)}
			}
			saw[ev.Saw] = true
		}
	}
	return nil
}

func (sc symScenario) run(x *sim.Execution) {
	m0 := sim.NewMutex(x, "m0")
	cond := sim.NewCond(x, "c", m0)
	flag := sim.NewVar(x, "flag", false)
	head := sim.NewVar[*symNode](x, "head", nil)
	at := sim.NewAtomic(x, "a", 0)
	x.Monitor(&symMonitor{})
	sim.SymmetricIDField[symNode](x, "ID")
	sim.SymmetricIDField[symEvent](x, "Who")
	for id := 1; id <= sc.members; id++ {
		mu := sim.NewMutex(x, fmt.Sprintf("mu%d", id))
		me := &symNode{ID: id, v: sim.NewVar(x, fmt.Sprintf("v%d", id), 0)}
		prog, last := sc.prog, 0
		if sc.differ && id == 2 {
			last = 50
		}
		a := x.Go(fmt.Sprintf("t%d", id), func() {
			seen := 0
			var held [2]bool
			locks := [2]*sim.Mutex{mu, m0}
			for _, o := range prog {
				switch o.kind {
				case 0, 1:
					l := o.kind
					if held[l] {
						locks[l].Unlock()
					} else {
						locks[l].Lock()
					}
					held[l] = !held[l]
				case 2:
					me.v.Write(o.val + seen%2)
				case 3:
					head.Write(me)
				case 4:
					switch n := head.Read(); {
					case n == nil:
						seen = seen * 3
					case n == me:
						seen = seen*3 + 1
					default:
						seen = (seen*3+2)*3 + n.v.Read()
					}
				case 5:
					if n := head.Read(); n != nil {
						n.v.Write(o.val)
					}
				case 6:
					if at.CompareAndSwap(seen%3, o.val) {
						seen++
					}
				case 7:
					x.Record(symEvent{Who: me.ID, Saw: seen})
				case 8:
					if !held[1] {
						m0.Lock()
					}
					flag.Write(true)
					cond.Signal()
					if !held[1] {
						m0.Unlock()
					}
				case 9:
					if !held[1] {
						m0.Lock()
					}
					for !flag.Read() {
						cond.Wait()
					}
					if !held[1] {
						m0.Unlock()
					}
				case 10:
					seen = seen*3 + x.Choose("c", 2)
				}
			}
			for l, h := range held {
				if h {
					locks[l].Unlock()
				}
			}
			x.Record(symEvent{Who: me.ID, Saw: seen + last, V: me.v.Read(), End: true})
		})
		x.SymmetricMember(id, mu, me.v, a)
	}
}

// key names a terminal state by its history modulo a permutation of the
// members: the least rendering over every renaming of their ids.
func (sc symScenario) key(h *sim.History, f *sim.Finding) string {
	perm := make([]int, sc.members)
	for i := range perm {
		perm[i] = i + 1
	}
	best := ""
	permute(perm, 0, func() {
		var b strings.Builder
		b.WriteString(kindOf(f))
		for _, e := range h.Events {
			if ev, ok := e.Value.(symEvent); ok {
				fmt.Fprintf(&b, "|%d:%d:%d:%v", perm[ev.Who-1], ev.Saw, ev.V, ev.End)
			}
		}
		if s := b.String(); best == "" || s < best {
			best = s
		}
	})
	return best
}
