package sim_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simrun/simrun/sim"
)

// An actor that the simulator cannot pre-empt (a loop with no visible
// operation, a real mutex, a real channel) is a Hung finding that names it
// and shows where it is; the exploration returns. Each scenario hangs once
// (its first execution) and is released when the test ends, so that no
// goroutine outlives the test.
func TestWatchdogHung(t *testing.T) {
	for _, c := range []struct {
		name  string
		where string // in the finding's detail: the actor's stack
		hang  func(release <-chan struct{}, released *atomic.Bool) func()
	}{
		{"loop", "sim_test.TestWatchdogHung", func(_ <-chan struct{}, released *atomic.Bool) func() {
			return func() {
				for !released.Load() { // for {} until the test ends
				}
			}
		}},
		{"real mutex", "sync.(*Mutex).Lock", func(release <-chan struct{}, _ *atomic.Bool) func() {
			var mu sync.Mutex
			mu.Lock()
			go func() { <-release; mu.Unlock() }()
			return func() { mu.Lock() }
		}},
		{"real channel", "[chan receive", func(release <-chan struct{}, _ *atomic.Bool) func() {
			return func() { <-release }
		}},
	} {
		for _, workers := range []int{1, 2} {
			t.Run(c.name, func(t *testing.T) {
				release := make(chan struct{})
				var released atomic.Bool
				defer func() { released.Store(true); close(release) }()
				hang := c.hang(release, &released)
				var once atomic.Bool
				s := func(x *sim.Execution) {
					v := sim.NewVar(x, "v", 0)
					x.Go("stuck", func() {
						v.Write(1)
						if once.CompareAndSwap(false, true) {
							hang()
						}
					})
					x.Go("other", func() { v.Write(2) })
				}
				start := time.Now()
				rep, err := sim.Explore(s, sim.Options{Runs: 100, Workers: workers, Watchdog: 300 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				if d := time.Since(start); d > 10*time.Second {
					t.Errorf("the exploration took %v to give up", d)
				}
				if rep.Counts[sim.Hung] != 1 {
					t.Fatalf("workers %d: findings %v, want a hung one", workers, rep.Kinds())
				}
				f := rep.Findings[len(rep.Findings)-1]
				t.Log(f)
				if f.Actor != "stuck" || !strings.Contains(f.Message, "actor stuck made no progress") {
					t.Errorf("the finding does not name the actor: %s", f.Message)
				}
				if !strings.Contains(f.Detail, c.where) {
					t.Errorf("the finding does not say where the actor is (%q):\n%s", c.where, f.Detail)
				}
			})
		}
	}
}

// A scenario that never hangs gives no Hung finding under the watchdog,
// and the same report as without it.
func TestWatchdogQuiet(t *testing.T) {
	s := programs[0].s
	want, err := sim.Explore(s, sim.Options{Runs: 200})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sim.Explore(s, sim.Options{Runs: 200, Watchdog: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if got.Counts[sim.Hung] != 0 || got.Runs != want.Runs || len(got.Findings) != len(want.Findings) {
		t.Fatalf("with the watchdog: %d runs %v; without: %d runs %v", got.Runs, got.Counts, want.Runs, want.Counts)
	}
}

// sim.Check's path: a Hunt of the default portfolio (PCT calibrates on
// random runs first) under a watchdog ends with the Hung finding.
func TestWatchdogHunt(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s := func(x *sim.Execution) {
		x.Go("stuck", func() { <-release })
	}
	h := sim.Hunt{Runs: 100, Options: sim.Options{StopOnFinding: true, Watchdog: 200 * time.Millisecond}}
	v, err := h.Run(s, sim.Variant{Name: "hangs", Expected: sim.Clean})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Findings) != 1 || v.Findings[0].Finding.Kind != sim.Hung || v.Findings[0].Finding.Actor != "stuck" {
		t.Fatalf("findings %v, want one hung finding of actor stuck", v.Findings)
	}
}

// The finding names the actor whose goroutine hangs, not another actor
// bound in the same execution: "first" has stepped and is parked (or has
// ended) when "second" spins without a visible operation. And a hang in
// the runner's own goroutine (a check over the history) is in no actor's
// code: it names none, though every actor of the execution is bound.
func TestWatchdogNamesTheHungActor(t *testing.T) {
	for _, c := range []struct {
		name  string
		actor string // "": none
		who   string // in the message
	}{
		{"second spins", "second", "actor second made no progress"},
		{"check spins", "", "an actor made no progress"},
	} {
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/workers=%d", c.name, workers), func(t *testing.T) {
				var released, once atomic.Bool
				defer released.Store(true)
				spin := func() {
					if once.CompareAndSwap(false, true) {
						for !released.Load() { // for {} until the test ends
						}
					}
				}
				s := func(x *sim.Execution) {
					v := sim.NewVar(x, "v", 0)
					x.Go("first", func() { v.Write(1); v.Write(3) })
					x.Go("second", func() {
						v.Write(2)
						if c.actor != "" {
							spin()
						}
					})
					if c.actor == "" {
						x.Check(func(*sim.History) *sim.Finding { spin(); return nil })
					}
				}
				rep, err := sim.Explore(s, sim.Options{Runs: 100, Workers: workers, Watchdog: 200 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				if rep.Counts[sim.Hung] != 1 {
					t.Fatalf("findings %v, want a hung one", rep.Kinds())
				}
				f := rep.Findings[len(rep.Findings)-1]
				if f.Actor != c.actor || !strings.Contains(f.Message, "sim: "+c.who) {
					t.Errorf("the finding names %q, want %q: %s", f.Actor, c.actor, f.Message)
				}
				if got := strings.Contains(f.Detail, "stack of the actor's goroutine"); got != (c.actor != "") {
					t.Errorf("an actor's stack in the detail: %v, want %v:\n%s", got, c.actor != "", f.Detail)
				}
			})
		}
	}
}
