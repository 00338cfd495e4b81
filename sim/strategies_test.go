package sim_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

var (
	pos  = scheduler.Spec{Name: scheduler.NamePOS}
	surw = scheduler.Spec{Name: scheduler.NameSURW}
	mix  = scheduler.Spec{Name: scheduler.NameMix}
	posc = scheduler.Spec{Name: scheduler.NamePOSC}
)

// POS, POSC, SURW and the Mix of POS with PCT find the bug of each
// small program, and nothing in the correct counter; every finding's trace
// replays to the same trace.
func TestPOSAndSURWFindAndReplay(t *testing.T) {
	for _, sp := range []scheduler.Spec{pos, posc, surw, mix} {
		for _, p := range programs {
			t.Run(sp.Name+"/"+p.name, func(t *testing.T) {
				h := sim.Hunt{Strategies: []scheduler.Spec{sp}, Runs: 300, StopOnExpected: true,
					Options: sim.Options{MaxSteps: 500, Meta: sim.Meta{Protocol: "test", Variant: p.name}}}
				v, err := h.Run(p.s, sim.Variant{Expected: p.want})
				if err != nil {
					t.Fatal(err)
				}
				if !v.OK {
					t.Fatalf("verdict %s, want %s", v.Kind, p.want)
				}
				for _, f := range v.Findings {
					tr := f.Finding.Trace
					if n := tr.Strategy.Name; n != sp.Name && !(sp.Name == scheduler.NameMix && (n == scheduler.NamePOS || n == scheduler.NamePCT)) {
						t.Fatalf("trace strategy %+v, want %s", tr.Strategy, sp.Name)
					}
					g, again, err := sim.Replay(p.s, tr)
					if err != nil || g == nil || g.Kind != f.Finding.Kind {
						t.Fatalf("replay of %s: %v, %v", f.Finding.Kind, g, err)
					}
					b1, _ := tr.Encode()
					b2, _ := again.Encode()
					if !bytes.Equal(b1, b2) {
						t.Fatalf("replayed trace differs")
					}
				}
			})
		}
		t.Run(sp.Name+"/locked", func(t *testing.T) {
			v, err := sim.Hunt{Strategies: []scheduler.Spec{sp}, Runs: 300}.Run(locked, sim.Variant{Expected: sim.Clean})
			if err != nil || !v.OK || len(v.Findings) > 0 {
				t.Fatalf("correct counter: %v, %+v", err, v)
			}
		})
	}
}

// A hunt with POS, SURW, Mix and POSC gives the same findings, runs
// and traces on any number of workers: SURW's estimate is calibrated once,
// not learned by each worker's clone, and Mix's PCT and POSC have their k
// calibrated.
func TestPOSAndSURWIndependentOfWorkers(t *testing.T) {
	var first *sim.Verdict
	for _, w := range []int{1, 2, 3} {
		h := sim.Hunt{Strategies: []scheduler.Spec{surw, pos, mix, posc}, Runs: 800, Options: sim.Options{Workers: w, Races: true}}
		v, err := h.Run(counter, sim.Variant{Expected: sim.Assertion, Also: []sim.Kind{sim.Race}})
		if err != nil {
			t.Fatal(err)
		}
		if v.Strategies[0].Events == "" || v.Strategies[2].Steps == 0 || v.Strategies[3].Steps == 0 {
			t.Fatalf("SURW, Mix or POSC ran uncalibrated: %+v", v.Strategies)
		}
		if first == nil {
			first = v
			continue
		}
		if summary(v) != summary(first) {
			t.Fatalf("workers %d:\n%s\nworkers 1:\n%s", w, summary(v), summary(first))
		}
	}
	if !first.OK {
		t.Fatalf("verdict %s", first.Kind)
	}
}

// CalibrateEvents estimates, from ten random executions, how often each
// actor touches each object in one execution: what SURW weighs its
// choices by. Here the counter is object 1: each incrementer reads and
// writes it once, and main reads it twice for its assertion; objects 2 and
// 3, the incrementers, only main joins (SURW leaves out the objects that
// fewer than two actors touch).
func ExampleCalibrateEvents() {
	ev, err := sim.CalibrateEvents(counter, 0, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(scheduler.FormatEvents(ev))
	// Output: 1:2/2/2;2:1;3:1
}

// CalibrateCommunicating gives POSC its k: the most steps, in ten random
// executions, that conflict with an earlier step of another actor. Here
// they are the second incrementer's read and write of the counter (after
// the first's write) and main's two reads of it; the first incrementer's
// accesses, and main's joins, conflict with no earlier step of another.
func ExampleCalibrateCommunicating() {
	k, err := sim.CalibrateCommunicating(counter, 0, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k)
	// Output: 4
}
