package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// destroyRace is the ~wait_for_commit race of MariaDB's in-order commit: a
// waker clears the waiter's flag under the waiter's mutex and signals its
// condition (under the mutex, or after unlocking it when signalAfter);
// the waiter reads the flag without the mutex first (its fast path) and
// destroys both objects as soon as it sees the flag clear, after a
// lock/unlock of the mutex when lockBeforeDestroy.
func destroyRace(signalAfter, lockBeforeDestroy bool) sim.Scenario {
	return func(x *sim.Execution) {
		lock := sim.NewMutex(x, "LOCK_wait_commit")
		cond := sim.NewCond(x, "COND_wait_commit", lock)
		waiting := sim.NewVar(x, "waitee", true)
		x.Go("waitee", func() {
			lock.Lock()
			waiting.Write(false)
			if !signalAfter {
				cond.Signal()
			}
			lock.Unlock()
			if signalAfter {
				cond.Signal()
			}
		})
		x.Go("waiter", func() {
			if waiting.Read() { // dirty read: the fast path
				lock.Lock()
				for waiting.Read() {
					cond.Wait()
				}
				lock.Unlock()
			}
			if lockBeforeDestroy {
				lock.Lock()
				lock.Unlock()
			}
			x.Free(lock)
			x.Free(cond)
			x.Free(waiting)
		})
	}
}

func TestFreeDestroyRace(t *testing.T) {
	for _, tc := range []struct {
		name                           string
		signalAfter, lockBeforeDestroy bool
		want                           sim.Kind // "" for none
	}{
		{"fixed", false, true, ""},
		{"no-lock-before-destroy", false, false, sim.UseAfterFree},
		{"signal-after-unlock", true, true, sim.UseAfterFree},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := sim.Explore(destroyRace(tc.signalAfter, tc.lockBeforeDestroy),
				sim.Options{Strategy: scheduler.NewDPOR(), Runs: 100000, NoSpurious: true})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Exhausted {
				t.Fatalf("not exhausted in %d runs", rep.Runs)
			}
			if tc.want == "" {
				if len(rep.Findings) > 0 {
					t.Fatalf("%d runs: %v", rep.Runs, rep.Findings[0])
				}
				return
			}
			if len(rep.Findings) == 0 || rep.Findings[0].Kind != tc.want {
				t.Fatalf("%d runs: findings %v, want %s", rep.Runs, rep.Findings, tc.want)
			}
			f := rep.Findings[0]
			if len(f.Cause) != 2 || f.Cause[0] >= f.Cause[1] {
				t.Errorf("cause %v: want the free's step and the use's", f.Cause)
			}
			t.Logf("%d of %d executions: %s", rep.Counts[tc.want], rep.Runs, f.Message)
		})
	}
}

func TestFreeMisuse(t *testing.T) {
	for _, tc := range []struct {
		name string
		body func(x *sim.Execution)
		want string
	}{
		{"double free", func(x *sim.Execution) {
			v := sim.NewVar(x, "v", 0)
			x.Free(v)
			x.Free(v)
		}, "main: free of var v, which main freed at step"},
		{"held mutex", func(x *sim.Execution) {
			m := sim.NewMutex(x, "m")
			m.Lock()
			x.Free(m)
		}, "main destroys mutex m while main holds it"},
		{"cond with waiter", func(x *sim.Execution) {
			m := sim.NewMutex(x, "m")
			c := sim.NewCond(x, "c", m)
			x.Go("w", func() {
				m.Lock()
				c.Wait()
			})
			for i := 0; i < 4; i++ {
				x.Yield()
			}
			x.Free(c)
		}, "destroys condition c while w wait on it"},
		{"read after free", func(x *sim.Execution) {
			v := sim.NewVar(x, "v", 0)
			x.Free(v)
			v.Read()
		}, "main: read of var v, which main freed at step"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, tr, err := sim.Run(tc.body, sim.Options{Strategy: scheduler.NewTape(nil), NoSpurious: true}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if f == nil || f.Kind != sim.UseAfterFree || !strings.Contains(f.Message, tc.want) {
				t.Fatalf("finding %v, want %s containing %q", f, sim.UseAfterFree, tc.want)
			}
			if tr == nil || tr.Finding == nil || len(tr.Finding.Cause) == 0 {
				t.Fatalf("trace without the finding's cause")
			}
		})
	}
}

// A primitive kept from an earlier execution and freed in a later one is a
// misuse, like any other use of it.
func TestFreeStale(t *testing.T) {
	var kept *sim.Var[int]
	s := func(x *sim.Execution) {
		if kept == nil {
			kept = sim.NewVar(x, "v", 0)
			return
		}
		x.Free(kept)
	}
	rep, err := sim.Explore(s, sim.Options{Runs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Kind != sim.Misuse {
		t.Fatalf("findings %v, want one misuse", rep.Findings)
	}
}

// Free ends an object's life: the waker's signal after the waiter
// destroyed the condition is a use-after-free finding, whose cause is the
// free and the use.
func ExampleExecution_Free() {
	rep, _ := sim.Explore(destroyRace(true, true), sim.Options{Strategy: scheduler.NewDPOR(), Runs: 1000, NoSpurious: true})
	f := rep.Findings[0]
	fmt.Println(f.Kind, f.Actor, len(f.Cause))
	// Output: use-after-free waitee 2
}
