package protocols_test

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/replay"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// TestCostParams: -cost lists the runtime's parameters once, then each
// family's once with the protocols that take it; every one is documented
// with its reference value and source, and the families' reference values
// are those simrun bench prices with.
func TestCostParams(t *testing.T) {
	takers := map[string]string{}
	for _, p := range protocols.CostParams() {
		if p.Doc == "" || p.Reference == "" || p.Source == "" {
			t.Errorf("cost parameter %s: missing doc, reference value or source", p.Name)
		}
		if _, dup := takers[p.Name]; dup {
			t.Errorf("cost parameter %s listed twice", p.Name)
		}
		takers[p.Name] = strings.Join(p.Protocols, ",")
	}
	want := map[string]string{"op": "", "wake": "", "cpus": "", "fsync": "lockfree,mutexqueue,broadcast",
		"engine-fsync": "lockfree,mutexqueue,broadcast", "devices": "lockfree,mutexqueue,broadcast",
		"request": "replay", "retry": "replay", "replayed": "replay", "think": "replay"}
	if !maps.Equal(takers, want) {
		t.Errorf("cost parameters and their protocols:\n got %v\nwant %v", takers, want)
	}
	if got := protocols.CostNames(); got != "op, wake, cpus, fsync, engine-fsync, devices, request, retry, replayed, think" {
		t.Errorf("CostNames() = %q", got)
	}
	if got, want := groupcommit.ReferenceCost(), (groupcommit.Cost{Fsync: 10 * sim.Millisecond, EngineFsync: 10 * sim.Millisecond, Devices: 1}); got != want {
		t.Errorf("groupcommit reference %+v, want %+v", got, want)
	}
	if got, want := replay.ReferenceCost(), (replay.Cost{Request: 100 * sim.Microsecond, Replayed: 100 * sim.Microsecond, Think: 5 * sim.Microsecond}); got != want {
		t.Errorf("replay reference %+v, want %+v", got, want)
	}
}

// TestSplitCosts: -cost sends the runtime's parameters to sim.Cost and the
// protocol's to Params.Cost; a parameter no protocol prices, or only
// another protocol, is an error, and so is a malformed value.
func TestSplitCosts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		protocol string // "" for every protocol
		in       []string
		runtime  sim.Cost
		own      map[string]string
		wantErr  string
	}{
		{name: "none", protocol: "replay"},
		{name: "runtime and protocol", protocol: "mutexqueue", in: []string{"fsync=2ms", "op=100ns"},
			runtime: sim.Cost{OpCPU: 100}, own: map[string]string{"fsync": "2ms"}},
		{name: "runtime only replaces the default", protocol: "replay", in: []string{"op=1us"},
			runtime: sim.Cost{OpCPU: sim.Microsecond}, own: map[string]string{}},
		{name: "every protocol", in: []string{"request=1ms", "fsync=1ms", "cpus=2"},
			runtime: sim.Cost{CPUs: 2}, own: map[string]string{"request": "1ms", "fsync": "1ms"}},
		{name: "another protocol's", protocol: "replay", in: []string{"fsync=2ms"},
			wantErr: "protocol replay does not take cost fsync, a cost of lockfree, mutexqueue, broadcast (it takes op, wake, cpus, request, retry, replayed, think)"},
		{name: "unknown", protocol: "lockfree", in: []string{"disk=3"}, wantErr: `unknown cost parameter "disk" (it takes op, wake, cpus, fsync, engine-fsync, devices)`},
		{name: "unknown anywhere", in: []string{"disk=3"}, wantErr: `unknown cost parameter "disk" (known: op, wake, cpus, fsync, engine-fsync, devices, request, retry, replayed, think)`},
		{name: "bad protocol value", protocol: "mutexqueue", in: []string{"fsync=soon"}, wantErr: "cost fsync: bad duration"},
		{name: "bad runtime value", in: []string{"cpus=two"}, wantErr: "cost cpus: want a whole number"},
		{name: "no value", in: []string{"fsync"}, wantErr: "want name=value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var proto *protocols.Protocol
			if tc.protocol != "" {
				var err error
				if proto, err = protocols.Lookup(tc.protocol); err != nil {
					t.Fatal(err)
				}
			}
			rt, own, err := protocols.SplitCosts(proto, tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || rt != tc.runtime || !maps.Equal(own, tc.own) || (own == nil) != (tc.own == nil) {
				t.Fatalf("got %+v, %#v, %v; want %+v, %#v", rt, own, err, tc.runtime, tc.own)
			}
		})
	}
}

// TestScenarioCosts: a protocol's default costs apply when Params.Cost is
// nil, an empty map prices nothing, and another family's cost is refused.
func TestScenarioCosts(t *testing.T) {
	for _, tc := range []struct {
		protocol, variant string
		cost              map[string]string
		want              map[string]string
		wantErr           string
	}{
		{"replay", "replay", nil, map[string]string{"request": "100µs", "replayed": "100µs", "think": "5µs"}, ""},
		{"replay", "replay", map[string]string{}, map[string]string{}, ""},
		{"replay", "replay", map[string]string{"retry": "1ms"}, map[string]string{"retry": "1ms"}, ""},
		{"mutexqueue", "shipped", nil, nil, ""},
		{"mutexqueue", "shipped", map[string]string{"engine-fsync": "1ms"}, map[string]string{"engine-fsync": "1ms"}, ""},
		{"lockfree", "clear-before-enqueue", map[string]string{"request": "1ms"}, nil, "protocol lockfree does not take cost request"},
	} {
		_, _, ps, err := protocols.Scenario(tc.protocol, tc.variant, protocols.Params{Cost: tc.cost})
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s %v: error %v, want %q", tc.protocol, tc.cost, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !maps.Equal(ps.Cost, tc.want) {
			t.Errorf("%s %v: cost %v, %v; want %v", tc.protocol, tc.cost, ps.Cost, err, tc.want)
		}
	}
}

// TestVersion1Traces: traces written when sim.Cost held the protocols'
// costs (options.cost with "fsync", "engine-fsync", "request") still
// replay: ScenarioOf lifts those into the configuration, drops another
// family's (which the protocol never read) and leaves only the runtime's
// in options.cost. The replay must reach the same finding at the same
// virtual times, which it does not if a protocol cost is lost.
func TestVersion1Traces(t *testing.T) {
	for _, tc := range []struct {
		file        string
		wantOptions map[string]string
		wantConfig  map[string]string
	}{
		{"v1-mutexqueue-fsync-engine-fsync.json", map[string]string{"op": "1µs", "wake": "5µs"},
			map[string]string{"fsync": "1ms", "engine-fsync": "2ms"}},
		{"v1-replay-request.json", nil, map[string]string{"request": "100µs"}},
		{"v1-lockfree-fsync-and-request.json", nil, map[string]string{"fsync": "1ms"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			tr, err := traces.Load(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			want := tr.Events
			_, s, ps, err := protocols.ScenarioOf(tr)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(tr.Options.Cost, tc.wantOptions) || !maps.Equal(ps.Cost, tc.wantConfig) {
				t.Errorf("options.cost %v, config cost %v; want %v and %v", tr.Options.Cost, ps.Cost, tc.wantOptions, tc.wantConfig)
			}
			f, got, err := sim.Replay(s, tr)
			if err != nil {
				t.Fatal(err)
			}
			if f == nil || string(f.Kind) != tr.Finding.Kind {
				t.Fatalf("replay found %v, want %s", f, tr.Finding.Kind)
			}
			if len(got.Events) != len(want) || got.Events[len(want)-1].Time == 0 {
				t.Fatalf("replay has %d events, want %d, the last one timed", len(got.Events), len(want))
			}
			for i := range want {
				if got.Events[i].Time != want[i].Time {
					t.Fatalf("event %d (step %d) at %dns, want %dns", i, want[i].Step, got.Events[i].Time, want[i].Time)
				}
			}
			// The replay's own trace is in the current form: it rebuilds
			// the same configuration without lifting anything.
			var cfg protocols.Params
			if err := json.Unmarshal(got.Config, &cfg); err != nil || !maps.Equal(cfg.Cost, tc.wantConfig) {
				t.Errorf("replayed trace config %s: cost %v, %v; want %v", got.Config, cfg.Cost, err, tc.wantConfig)
			}
			if _, _, again, err := protocols.ScenarioOf(got); err != nil || !maps.Equal(again.Cost, tc.wantConfig) {
				t.Errorf("replayed trace: cost %v, %v; want %v", again.Cost, err, tc.wantConfig)
			}
		})
	}
}

// TestCurrentTraceCost: a trace recorded now keeps the protocol's default
// costs in its configuration and only the runtime's in options.cost, and
// replays from them.
func TestCurrentTraceCost(t *testing.T) {
	proto, s, ps, err := protocols.Scenario("replay", "replay-errors-only", protocols.Params{Threads: 2, Txns: 2})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewRandom(1), Runs: 2000, Cost: sim.Cost{OpCPU: sim.Microsecond},
		StopOnKind: checkers.XenstoreKindDivergence, Meta: sim.Meta{Protocol: "replay", Variant: "replay-errors-only", Config: proto.Config(ps)}})
	if err != nil {
		t.Fatal(err)
	}
	var tr *traces.Trace
	for _, f := range rep.Findings {
		if f.Trace != nil {
			tr = f.Trace
		}
	}
	if tr == nil {
		t.Fatalf("no finding with a trace in %d runs", rep.Runs)
	}
	if !strings.Contains(string(tr.Config), `"cost":{"replayed":"100µs","request":"100µs","think":"5µs"}`) || !maps.Equal(tr.Options.Cost, map[string]string{"op": "1µs"}) {
		t.Fatalf("config %s, options.cost %v", tr.Config, tr.Options.Cost)
	}
	_, s2, _, err := protocols.ScenarioOf(tr)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := sim.Replay(s2, tr); err != nil {
		t.Fatal(err)
	}
}
