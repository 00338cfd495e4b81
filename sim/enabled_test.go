package sim_test

import (
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

// TestKeptEnabledSet checks, at every decision taken from the kept
// enabled set, that a full scan of the actors gives the same choices in
// the same order: over every protocol variant and a scenario with every
// kind of blocker, under a random walk (which is asked with counts only)
// and PCT (which is given the choices).
func TestKeptEnabledSet(t *testing.T) {
	restore := sim.SetCheckEnabledSet(true)
	defer restore()
	type run struct {
		name string
		s    sim.Scenario
		opts sim.Options
	}
	var runs []run
	for _, p := range protocols.All {
		for _, v := range p.Variants {
			proto, s, _, err := protocols.Scenario(p.Name, v.Name, protocols.Params{})
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, run{p.Name + "/" + v.Name, s, sim.Options{Cost: proto.Cost, MaxSteps: proto.MaxSteps, Races: true}})
		}
	}
	runs = append(runs, run{"go-vocabulary", goVocabulary, sim.Options{Races: true}})
	for _, r := range runs {
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
