package scheduler_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/simrun/simrun/scheduler"
)

func TestParseSpec(t *testing.T) {
	for _, c := range []struct {
		in   string
		want scheduler.Spec
		str  string // String of the result
	}{
		{"random", scheduler.Spec{Name: "random"}, "random"},
		{"random:seed=7", scheduler.Spec{Name: "random", Seed: 7}, "random:seed=7"},
		{"pct", scheduler.Spec{Name: "pct"}, "pct"},
		{"pct:depth=3", scheduler.Spec{Name: "pct", Depth: 3}, "pct:depth=3"},
		{"pct:steps=200,depth=2,seed=5", scheduler.Spec{Name: "pct", Depth: 2, Steps: 200, Seed: 5}, "pct:depth=2,steps=200,seed=5"},
		{"dfs", scheduler.Spec{Name: "dfs"}, "dfs"},
		{"dfs:bound=2", scheduler.Spec{Name: "dfs", Bound: scheduler.IntPtr(2)}, "dfs:bound=2"},
		{"dfs:bound=0", scheduler.Spec{Name: "dfs", Bound: scheduler.IntPtr(0)}, "dfs:bound=0"},
		{"dfs:bound=-1", scheduler.Spec{Name: "dfs"}, "dfs"},
		{"dpor:bound=none", scheduler.Spec{Name: "dpor"}, "dpor"},
		{"dpor:bound=1", scheduler.Spec{Name: "dpor", Bound: scheduler.IntPtr(1)}, "dpor:bound=1"},
		{"pos", scheduler.Spec{Name: "pos"}, "pos"},
		{"posc", scheduler.Spec{Name: "posc"}, "posc"},
		{"posc:depth=2,steps=40,seed=3", scheduler.Spec{Name: "posc", Depth: 2, Steps: 40, Seed: 3}, "posc:depth=2,steps=40,seed=3"},
		{"mix", scheduler.Spec{Name: "mix"}, "mix"},
		{"mix:depth=2,steps=80", scheduler.Spec{Name: "mix", Depth: 2, Steps: 80}, "mix:depth=2,steps=80"},
		{"pos:seed=3", scheduler.Spec{Name: "pos", Seed: 3}, "pos:seed=3"},
		{"surw", scheduler.Spec{Name: "surw"}, "surw"},
		{"surw:events=3:0/2/2;7:1/1,seed=2", scheduler.Spec{Name: "surw", Seed: 2, Events: "3:0/2/2;7:1/1"}, "surw:events=3:0/2/2;7:1/1,seed=2"},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := scheduler.ParseSpec(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("ParseSpec(%q) = %+v, want %+v", c.in, got, c.want)
			}
			if s := got.String(); s != c.str {
				t.Fatalf("String() = %q, want %q", s, c.str)
			}
			back, err := scheduler.ParseSpec(got.String())
			if err != nil || !reflect.DeepEqual(back, got) {
				t.Fatalf("ParseSpec(String()) = %+v, %v; want %+v", back, err, got)
			}
		})
	}
}

func TestParseSpecErrors(t *testing.T) {
	for _, c := range []struct{ in, msg string }{
		{"", "no strategy name"},
		{"bfs", "unknown strategy"},
		{"pct:depth", "not key=value"},
		{"pct:depth=x", "depth"},
		{"pct:depth=-1", "negative"},
		{"pct:bound=2", "did you mean depth"},
		{"pct:colour=2", "unknown parameter"},
		{"random:depth=3", "only a seed"},
		{"dfs:depth=2", "only a bound"},
		{"random:seed=-1", "negative"},
		{"pos:depth=2", "only a seed"},
		{"pos:events=1:1/1", "only a seed"},
		{"surw:depth=2", "only a seed and events"},
		{"surw:events=1/2", "events"},
		{"pct:events=1:1/1", "no bound or events"},
		{"mix:bound=1", "mix takes no bound"},
		{"posc:bound=1", "posc takes no bound"},
		{"posc:events=1:1/1", "posc takes no bound or events"},
		{"posc:steps=-2", "negative"},
	} {
		t.Run(c.in, func(t *testing.T) {
			_, err := scheduler.ParseSpec(c.in)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("ParseSpec(%q) error %v, want one mentioning %q", c.in, err, c.msg)
			}
		})
	}
}

// New builds the strategy a Spec names, and the strategy reports the same
// Spec back (as of its first execution): a trace header re-creates it.
func TestSpecNewInfo(t *testing.T) {
	for _, c := range []struct {
		spec scheduler.Spec
		want scheduler.Spec // Info after Begin(0)
	}{
		{scheduler.Spec{Name: "random", Seed: 4}, scheduler.Spec{Name: "random", Seed: 4}},
		{scheduler.Spec{Name: "pct", Seed: 4, Depth: 2, Steps: 50}, scheduler.Spec{Name: "pct", Seed: 4, Depth: 2, Steps: 50}},
		{scheduler.Spec{Name: "pct", Seed: 4, Steps: 50}, scheduler.Spec{Name: "pct", Seed: 4, Depth: scheduler.DefaultDepth, Steps: 50}},
		{scheduler.Spec{Name: "dfs", Bound: scheduler.IntPtr(2)}, scheduler.Spec{Name: "dfs", Bound: scheduler.IntPtr(2)}},
		{scheduler.Spec{Name: "dfs"}, scheduler.Spec{Name: "dfs"}},
		{scheduler.Spec{Name: "dpor"}, scheduler.Spec{Name: "dpor"}},
		{scheduler.Spec{Name: "dpor", Bound: scheduler.IntPtr(0)}, scheduler.Spec{Name: "dpor", Bound: scheduler.IntPtr(0)}},
		{scheduler.Spec{Name: "pos", Seed: 4}, scheduler.Spec{Name: "pos", Seed: 4}},
		{scheduler.Spec{Name: "surw", Seed: 4, Events: "1:2/3;4:1/1"}, scheduler.Spec{Name: "surw", Seed: 4, Events: "1:2/3;4:1/1"}},
	} {
		t.Run(c.spec.String(), func(t *testing.T) {
			s, err := c.spec.New()
			if err != nil {
				t.Fatal(err)
			}
			s.Begin(0)
			if c.want.Seed != 0 {
				// A sampling strategy reports the seed of the execution
				// it is in: its own, mixed with the run number.
				c.want.Seed = scheduler.ExecutionSeed(c.want.Seed, 0)
			}
			if got := s.Info(); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("Info() = %+v, want %+v", got, c.want)
			}
		})
	}
	if _, err := (scheduler.Spec{Name: "replay"}).New(); err == nil {
		t.Fatal("New built a replay without decisions")
	}
}

// The JSON of a Spec keeps PCT's depth and a search's bound apart, and
// leaves out what a strategy does not take.
func TestSpecJSON(t *testing.T) {
	for _, c := range []struct {
		spec scheduler.Spec
		want string
	}{
		{scheduler.Spec{Name: "pct", Seed: 1, Depth: 3, Steps: 40}, `{"name":"pct","seed":1,"depth":3,"steps":40}`},
		{scheduler.Spec{Name: "dfs", Bound: scheduler.IntPtr(0)}, `{"name":"dfs","seed":0,"bound":0}`},
		{scheduler.Spec{Name: "dpor"}, `{"name":"dpor","seed":0}`},
	} {
		b, err := json.Marshal(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("%v: JSON %s, want %s", c.spec, b, c.want)
		}
	}
}
