package bench

import (
	"math"
	"strings"
	"testing"

	"github.com/simrun/simrun/kernels"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// The strategies benchmark reports every seeded bug at every thread count
// asked for and every buggy kernel, each strategy side by side, and finds
// the easy bugs at once.
func TestStrategies(t *testing.T) {
	if testing.Short() {
		t.Skip("hunts every seeded bug with seven strategies")
	}
	r, err := Strategies(Options{Quick: true, Threads: []int{3}, Runs: 30})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Points) != len(SeededBugs())+len(kernels.All) || len(SeededBugs()) < 5 {
		t.Fatalf("%d points for %d seeded bugs and %d kernels", len(r.Points), len(SeededBugs()), len(kernels.All))
	}
	for _, p := range r.Points {
		if len(p.Fields) != 2+2*len(StrategyCases()) {
			t.Fatalf("%v: %d fields", p, len(p.Fields))
		}
		v, _ := p.Get("variant")
		if v == "broadcast/literal" || v == "mutexqueue/xid-error-dropped" || v == "kernel/double-lock" || v == "kernel/nil-channel" {
			for _, c := range StrategyCases() {
				if cell, _ := p.Get(c.Name); strings.HasPrefix(cell.(string), ">") {
					t.Errorf("%s: %s found nothing in 30 executions (%s)", v, c.Name, cell)
				}
			}
		}
	}
}

// POSC finds Sergei's lost wakeup at 4 threads sooner than POS, the best
// strategy before it: the mean over seeds 1..100 of the executions to the
// first lost wakeup (26 for POS and 16 for POSC over 400 seeds,
// docs/strategies.md). A POSC whose change points never land, or land off
// the communicating steps, is POS and fails.
func TestPOSCFindsSergeisLostWakeupSooner(t *testing.T) {
	if testing.Short() {
		t.Skip("200 hunts of Sergei's lost wakeup")
	}
	sc, err := newSeededScenario(SeededBug{"lockfree", "clear-after-enqueue"}, 4)
	if err != nil {
		t.Fatal(err)
	}
	mean := func(name string) float64 {
		c := StrategyCase{name, []scheduler.Spec{{Name: name}}}
		sum := 0
		for seed := uint64(1); seed <= 100; seed++ {
			ht, err := huntSeeded(sc, c, seed, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if ht.execs == 0 {
				ht.execs = 1000
			}
			sum += ht.execs
		}
		return float64(sum) / 100
	}
	pos, posc := mean(scheduler.NamePOS), mean(scheduler.NamePOSC)
	if !(posc < 0.8*pos) {
		t.Fatalf("posc: a mean of %.1f executions, POS %.1f; want faster by a fifth", posc, pos)
	}
}

// The default portfolio on the in-order commit's seeded bugs where POSC
// and Mix differ, which the strategies bench does not sweep
// (docs/strategies.md, "Defaults chosen from it"): with POSC first it
// finds signal-after-unlock and destroy-without-lock more slowly than
// with Mix first, but every one still with every seed 1..50 within 1000
// executions (PCT, its second stage, finds destroy-without-lock for the
// seeds POSC misses in its third). Under -v it logs the doc's cells:
// mean (median/worst), a miss counted 1001 in the mean.
func TestDefaultPortfolioInOrderCost(t *testing.T) {
	if testing.Short() {
		t.Skip("1500 hunts of five in-order seeded bugs")
	}
	mixFirst := append([]scheduler.Spec{{Name: scheduler.NameMix, Depth: scheduler.DefaultDepth}}, sim.DefaultPortfolio[1:]...)
	cases := []StrategyCase{
		{"pos", []scheduler.Spec{{Name: scheduler.NamePOS}}},
		{"posc", []scheduler.Spec{{Name: scheduler.NamePOSC, Depth: scheduler.DefaultDepth}}},
		{"mix", []scheduler.Spec{{Name: scheduler.NameMix, Depth: scheduler.DefaultDepth}}},
		{"pct3", []scheduler.Spec{{Name: scheduler.NamePCT, Depth: 3}}},
		{"default", sim.DefaultPortfolio},
		{"mix first", mixFirst},
	}
	for _, v := range []string{"kill-guarded", "kill-unguarded", "wait-without-recheck", "signal-after-unlock", "destroy-without-lock"} {
		sc, err := newSeededScenario(SeededBug{"inorder", v}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			var execs []float64
			sum, missed := 0, 0
			for seed := uint64(1); seed <= 50; seed++ {
				ht, err := huntSeeded(sc, c, seed, 1000)
				if err != nil {
					t.Fatal(err)
				}
				if ht.execs == 0 {
					sum, missed = sum+1001, missed+1
					execs = append(execs, math.Inf(1))
					continue
				}
				sum += ht.execs
				execs = append(execs, float64(ht.execs))
			}
			t.Logf("inorder/%s %s: %.1f (%s), missed by %d seeds", v, c.Name, float64(sum)/50,
				execsCell(percentile(execs, 50), percentile(execs, 100), 1000), missed)
			if c.Name == "default" && missed > 0 {
				t.Errorf("inorder/%s: the default portfolio missed it with %d of seeds 1..50", v, missed)
			}
		}
	}
}
