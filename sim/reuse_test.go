package sim_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/simrun/simrun/sim"
)

// reuseWorkers are the worker counts the reuse tests run with: memory is
// kept per worker.
var reuseWorkers = []struct {
	name    string
	workers int
}{
	{"one worker", 1},
	{"two workers", 2},
}

// TestReuse checks what a scenario gets from sim.Reuse: on each worker the
// memory the previous execution there left (its writes still in it), a
// fresh T the first time on the worker and for a second Reuse of the same
// T in one execution, and never the memory another worker is using.
func TestReuse(t *testing.T) {
	type mem struct{ runs int }
	type exec struct {
		first, second         *mem
		reused1, reused2      bool
		firstRuns, secondRuns int // what each held before this execution wrote
	}
	for _, tc := range reuseWorkers {
		t.Run(tc.name, func(t *testing.T) {
			const runs = 200
			var mu sync.Mutex // the workers' scenarios run at once
			var execs []exec
			scenario := func(x *sim.Execution) {
				var e exec
				e.first, e.reused1 = sim.Reuse[mem](x)
				e.second, e.reused2 = sim.Reuse[mem](x)
				e.firstRuns, e.secondRuns = e.first.runs, e.second.runs
				e.first.runs++
				e.second.runs++
				mu.Lock()
				execs = append(execs, e)
				mu.Unlock()
			}
			if _, err := sim.Explore(scenario, sim.Options{Runs: runs, Workers: tc.workers}); err != nil {
				t.Fatal(err)
			}
			if len(execs) != runs {
				t.Fatalf("%d executions, want %d", len(execs), runs)
			}
			kept := map[*mem]int{} // first's memory -> executions that used it
			fresh := 0
			for i, e := range execs {
				if e.second == e.first || e.reused2 || e.secondRuns != 0 {
					t.Fatalf("execution %d: the second Reuse is not fresh (same memory %v, reused %v, held %d)", i, e.second == e.first, e.reused2, e.secondRuns)
				}
				if !e.reused1 {
					fresh++
					if e.firstRuns != 0 {
						t.Fatalf("execution %d: fresh memory holds %d", i, e.firstRuns)
					}
				}
				kept[e.first]++
			}
			if fresh != len(kept) || fresh > tc.workers {
				t.Fatalf("%d fresh memories, %d distinct, want one per worker (at most %d)", fresh, len(kept), tc.workers)
			}
			for m, n := range kept {
				if m.runs != n { // every execution that used it saw the previous one's write
					t.Fatalf("memory used by %d executions counted %d", n, m.runs)
				}
			}
		})
	}
}

// A scenario keeps its server's log from one execution to the next: each
// execution empties it (a reset, not an allocation) and the array stays.
func ExampleReuse() {
	type server struct {
		log []int
	}
	scenario := func(x *sim.Execution) {
		s, reused := sim.Reuse[server](x)
		s.log = s.log[:0] // every field the execution reads is set anew
		for i := range 3 {
			s.log = append(s.log, i)
		}
		fmt.Printf("reused %v, log %v\n", reused, s.log)
	}
	if _, err := sim.Explore(scenario, sim.Options{Runs: 3, Workers: 1}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// reused false, log [0 1 2]
	// reused true, log [0 1 2]
	// reused true, log [0 1 2]
}

// TestInitInPlace checks primitives re-initialised in reused memory
// (InitMutex, InitCond, InitVar, InitObject): every execution starts with the mutex
// free, the variable at its initial value and the cond named anew on the
// new mutex, whatever the previous execution left (the mutex held, the
// variable written, the cond signalled); and re-initialising a primitive
// of the running execution is refused. (That the cond's last signal is
// forgotten shows only in a finding's text: not checked here.)
func TestInitInPlace(t *testing.T) {
	type mem struct {
		m sim.Mutex
		c sim.Cond
		v sim.Var[int]
		o sim.Object
	}
	for _, tc := range reuseWorkers {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			reused := 0
			scenario := func(x *sim.Execution) {
				p, ok := sim.Reuse[mem](x)
				if ok {
					mu.Lock()
					reused++
					mu.Unlock()
				}
				m := sim.InitMutex(x, &p.m, sim.Indexed("m", "t1"))
				c := sim.InitCond(x, &p.c, sim.Indexed("c", "t1"), m)
				v := sim.InitVar(x, &p.v, sim.Indexed("v", "t1"), 7)
				sim.InitObject(x, &p.o, "o").Do(func() {})
				if !m.TryLock() {
					x.Failf("stale", "the mutex is held at the start")
				}
				if got := v.Read(); got != 7 {
					x.Failf("stale", "the variable holds %d at the start", got)
				}
				if c.Name() != "c[t1]" || c.L != m {
					x.Failf("stale", "cond %q on %v", c.Name(), c.L)
				}
				c.Signal()
				v.Write(8) // and m left held
			}
			rep, err := sim.Explore(scenario, sim.Options{Runs: 30, Workers: tc.workers})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Findings {
				t.Errorf("finding %s: %s", f.Kind, f.Message)
			}
			if reused == 0 {
				t.Fatal("no execution reused the memory")
			}
		})
	}
	t.Run("twice in one execution", func(t *testing.T) {
		var msg string
		scenario := func(x *sim.Execution) {
			var m sim.Mutex
			sim.InitMutex(x, &m, sim.Indexed("m", ""))
			defer func() { msg = fmt.Sprint(recover()) }()
			sim.InitMutex(x, &m, sim.Indexed("m", ""))
		}
		if _, err := sim.Explore(scenario, sim.Options{Runs: 1}); err != nil {
			t.Fatal(err)
		}
		if want := "sim: InitMutex of a primitive already made in this execution"; msg != want {
			t.Fatalf("got %q, want %q", msg, want)
		}
	})
}

// ExampleInitMutex keeps a library's per-thread objects in memory reused
// from one execution to the next: each execution re-initialises them in
// place instead of allocating new ones.
func ExampleInitMutex() {
	type thread struct {
		lock sim.Mutex
		done sim.Var[bool]
	}
	scenario := func(x *sim.Execution) {
		t, _ := sim.Reuse[thread](x)
		lock := sim.InitMutex(x, &t.lock, sim.Indexed("LOCK", "t1"))
		done := sim.InitVar(x, &t.done, sim.Indexed("done", "t1"), false)
		lock.Lock()
		if done.Read() {
			x.Failf("stale", "done left from an earlier execution")
		}
		done.Write(true)
		lock.Unlock()
	}
	rep, err := sim.Explore(scenario, sim.Options{Runs: 10})
	fmt.Println(rep.Runs, len(rep.Findings), err)
	// Output: 10 0 <nil>
}
