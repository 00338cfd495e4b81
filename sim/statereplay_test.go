package sim_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// objectsScenario has two actors that call Objects without a declared
// state (their call chains are in the state), read and write a Var,
// Choose, and take a mutex; symmetric declares them members of a
// symmetric group (whose reduction an undeclared Object's call then
// turns off).
func objectsScenario(symmetric bool) sim.Scenario {
	return func(x *sim.Execution) {
		o := sim.NewObject(x, "o")
		p := sim.NewObject(x, "p")
		v := sim.NewVar(x, "v", 0)
		m := sim.NewMutex(x, "m")
		for i := 1; i <= 2; i++ {
			a := x.Go(fmt.Sprintf("t%d", i), func() {
				o.Do(func() {})
				m.Lock()
				v.Write(v.Read() + i)
				m.Unlock()
				if x.Choose("c", 2) == 1 {
					p.Do(func() {})
				}
				o.Do(func() {})
			})
			if symmetric {
				x.SymmetricMember(i, a)
			}
		}
	}
}

// replayConfig is a stateful search for the replayed-prefix tests.
type replayConfig struct {
	name   string
	s      sim.Scenario
	cost   sim.Cost
	runs   int
	noSym  bool
	spurio int
}

func replayConfigs(t *testing.T) []replayConfig {
	t.Helper()
	var cs []replayConfig
	for _, c := range []struct {
		label, proto, variant string
		params                protocols.Params
	}{
		{"lockfree", "lockfree", "clear-before-enqueue", protocols.Params{Threads: 2, Txns: 1}},
		{"mutexqueue", "mutexqueue", "final-review", protocols.Params{Threads: 2, Txns: 1}},
		{"xid-errors", "mutexqueue", "final-review", protocols.Params{Threads: 2, Txns: 1, XidErrors: true}},
		{"crash", "mutexqueue", "final-review", protocols.Params{Threads: 2, Txns: 1, Crash: true}},
		{"readers", "mutexqueue", "final-review", protocols.Params{Threads: 2, Txns: 1, Readers: 1}},
	} {
		p, s, _, err := protocols.Scenario(c.proto, c.variant, c.params)
		if err != nil {
			t.Fatal(err)
		}
		for _, noSym := range []bool{false, true} {
			cs = append(cs, replayConfig{name: fmt.Sprintf("%s/nosym=%v", c.label, noSym),
				s: s, cost: p.Cost, runs: 600, noSym: noSym, spurio: 1})
		}
	}
	for _, sym := range []bool{false, true} {
		cs = append(cs, replayConfig{name: fmt.Sprintf("objects/symmetric=%v", sym), s: objectsScenario(sym), runs: 100000})
	}
	return cs
}

func (c replayConfig) explore(t *testing.T) *sim.Report {
	t.Helper()
	st := scheduler.NewStateful()
	st.NoSymmetry = c.noSym
	rep, err := sim.Explore(c.s, sim.Options{Runs: c.runs, Strategy: st, Cost: c.cost, MaxSpurious: c.spurio})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestReplayedPrefix: a stateful search that skips the bookkeeping of the
// replayed prefix and restores it (statereplay.go) explores exactly what
// the search that computes it step by step does (executions, states,
// terminal states, findings); and with the check on, the bookkeeping
// restored at the first new decision of every execution equals what the
// steps computed, and every hash equals the hash from scratch.
func TestReplayedPrefix(t *testing.T) {
	for _, c := range replayConfigs(t) {
		t.Run(c.name, func(t *testing.T) {
			restore := sim.SetReplaySkip(false)
			want := c.explore(t)
			restore()
			got := c.explore(t)
			var checked *sim.Report
			n, first := withStateCacheCheck(t, func() { checked = c.explore(t) })
			if n != 0 {
				t.Fatalf("%d differences with the check on; first: %s", n, first)
			}
			for _, r := range []struct {
				name string
				rep  *sim.Report
			}{{"skipped", got}, {"checked", checked}} {
				if r.rep.Runs != want.Runs || r.rep.States != want.States || r.rep.TerminalStates != want.TerminalStates ||
					!slices.Equal(r.rep.Kinds(), want.Kinds()) || len(r.rep.Errors) != 0 {
					t.Errorf("%s: %d executions, %d states, %d terminal, %v, errors %q; computed step by step: %d, %d, %d, %v",
						r.name, r.rep.Runs, r.rep.States, r.rep.TerminalStates, r.rep.Kinds(), r.rep.Errors,
						want.Runs, want.States, want.TerminalStates, want.Kinds())
				}
			}
			t.Logf("%d executions, %d states, %d terminal states", want.Runs, want.States, want.TerminalStates)
			if want.Runs < 10 {
				t.Errorf("only %d executions: nothing replayed", want.Runs)
			}
		})
	}
}

// TestReplayedPrefixCatches proves the check the other way: a restore
// from the wrong decision's mark (a seeded bug) is reported.
func TestReplayedPrefixCatches(t *testing.T) {
	defer sim.SetReplayBug(true)()
	for _, c := range replayConfigs(t) {
		if strings.HasSuffix(c.name, "nosym=true") {
			continue // the others suffice: the bug is in every restore
		}
		t.Run(c.name, func(t *testing.T) {
			n, _ := withStateCacheCheck(t, func() { c.explore(t) })
			if n == 0 {
				t.Errorf("restoring the previous decision's bookkeeping was not caught")
			}
		})
	}
}

// TestReplayedPrefixNondeterministic: a scenario whose replay does not
// give the decisions it gave before is still reported, with the
// bookkeeping of the replayed prefix skipped.
func TestReplayedPrefixNondeterministic(t *testing.T) {
	calls := 0 // outside the execution: each one sees a different count
	s := func(x *sim.Execution) {
		calls++
		v := sim.NewVar(x, "v", 0)
		n := 2 + calls%2
		for i := 1; i <= n; i++ {
			x.Go(fmt.Sprintf("t%d", i), func() {
				v.Write(v.Read() + 1)
			})
		}
	}
	rep, err := sim.Explore(s, sim.Options{Runs: 1000, Strategy: scheduler.NewStateful()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) == 0 || !strings.Contains(rep.Errors[0], "not deterministic") {
		t.Errorf("errors %q, want the scenario reported as not deterministic", rep.Errors)
	}
}
