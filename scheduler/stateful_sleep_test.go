package scheduler_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// noSleep is stateful search without sleep sets (with symmetry reduction
// unless exact).
func noSleep(exact bool) *scheduler.Stateful {
	st := scheduler.NewStateful()
	st.NoSleep, st.NoSymmetry = true, exact
	return st
}

// recordsCommute is stateful search with a seeded bug: steps that record
// history events sleep through each other.
func recordsCommute(exact bool) *scheduler.Stateful {
	st := scheduler.NewStateful()
	st.NoSymmetry = exact
	st.RecordsCommute()
	return st
}

// compareSleep explores s with sleep sets (strat) and without: both must
// reach the same terminal states (modulo permutation), finding kinds and
// coverage, the search with sleep sets storing no more states. (Sleep
// sets prune transitions, not states, but the hash tells apart some states
// that differ only by the order of independent steps: a Choose site is an
// object of the actor that reached it first. So the search with sleep
// sets, which runs one order of them, may store fewer.) It returns an
// error describing the first difference.
func compareSleep(t *testing.T, s sim.Scenario, opts sim.Options, exact bool, strat *scheduler.Stateful, key func(*sim.History, *sim.Finding) string) (ref, got outcome, err error) {
	t.Helper()
	opts.Coverage = true
	ref = exploreKeys(t, s, opts, noSleep(exact), key)
	got = exploreKeys(t, s, opts, strat, key)
	switch {
	case !ref.rep.Exhausted || !got.rep.Exhausted:
		return ref, got, fmt.Errorf("not exhausted: without sleep sets %v, with %v", ref.rep.Exhausted, got.rep.Exhausted)
	case got.rep.States > ref.rep.States:
		return ref, got, fmt.Errorf("%d states with sleep sets, %d without", got.rep.States, ref.rep.States)
	case !slices.Equal(ref.kinds, got.kinds):
		return ref, got, fmt.Errorf("finding kinds %v with sleep sets, %v without", got.kinds, ref.kinds)
	case !maps.Equal(ref.states, got.states):
		return ref, got, fmt.Errorf("%d terminal states with sleep sets, %d without", len(got.states), len(ref.states))
	case !reflect.DeepEqual(ref.rep.Coverage.Objects, got.rep.Coverage.Objects):
		return ref, got, fmt.Errorf("coverage with sleep sets %+v, without %+v", got.rep.Coverage.Objects, ref.rep.Coverage.Objects)
	}
	return ref, got, nil
}

// TestStatefulSleepSets: on the group-commit variants at 2 threads (and
// lockfree and mutexqueue at 3 unless -short), with and without symmetry
// reduction, the stateful search with sleep sets reaches the same terminal
// states, finding kinds and coverage as the search without them, in fewer
// executions.
func TestStatefulSleepSets(t *testing.T) {
	type config struct {
		protocol, variant string
		threads           int
	}
	var configs []config
	for _, name := range []string{"lockfree", "mutexqueue", "broadcast"} {
		p, err := protocols.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range p.Variants {
			if v.Expected == sim.Clean || *statefulLong {
				configs = append(configs, config{name, v.Name, 2})
			}
		}
	}
	if !testing.Short() {
		configs = append(configs, config{"lockfree", "clear-before-enqueue", 3}, config{"mutexqueue", "final-review", 3})
	}
	for _, c := range configs {
		for _, exact := range []bool{false, true} {
			if exact && c.threads == 3 {
				continue // 73,035 and 108,104 states: long
			}
			t.Run(fmt.Sprintf("%s/%s/%d/exact=%v", c.protocol, c.variant, c.threads, exact), func(t *testing.T) {
				p, err := protocols.Lookup(c.protocol)
				if err != nil {
					t.Fatal(err)
				}
				params := smallParams
				params.Threads = c.threads
				_, s, _, err := protocols.Scenario(c.protocol, c.variant, params)
				if err != nil {
					t.Fatal(err)
				}
				opts := sim.Options{Runs: 400000, MaxSpurious: 1, Cost: p.Cost}
				st := scheduler.NewStateful()
				st.NoSymmetry = exact
				ref, got, err := compareSleep(t, s, opts, exact, st, monitorKey)
				if err != nil {
					if !ref.rep.Exhausted {
						t.Skipf("without sleep sets: not finished in %d executions", ref.rep.Runs)
					}
					t.Fatal(err)
				}
				if got.rep.Runs >= ref.rep.Runs {
					t.Errorf("%d executions with sleep sets, %d without: no reduction", got.rep.Runs, ref.rep.Runs)
				}
				t.Logf("%d states; executions %d without sleep sets, %d with", got.rep.States, ref.rep.Runs, got.rep.Runs)
			})
		}
	}
}

// TestStatefulSleepSetsCatchBugs: the comparison fails when it should:
// with a seeded bug in the dependency relation (steps that record history
// events commute), the search with sleep sets loses terminal states of
// some of the random scenarios. (Lockfree at 2 threads has two terminal
// states modulo permutation, which the bug keeps.)
func TestStatefulSleepSetsCatchBugs(t *testing.T) {
	caught, cases := 0, 0
	rapid.Check(t, func(rt *rapid.T) {
		sc := genScenario(rt)
		opts := sim.Options{Runs: 20000, MaxSpurious: 1, MaxSteps: 200}
		cases++
		if _, _, err := compareSleep(t, sc.run, opts, true, recordsCommute(true), historyKey); err != nil {
			caught++
		}
	})
	if caught == 0 {
		t.Errorf("records commuting went unnoticed in %d random scenarios", cases)
	}
	t.Logf("records commuting caught in %d of %d random scenarios", caught, cases)
}

// TestStatefulSleepSetsOffWhenTimed: under a cost model that prices
// operations, independent steps do not commute (who ran first decides who
// waits for a processor), so the search keeps no sleep sets: it runs
// exactly the executions of the search without them.
func TestStatefulSleepSetsOffWhenTimed(t *testing.T) {
	_, s, _, err := protocols.Scenario("lockfree", "clear-before-enqueue", smallParams)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cost  sim.Cost
		timed bool
	}{{sim.Cost{}, false}, {sim.Cost{OpCPU: 1, CPUs: 1}, true}} {
		opts := sim.Options{Runs: 100000, NoSpurious: true, Cost: c.cost}
		ref := exploreKeys(t, s, opts, noSleep(false), monitorKey)
		got := exploreKeys(t, s, opts, scheduler.NewStateful(), monitorKey)
		if same := got.rep.Runs == ref.rep.Runs; same != c.timed {
			t.Errorf("cost %+v: %d executions with sleep sets, %d without", c.cost, got.rep.Runs, ref.rep.Runs)
		}
		sameOutcome(t, fmt.Sprintf("cost %+v", c.cost), ref, got)
	}
}
