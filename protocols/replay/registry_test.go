package replay

import (
	"slices"
	"strings"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// requestCounts returns the distinct numbers of requests that 40 random
// executions of s sent.
func requestCounts(t *testing.T, s sim.Scenario) map[int]bool {
	t.Helper()
	counts := map[int]bool{}
	_, err := sim.Explore(s, sim.Options{Runs: 40, Seed: 1, OnExecution: func(_ int, h *sim.History, _ *sim.Finding) {
		if m, ok := MetricsOf(h); ok {
			counts[m.Requests] = true
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

// With no workload seed every execution draws its own workload through the
// strategy; with one, every execution runs the same workload.
func TestRegistryWorkloads(t *testing.T) {
	drawn, err := RegistryScenario("replay", "", 0, RandomConfig{}, false, Cost{})
	if err != nil {
		t.Fatal(err)
	}
	fixed, err := RegistryScenario("replay", "", 0, RandomConfig{Seed: 3}, false, Cost{})
	if err != nil {
		t.Fatal(err)
	}
	drawnSizes, fixedSizes := requestCounts(t, drawn), requestCounts(t, fixed)
	if len(drawnSizes) < 5 {
		t.Errorf("workloads drawn per execution: %d distinct request counts in 40 executions, want many", len(drawnSizes))
	}
	// A fixed workload may still send different numbers of requests
	// (retries), but far fewer shapes than drawn ones.
	if len(fixedSizes) >= len(drawnSizes) {
		t.Errorf("a fixed workload varies as much as drawn ones (%d vs %d request counts)", len(fixedSizes), len(drawnSizes))
	}
}

// The seeded bug is caught and the faithful variants show nothing but the
// known result, on workloads drawn per execution: the variants' expected
// verdicts, judged as the command line judges them (its -doms default:
// dom0 and guest clients). Budget: 3,000 executions per variant.
func TestRegistryVerdicts(t *testing.T) {
	for _, v := range SimVariants {
		t.Run(v.Name, func(t *testing.T) {
			cost := Cost{}
			if v.Name == string(NoConflictCredit) {
				// Its livelock needs the server's first-come-first-served
				// queue, as on the command line: without request costs PCT
				// runs the guest's writes and the toolstack's transactions
				// in long stretches, never interleaved.
				cost = ReferenceCost()
			}
			s, err := RegistryScenario(v.Name, "", 0, RandomConfig{Doms: CommandLineDoms}, false, cost)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := sim.Explore(s, sim.Options{Runs: 3000, Seed: 1, Strategy: scheduler.NewPCT(1, 3, 40)})
			if err != nil {
				t.Fatal(err)
			}
			verdict, ok := v.Judge(rep.Kinds())
			if !ok {
				t.Fatalf("verdict %s (kinds %v), expected %s (also %v)", verdict, rep.Kinds(), v.Expected, v.Also)
			}
			t.Logf("%s: %v in %d executions", v.Name, rep.Counts, rep.Runs)
			for _, f := range rep.Findings {
				g, _, err := sim.Replay(s, f.Trace)
				if err != nil || g == nil || g.Kind != f.Kind {
					t.Errorf("the trace of %s does not replay to it: %v, %v", f.Kind, g, err)
				}
			}
		})
	}
}

func TestRegistryScenarioErrors(t *testing.T) {
	for _, c := range []struct {
		variant  string
		workload string
		vms      int
		random   RandomConfig
		want     string
	}{
		{"replay", "", 3, RandomConfig{Clients: 2}, "give one or the other"},
		{"replay", "", 3, RandomConfig{Seed: 9}, "give one or the other"},
		{"replay", "", 0, RandomConfig{Clients: 1001}, "1..1000"},
		{"replay", "", 0, RandomConfig{Units: -1}, "1..1000"},
		{"replay", "", -1, RandomConfig{}, "out of range"},
		{"nope", "", 0, RandomConfig{}, "nope"},
		{"replay", "toolstack", 0, RandomConfig{}, "unknown workload"},
		{"replay", "write-skew", 2, RandomConfig{}, "is fixed"},
		{"replay", "write-skew", 0, RandomConfig{Clients: 2}, "is fixed"},
		{"replay", "hostile", 0, RandomConfig{Seed: 3}, "is fixed"},
		{"replay", "", 0, RandomConfig{Doms: -1}, "-doms -1 out of range"},
		{"replay", "", 0, RandomConfig{Doms: 1001}, "-doms 1001 out of range"},
		{"replay", "", 3, RandomConfig{Doms: 2}, "give one or the other"},
		{"replay", "write-skew", 0, RandomConfig{Doms: 2}, "is fixed"},
	} {
		_, err := RegistryScenario(c.variant, c.workload, c.vms, c.random, false, Cost{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s workload=%q vms=%d %+v: error %v, want one mentioning %q", c.variant, c.workload, c.vms, c.random, err, c.want)
		}
	}
}

// TestRegistryHostile: `simrun run -workload hostile` runs seed scenario
// 16 (XSA-206) for any variant, so that the command line shows both sides
// of the liveness oracle: replay, with conflict credit, commits within
// HostileRetryBound under every schedule tried, and no-conflict-credit
// livelocks. Budget: 300 PCT executions each, with the reference cost
// (the server's first-come-first-served queue, as on the command line).
func TestRegistryHostile(t *testing.T) {
	for _, tc := range []struct {
		v    Variant
		want sim.Kind
	}{{Replay, sim.Clean}, {NoConflictCredit, sim.Livelock}} {
		s, err := RegistryScenario(string(tc.v), "hostile", 0, RandomConfig{}, false, ReferenceCost())
		if err != nil {
			t.Fatal(err)
		}
		rep, err := sim.Explore(s, sim.Options{Runs: 300, Seed: 1, Strategy: scheduler.NewPCT(1, 3, 200)})
		if err != nil {
			t.Fatal(err)
		}
		expectEveryRun(t, tc.v, rep, tc.want)
		t.Logf("%s: %v in %d executions", tc.v, rep.Counts, rep.Runs)
	}
}

// Doms 0, the value of traces recorded before -doms, is the workload they
// were recorded with: dom0 only for the variants older than quota and
// watches, domains 0 and 1 for the others. Each row compares the metrics
// of 40 executions (same seed) with Doms 0 and with the explicit Doms;
// the last rows show that the domains change those metrics, so that the
// comparison can fail.
func TestRegistryDomsZero(t *testing.T) {
	metrics := func(v Variant, doms int) []Metrics {
		s, err := RegistryScenario(string(v), "", 0, RandomConfig{Doms: doms}, false, Cost{})
		if err != nil {
			t.Fatal(err)
		}
		var out []Metrics
		if _, err := sim.Explore(s, sim.Options{Runs: 40, Seed: 1, OnExecution: func(_ int, h *sim.History, _ *sim.Finding) {
			m, _ := MetricsOf(h)
			out = append(out, m)
		}}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, c := range []struct {
		v    Variant
		doms int
		same bool
	}{
		{MergeOnly, 1, true},
		{Replay, 1, true},
		{ReplayErrorsOnly, 1, true},
		{QuotaLostOnMerge, 2, true},
		{WatchUnfiltered, 2, true},
		{MergeOnly, CommandLineDoms, false},
		{QuotaLostOnMerge, 1, false},
	} {
		got, want := metrics(c.v, 0), metrics(c.v, c.doms)
		if same := slices.Equal(got, want); same != c.same {
			t.Errorf("%s: Doms 0 and Doms %d give the same executions: %v, want %v", c.v, c.doms, same, c.same)
		}
	}
}
