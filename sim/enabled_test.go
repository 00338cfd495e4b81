package sim_test

import (
	"fmt"
	"hash/fnv"
	"testing"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// goVocabulary uses every kind of blocker of Go's vocabulary: channels
// (buffered, unbuffered, closed), select with a timeout, a WaitGroup, a
// Once, an RWMutex, a GoMutex, a GoCond, a semaphore, timers and a
// context, beside sim's Mutex and Cond.
func goVocabulary(x *sim.Execution) {
	jobs := sim.NewChan[int](x, "jobs", 1)
	done := sim.NewChan[int](x, "done", 2) // a worker never waits on it after a timeout
	wg := sim.NewWaitGroup(x, "wg")
	once := sim.NewOnce(x, "once")
	rw := sim.NewRWMutex(x, "rw")
	gm := sim.NewGoMutex(x, "gm")
	gc := sim.NewGoCond(x, "gc", gm)
	sem := sim.NewSemaphore(x, "sem", 1)
	mu := sim.NewMutex(x, "mu")
	cond := sim.NewCond(x, "cond", mu)
	v := sim.NewVar(x, "v", 0)
	ready, flag := false, false
	for _, name := range []string{"w1", "w2"} {
		wg.Go(name, func() {
			once.Do(func() {})
			for j := range jobs.Range() {
				sem.Acquire(1)
				rw.RLock()
				_ = v.Read()
				rw.RUnlock()
				sem.Release(1)
				done.Send(j)
			}
			gm.Lock()
			for !ready {
				gc.Wait()
			}
			gm.Unlock()
			mu.Lock()
			for !flag {
				cond.Wait()
			}
			mu.Unlock()
		})
	}
	x.Go("feeder", func() {
		for j := 1; j <= 2; j++ {
			jobs.Send(j)
		}
		jobs.Close()
	})
	ctx, cancel := sim.WithTimeout(sim.Background(x), 10*sim.Millisecond)
	defer cancel()
	for got := 0; got < 2; {
		i := sim.Select(x, done.RecvCase(nil), ctx.Done().RecvCase(nil))
		if i == 1 {
			break
		}
		got++
		rw.Lock()
		v.Write(got)
		rw.Unlock()
	}
	gm.Lock()
	ready = true
	gc.Broadcast()
	gm.Unlock()
	mu.Lock()
	flag = true
	cond.Broadcast()
	mu.Unlock()
	wg.Wait()
}

// sleptThenBlocked has actors that sleep in GoSleep (fair defers them
// until the others have stepped) and then wait on a mutex: asked again
// when it is unlocked, they must still go through fair.
func sleptThenBlocked(x *sim.Execution) {
	mu := sim.NewGoMutex(x, "mu")
	v := sim.NewVar(x, "v", 0)
	wg := sim.NewWaitGroup(x, "wg")
	mu.Lock()
	for _, name := range []string{"s1", "s2"} {
		wg.Go(name, func() {
			sim.GoSleep(x, sim.Millisecond)
			mu.Lock()
			v.Write(v.Read() + 1)
			x.Record(name)
			mu.Unlock()
		})
	}
	wg.Go("spin", func() {
		for range 6 {
			v.Write(v.Read() + 1)
		}
	})
	sim.GoSleep(x, 2*sim.Millisecond)
	for range 4 {
		v.Write(v.Read() + 1)
	}
	mu.Unlock()
	wg.Wait()
}

// keptRun is a scenario the kept enabled set's tests explore.
type keptRun struct {
	name string
	s    sim.Scenario
	opts sim.Options
}

// keptRuns are every protocol variant and the scenarios above.
func keptRuns(t *testing.T) []keptRun {
	var runs []keptRun
	for _, p := range protocols.All {
		for _, v := range p.Variants {
			proto, s, _, err := protocols.Scenario(p.Name, v.Name, protocols.Params{})
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, keptRun{p.Name + "/" + v.Name, s, sim.Options{Cost: proto.Cost, MaxSteps: proto.MaxSteps, Races: true}})
		}
	}
	return append(runs, keptRun{"go-vocabulary", goVocabulary, sim.Options{Races: true}},
		keptRun{"slept-then-blocked", sleptThenBlocked, sim.Options{}})
}

// TestKeptEnabledSet checks, at every decision taken from the kept
// enabled set, that a full scan of the actors gives the same choices in
// the same order: over every protocol variant and a scenario with every
// kind of blocker, under a random walk (which is asked with counts only)
// and PCT (which is given the choices).
func TestKeptEnabledSet(t *testing.T) {
	restore := sim.SetCheckEnabledSet(true)
	defer restore()
	for _, r := range keptRuns(t) {
		for _, strat := range []scheduler.Strategy{scheduler.NewRandom(3), scheduler.NewPCT(3, 3, 200)} {
			opts := r.opts
			opts.Runs, opts.Strategy = 20, strat
			if testing.Short() {
				opts.Runs = 5
			}
			if _, err := sim.Explore(r.s, opts); err != nil {
				t.Fatalf("%s: %v", r.name, err)
			}
		}
		if n, first, _ := sim.EnabledSetMismatches(); n > 0 {
			t.Fatalf("%s: %d decisions differ from a full scan; the first: %s", r.name, n, first)
		}
	}
	if _, _, kept := sim.EnabledSetMismatches(); kept == 0 {
		t.Fatal("no decision was taken from the kept set: the check looked at nothing")
	}
}

// TestKeptEnabledSetCatchesStale seeds a bug, Lock and Unlock treated as
// operations that change no blocker, and expects the check to see the
// stale set in mutexqueue (whose threads wait on mutexes).
func TestKeptEnabledSetCatchesStale(t *testing.T) {
	restore := sim.SetCheckEnabledSet(true)
	defer restore()
	defer sim.SetEveryOpPure(true)()
	proto, s, _, err := protocols.Scenario("mutexqueue", "shipped", protocols.Params{Threads: 4, Txns: 1})
	if err != nil {
		t.Fatal(err)
	}
	opts := sim.Options{Runs: 20, Strategy: scheduler.NewRandom(1), Cost: proto.Cost, MaxSteps: proto.MaxSteps}
	if _, err := sim.Explore(s, opts); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := sim.EnabledSetMismatches(); n == 0 {
		t.Fatal("a kept set that ignores Lock and Unlock went unnoticed")
	}
}

// fingerprint explores r under strat and hashes every execution's
// history (steps, events) and finding.
func fingerprint(t *testing.T, r keptRun, strat scheduler.Strategy, runs int) uint64 {
	t.Helper()
	h := fnv.New64a()
	opts := r.opts
	opts.Runs, opts.Strategy = runs, strat
	opts.OnExecution = func(run int, hi *sim.History, f *sim.Finding) {
		fmt.Fprintf(h, "run %d steps %d now %d\n", run, hi.Steps, hi.Now)
		for _, e := range hi.Events {
			fmt.Fprintf(h, "%d %d %d %v\n", e.Step, e.Actor, e.Time, e.Value)
		}
		if f != nil {
			fmt.Fprintf(h, "%s %d %s\n", f.Kind, f.Step, f.Message)
		}
	}
	if _, err := sim.Explore(r.s, opts); err != nil {
		t.Fatalf("%s: %v", r.name, err)
	}
	return h.Sum64()
}

// TestKeptEnabledSetSameExecutions explores every scenario of keptRuns
// twice, scanning every actor at every decision and keeping the enabled
// set, and expects the same executions: what the check does not look at
// (fair scheduling, spurious wakeups, the random walk's draws) included.
func TestKeptEnabledSetSameExecutions(t *testing.T) {
	runs := 30
	if testing.Short() {
		runs = 8
	}
	for _, r := range keptRuns(t) {
		for _, strat := range []func() scheduler.Strategy{
			func() scheduler.Strategy { return scheduler.NewRandom(5) },
			func() scheduler.Strategy { return scheduler.NewPCT(5, 3, 200) },
		} {
			was := sim.SetKeepNothing(true)
			want := fingerprint(t, r, strat(), runs)
			sim.SetKeepNothing(false)
			got := fingerprint(t, r, strat(), runs)
			sim.SetKeepNothing(was)
			if got != want {
				t.Errorf("%s, %s: the executions differ from those of a full scan at every decision", r.name, strat().Info().Name)
			}
		}
	}
}
