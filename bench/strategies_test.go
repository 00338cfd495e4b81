package bench

import (
	"strings"
	"testing"

	"github.com/simrun/simrun/kernels"
)

// The strategies benchmark reports every seeded bug at every thread count
// asked for and every buggy kernel, each strategy side by side, and finds
// the easy bugs at once.
func TestStrategies(t *testing.T) {
	if testing.Short() {
		t.Skip("hunts every seeded bug with six strategies")
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
