package bench

import (
	"strings"
	"testing"
)

// The strategies benchmark reports every seeded bug at every thread count
// asked for, each strategy side by side, and finds the easy bugs at once.
func TestStrategies(t *testing.T) {
	if testing.Short() {
		t.Skip("hunts every seeded bug with six strategies")
	}
	r, err := Strategies(Options{Quick: true, Threads: []int{3}, Runs: 30})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Points) != len(SeededBugs()) || len(SeededBugs()) < 5 {
		t.Fatalf("%d points for %d seeded bugs", len(r.Points), len(SeededBugs()))
	}
	for _, p := range r.Points {
		if len(p.Fields) != 2+2*len(StrategyCases()) {
			t.Fatalf("%v: %d fields", p, len(p.Fields))
		}
		v, _ := p.Get("variant")
		if v == "broadcast/literal" || v == "mutexqueue/xid-error-dropped" {
			for _, c := range StrategyCases() {
				if cell, _ := p.Get(c.Name); strings.HasPrefix(cell.(string), ">") {
					t.Errorf("%s: %s found nothing in 30 executions (%s)", v, c.Name, cell)
				}
			}
		}
	}
}
