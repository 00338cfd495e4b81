package sim_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// addScenario: n actors each increment a shared counter under a mutex,
// or racily (read, then write) when racy.
func addScenario(n int, racy bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewMutex(x, "mu")
		c := sim.NewVar(x, "c", 0)
		var hs []*sim.Actor
		for i := 0; i < n; i++ {
			hs = append(hs, x.Go(fmt.Sprintf("t%d", i), func() {
				if !racy {
					mu.Lock()
				}
				c.Write(c.Read() + 1)
				if !racy {
					mu.Unlock()
				}
			}))
		}
		for _, h := range hs {
			h.Join()
		}
		x.Assert(c.Read() == n, "counter %d, want %d", c.Read(), n)
	}
}

// TestStatefulMatchesStates: state matching visits far fewer executions
// than brute force on symmetric actors, and both reach the same verdict:
// the lost update found both ways, the locked counter clean both ways.
func TestStatefulMatchesStates(t *testing.T) {
	for _, c := range []struct {
		name string
		racy bool
		want []sim.Kind
	}{
		{"locked", false, []sim.Kind{}},
		{"racy", true, []sim.Kind{sim.Assertion}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := addScenario(3, c.racy)
			run := func(strat scheduler.Strategy) *sim.Report {
				rep, err := sim.Explore(s, sim.Options{Runs: 1 << 20, Strategy: strat})
				if err != nil {
					t.Fatal(err)
				}
				if !rep.Exhausted {
					t.Fatalf("%s did not finish", strat.Info().Name)
				}
				return rep
			}
			brute, st := run(scheduler.NewBruteForce()), run(scheduler.NewStateful())
			if !slices.Equal(brute.Kinds(), c.want) && !(len(c.want) == 0 && len(brute.Kinds()) == 0) {
				t.Errorf("brute force found %v, want %v", brute.Kinds(), c.want)
			}
			if !slices.Equal(st.Kinds(), brute.Kinds()) {
				t.Errorf("stateful found %v, brute force %v", st.Kinds(), brute.Kinds())
			}
			if st.Runs >= brute.Runs || st.States == 0 || st.Cut == 0 {
				t.Errorf("stateful: %d executions (%d states, %d cut), brute force %d: no matching", st.Runs, st.States, st.Cut, brute.Runs)
			}
			if st.TerminalStates != brute.TerminalStates {
				t.Errorf("terminal states: stateful %d, brute force %d", st.TerminalStates, brute.TerminalStates)
			}
		})
	}
}

// TestStatefulWorkersAgree: a stateful search's counts and findings do not
// depend on the worker count (its one task runs on one worker).
func TestStatefulWorkersAgree(t *testing.T) {
	_, s, _, err := protocols.Scenario("lockfree", "clear-after-enqueue", protocols.Params{Threads: 2, Txns: 1})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, w := range []int{1, 2} {
		rep, err := sim.Explore(s, sim.Options{Runs: 1 << 20, Workers: w, MaxSpurious: 1, Strategy: scheduler.NewStateful()})
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, reportKey(rep)+fmt.Sprintf(" states=%d cut=%d", rep.States, rep.Cut))
	}
	if keys[0] != keys[1] {
		t.Errorf("1 worker:\n%s\n2 workers:\n%s", keys[0], keys[1])
	}
}

// condScenario: a waiter and a signaller on a cond; with early the
// signaller sets the flag before the waiter can start, so that the wait is
// never reached.
func condScenario(early bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewMutex(x, "mu")
		cond := sim.NewCond(x, "cond", mu)
		flag := sim.NewVar(x, "flag", early)
		x.Probe("waiters", 0, 1)
		w := x.Go("waiter", func() {
			mu.Lock()
			for !flag.Read() {
				x.Probe("waiters", 1, 1)
				cond.Wait()
			}
			mu.Unlock()
		})
		s := x.Go("signaller", func() {
			mu.Lock()
			flag.Write(true)
			cond.Signal()
			mu.Unlock()
		})
		w.Join()
		s.Join()
	}
}

// TestCoverage: a pass whose cond wait is never reached is reported as
// vacuous (a warning on the cond and on the probe); one that waits is not.
func TestCoverage(t *testing.T) {
	for _, c := range []struct {
		name     string
		early    bool
		warnings int
		probe    int
	}{
		{"waits", false, 0, 1},
		{"vacuous", true, 2, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := sim.Explore(condScenario(c.early), sim.Options{Runs: 1000, Strategy: scheduler.NewStateful(), Coverage: true})
			if err != nil {
				t.Fatal(err)
			}
			cov := rep.Coverage
			if len(rep.Findings) != 0 || cov == nil {
				t.Fatalf("findings %v, coverage %v", rep.Kinds(), cov)
			}
			if len(cov.Warnings) != c.warnings {
				t.Errorf("warnings %q, want %d", cov.Warnings, c.warnings)
			}
			if len(cov.Probes) != 1 || cov.Probes[0].Max != c.probe {
				t.Errorf("probes %+v, want waiters max %d", cov.Probes, c.probe)
			}
			merged := sim.MergeCoverage([]*sim.Report{rep, rep})
			if !reflect.DeepEqual(merged, cov) {
				t.Errorf("merged coverage of one report twice differs:\n%+v\n%+v", merged, cov)
			}
			if _, err := json.Marshal(cov); err != nil {
				t.Error(err)
			}
		})
	}
}

// ExampleExecution_Probe: a protocol names a quantity whose largest value
// the exploration reports; a goal it never reaches makes a clean verdict
// vacuous.
func ExampleExecution_Probe() {
	rep, _ := sim.Explore(condScenario(false), sim.Options{Runs: 1000, Strategy: scheduler.NewStateful(), Coverage: true})
	for _, p := range rep.Coverage.Probes {
		fmt.Printf("%s: max %d (goal %d)\n", p.Name, p.Max, p.Goal)
	}
	fmt.Println("warnings:", len(rep.Coverage.Warnings))
	// Output:
	// waiters: max 1 (goal 1)
	// warnings: 0
}

// ExampleObject_StateOf: an object declares its state for state matching,
// so that calls in different orders that leave it the same merge.
func ExampleObject_StateOf() {
	s := func(x *sim.Execution) {
		total := 0
		obj := sim.NewObject(x, "adder")
		obj.StateOf(func() any { return total }, false)
		var hs []*sim.Actor
		for i := 1; i <= 3; i++ {
			hs = append(hs, x.Go(fmt.Sprintf("t%d", i), func() { obj.Do(func() { total += i }) }))
		}
		for _, h := range hs {
			h.Join()
		}
	}
	st, _ := sim.Explore(s, sim.Options{Runs: 100000, Strategy: scheduler.NewStateful()})
	brute, _ := sim.Explore(s, sim.Options{Runs: 100000, Strategy: scheduler.NewBruteForce()})
	fmt.Println("stateful:", st.Exhausted, st.States, "states,", st.Runs-st.Cut, "executions to the end")
	fmt.Println("brute force:", brute.Exhausted, brute.Runs, "executions")
	// Output:
	// stateful: true 30 states, 12 executions to the end
	// brute force: true 280 executions
}

// TestStatefulRefusesUnhashed: a scenario that uses one of Go's
// primitives whose state the hash does not cover is refused by the
// stateful search (an error, not verified), while brute force, which
// hashes nothing, explores it; a scenario of sim's own primitives is not
// refused.
func TestStatefulRefusesUnhashed(t *testing.T) {
	uses := map[string]func(x *sim.Execution){
		"chan":      func(x *sim.Execution) { sim.NewChan[int](x, "c", 1) },
		"gomutex":   func(x *sim.Execution) { sim.NewGoMutex(x, "m") },
		"rwmutex":   func(x *sim.Execution) { sim.NewRWMutex(x, "rw") },
		"waitgroup": func(x *sim.Execution) { sim.NewWaitGroup(x, "wg") },
		"once":      func(x *sim.Execution) { sim.NewOnce(x, "o") },
		"gocond":    func(x *sim.Execution) { sim.NewGoCond(x, "c", sim.NewGoMutex(x, "m")) },
		"semaphore": func(x *sim.Execution) { sim.NewSemaphore(x, "s", 1) },
		"timer":     func(x *sim.Execution) { sim.NewTimer(x, 5).Stop() },
		"context":   func(x *sim.Execution) { _, cancel := sim.WithCancel(sim.Background(x)); cancel() },
		"free":      func(x *sim.Execution) { x.Free(sim.NewMutex(x, "m")) },
		"none":      func(x *sim.Execution) {},
	}
	for name, use := range uses {
		t.Run(name, func(t *testing.T) {
			s := func(x *sim.Execution) {
				use(x)
				v := sim.NewVar(x, "v", 0)
				a := x.Go("a", func() { v.Write(1) })
				b := x.Go("b", func() { v.Write(2) })
				a.Join()
				b.Join()
			}
			rep, err := sim.Explore(s, sim.Options{Runs: 1000, Strategy: scheduler.NewStateful()})
			if err != nil {
				t.Fatal(err)
			}
			refused := len(rep.Errors) > 0
			if refused != (name != "none") {
				t.Fatalf("stateful errors %q, want refused %v", rep.Errors, name != "none")
			}
			brute, err := sim.Explore(s, sim.Options{Runs: 1000, Strategy: scheduler.NewBruteForce()})
			if err != nil {
				t.Fatal(err)
			}
			if len(brute.Errors) > 0 || !brute.Exhausted {
				t.Errorf("brute force: errors %q, exhausted %v", brute.Errors, brute.Exhausted)
			}
		})
	}
}

// TestStatefulAtomicInt: AtomicInt's value and what its operations return
// are in the state: 3 actors adding to, swapping and loading an AtomicInt
// reach the same terminal states as brute force (which a hash without
// them does not: it merged states and lost some).
func TestStatefulAtomicInt(t *testing.T) {
	s := func(x *sim.Execution) {
		c := sim.NewAtomicInt[int64](x, "c", 0)
		out := sim.NewVar(x, "out", int64(0))
		a := x.Go("a", func() { c.Add(1); c.Add(1) })
		b := x.Go("b", func() { c.Swap(5) })
		d := x.Go("d", func() { out.Write(c.Load()*10 + c.Load()) })
		a.Join()
		b.Join()
		d.Join()
		x.Record(fmt.Sprint(c.Load(), out.Read()))
	}
	ends := func(strat scheduler.Strategy) map[string]bool {
		got := map[string]bool{}
		rep, err := sim.Explore(s, sim.Options{Runs: 1 << 16, Strategy: strat,
			OnExecution: func(_ int, h *sim.History, f *sim.Finding) {
				if f == nil && len(h.Events) > 0 {
					got[fmt.Sprint(h.Events[len(h.Events)-1].Value)] = true
				}
			}})
		if err != nil || !rep.Exhausted || len(rep.Errors) > 0 {
			t.Fatalf("%s: err %v, exhausted %v, errors %q", strat.Info().Name, err, rep.Exhausted, rep.Errors)
		}
		return got
	}
	brute, st := ends(scheduler.NewBruteForce()), ends(scheduler.NewStateful())
	if !reflect.DeepEqual(brute, st) {
		t.Errorf("stateful ends %v, brute force %v", st, brute)
	}
	if len(brute) < 5 {
		t.Errorf("brute force reached only %v", brute)
	}
}

// symCounter: n symmetric actors, each taking its own atomic's value and
// adding it to a shared counter under a mutex; declared symmetric unless declare is
// false, with member 2 declaring one object fewer when misshapen, and a
// plain history check when plainCheck.
func symCounter(n int, declare, misshapen, plainCheck bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewMutex(x, "mu")
		c := sim.NewVar(x, "c", 0)
		if plainCheck {
			x.Check(func(h *sim.History) *sim.Finding { return nil })
		}
		for i := 1; i <= n; i++ {
			own := sim.NewAtomic(x, fmt.Sprintf("own%d", i), 1)
			a := x.Go(fmt.Sprintf("t%d", i), func() {
				v := own.Swap(0) // take own's value, then add it
				mu.Lock()
				defer mu.Unlock()
				c.Write(c.Read() + v)
			})
			switch {
			case !declare:
			case misshapen && i == 2:
				x.SymmetricMember(i, a)
			default:
				x.SymmetricMember(i, own, a)
			}
		}
	}
}

// TestSymmetryFallsBack: symmetry reduction stores fewer states than plain
// matching on a declared symmetric group, and exactly as many when it must
// not apply: a check that is not a SymmetricMonitor (it may read actor
// ids), or members declared with different shapes. The terminal states
// are the same every time.
func TestSymmetryFallsBack(t *testing.T) {
	run := func(s sim.Scenario) *sim.Report {
		rep, err := sim.Explore(s, sim.Options{Runs: 1 << 20, Strategy: scheduler.NewStateful()})
		if err != nil || !rep.Exhausted {
			t.Fatalf("err %v, exhausted %v", err, rep != nil && rep.Exhausted)
		}
		return rep
	}
	plain := run(symCounter(3, false, false, false))
	for _, c := range []struct {
		name                  string
		misshapen, plainCheck bool
		reduces               bool
	}{
		{"symmetric", false, false, true},
		{"plain check", false, true, false},
		{"misshapen", true, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ref := plain
			if c.plainCheck {
				ref = run(symCounter(3, false, false, true))
			}
			got := run(symCounter(3, true, c.misshapen, c.plainCheck))
			if c.reduces != (got.States < ref.States) || (!c.reduces && got.States != ref.States) {
				t.Errorf("symmetric %d states, plain %d: want reduction %v", got.States, ref.States, c.reduces)
			}
			if got.TerminalStates > ref.TerminalStates || got.TerminalStates == 0 {
				t.Errorf("terminal states: symmetric %d, plain %d", got.TerminalStates, ref.TerminalStates)
			}
		})
	}
}
