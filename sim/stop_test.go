package sim_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/simrun/simrun/sim"
)

// Closing Options.Stop ends an exploration early, with the executions
// numbered so far: here a signal handler is played by OnExecution, which
// closes the channel at run 100 of a budget of a million.
func ExampleOptions_stop() {
	stop := make(chan struct{})
	rep, err := sim.Explore(counter, sim.Options{Runs: 1_000_000, Stop: stop,
		OnExecution: func(run int, _ *sim.History, _ *sim.Finding) {
			if run == 99 {
				close(stop)
			}
		}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("interrupted %v after %d runs; %d finding kind(s)\n", rep.Interrupted, rep.Runs, len(rep.Findings))
	// Output: interrupted true after 100 runs; 1 finding kind(s)
}

func TestStop(t *testing.T) {
	for _, c := range []struct {
		name    string
		workers int
	}{{"random/1", 1}, {"random/2", 2}} {
		t.Run(c.name, func(t *testing.T) {
			stop := make(chan struct{})
			rep, err := sim.Explore(counter, sim.Options{Runs: 1_000_000, Workers: c.workers, Stop: stop,
				OnExecution: func(run int, _ *sim.History, _ *sim.Finding) {
					if run == 300 {
						close(stop)
					}
				}})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Interrupted || rep.Exhausted || rep.Runs < 301 || rep.Runs > 10000 {
				t.Fatalf("interrupted %v, exhausted %v after %d runs; want interrupted soon after run 300", rep.Interrupted, rep.Exhausted, rep.Runs)
			}
			if len(rep.Findings) == 0 || rep.Findings[0].Trace == nil {
				t.Fatalf("the finding before the interruption lost its trace: %+v", rep.Findings)
			}
		})
	}
	// Not closed: not interrupted.
	rep, err := sim.Explore(counter, sim.Options{Runs: 100, Stop: make(chan struct{})})
	if err != nil || rep.Interrupted || rep.Runs != 100 {
		t.Fatalf("an open Stop changed the exploration: %v, %+v", err, rep)
	}
}

// A hunt stopped before it finds its bug's trace minimized keeps the
// trace as found and says minimization was skipped.
func TestHuntStop(t *testing.T) {
	stop := make(chan struct{})
	close(stop)
	h := sim.Hunt{Runs: 1000, Minimize: true, Options: sim.Options{Stop: stop}}
	v, err := h.Run(counter, sim.Variant{Name: "counter", Expected: sim.Assertion})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Interrupted || v.Runs != 0 {
		t.Fatalf("interrupted %v after %d runs; want interrupted at once", v.Interrupted, v.Runs)
	}
	stop2 := make(chan struct{})
	h = sim.Hunt{Runs: 100000, Minimize: true, Options: sim.Options{Stop: stop2,
		OnExecution: func(run int, _ *sim.History, f *sim.Finding) {
			if f != nil && run > 50 {
				select {
				case <-stop2:
				default:
					close(stop2)
				}
			}
		}}}
	v, err = h.Run(counter, sim.Variant{Name: "counter", Expected: sim.Assertion})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Interrupted || len(v.Findings) == 0 || !errors.Is(v.Findings[0].MinimizeErr, sim.ErrInterrupted) || v.Findings[0].Finding.Trace == nil {
		t.Fatalf("interrupted %v, findings %+v; want the finding kept, unminimized, with ErrInterrupted", v.Interrupted, v.Findings)
	}
}
