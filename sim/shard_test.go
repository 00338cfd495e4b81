package sim_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"testing"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// verdictKey is everything of a verdict that merging shards must
// reproduce: the hunt's summary, each stage's report, and the statistics
// every execution gave OnExecution, in order.
func verdictKey(v *sim.Verdict, execs []string) string {
	var b strings.Builder
	b.WriteString(summary(v))
	for _, r := range v.Reports {
		fmt.Fprintf(&b, "%s pruned=%d redundant=%d errors=%q\n", reportKey(r), r.Pruned, r.Redundant, r.Errors)
	}
	for _, hf := range v.Findings {
		fmt.Fprintf(&b, "%s minimized=%+v trace=%v\n", hf.Finding.Kind, hf.Minimized, hf.Finding.Trace.Decisions)
	}
	h := fnv.New64a()
	h.Write([]byte(strings.Join(execs, " ")))
	fmt.Fprintf(&b, "%d executions, hash %x", len(execs), h.Sum64())
	return b.String()
}

// shardHunt runs every shard of h on its own (through JSON, as reports
// travel), then merges them.
func shardHunt(t *testing.T, h sim.Hunt, s sim.Scenario, v sim.Variant, n int) (*sim.Verdict, []string) {
	t.Helper()
	var reps []*sim.ShardReport
	for i := range n {
		r, err := h.RunShard(s, sim.Shard{Index: i, Count: n}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back sim.ShardReport
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		reps = append(reps, &back)
	}
	var execs []string
	vd, err := h.Merge(s, v, reps, func(run int, m sim.Measured, f *sim.Finding) {
		execs = append(execs, fmt.Sprintf("%d:%d:%d:%v", run, m.Now, m.Actors, f != nil))
	})
	if err != nil {
		t.Fatal(err)
	}
	return vd, execs
}

// TestShardsMergeToOneMachine: for every strategy, with and without
// findings, with the stop rule and a budget that cut the exploration, the
// merge of N shards is what one machine finds, whatever N.
func TestShardsMergeToOneMachine(t *testing.T) {
	dpor := scheduler.Spec{Name: scheduler.NameDPOR}
	dfs1 := scheduler.Spec{Name: scheduler.NameDFS, Bound: scheduler.IntPtr(1)}
	assertion := sim.Variant{Expected: sim.Assertion}
	clean := sim.Variant{Expected: sim.Clean}
	for _, c := range []struct {
		name string
		s    sim.Scenario
		v    sim.Variant
		h    sim.Hunt
	}{
		{"random+pct/finding", counter, assertion, sim.Hunt{Strategies: []scheduler.Spec{random, pct}, Runs: 300}},
		{"random+pct/clean", locked, clean, sim.Hunt{Strategies: []scheduler.Spec{random, pct}, Runs: 300}},
		{"pct/stop-on-expected", counter, assertion, sim.Hunt{Strategies: []scheduler.Spec{pct, random}, Runs: 500, StopOnExpected: true}},
		{"random/stop-on-finding", counter, assertion, sim.Hunt{Strategies: []scheduler.Spec{random}, Runs: 500, Options: sim.Options{StopOnFinding: true}}},
		{"dfs/finding", counter, assertion, sim.Hunt{Strategies: []scheduler.Spec{dfs}, Runs: 1 << 20}},
		{"dfs/clean", locked, clean, sim.Hunt{Strategies: []scheduler.Spec{dfs}, Runs: 1 << 20}},
		{"dfs/budget", locked, clean, sim.Hunt{Strategies: []scheduler.Spec{dfs}, Runs: 7}},
		{"dfs/stop", counter, assertion, sim.Hunt{Strategies: []scheduler.Spec{dfs1}, Runs: 1 << 20, StopOnExpected: true}},
		{"dfs-unbounded/clean", locked, clean, sim.Hunt{Strategies: []scheduler.Spec{{Name: scheduler.NameDFS}}, Runs: 1 << 20}},
		{"dpor/finding", counter, assertion, sim.Hunt{Strategies: []scheduler.Spec{dpor}, Runs: 1 << 20}},
		{"dpor/clean", locked, clean, sim.Hunt{Strategies: []scheduler.Spec{dpor}, Runs: 1 << 20}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var execs []string
			h := c.h
			h.Options.Races, h.Minimize = true, true
			h.Options.OnExecution = func(run int, hist *sim.History, f *sim.Finding) {
				execs = append(execs, fmt.Sprintf("%d:%d:%d:%v", run, hist.Now, len(hist.Actors), f != nil))
			}
			one, err := h.Run(c.s, c.v)
			if err != nil {
				t.Fatal(err)
			}
			want := verdictKey(one, execs)
			for _, n := range []int{1, 2, 3, 7} {
				h.Options.Workers = 1 + n%2
				got, gotExecs := shardHunt(t, h, c.s, c.v, n)
				if k := verdictKey(got, gotExecs); k != want {
					t.Fatalf("%d shards:\n%s\none machine:\n%s", n, k, want)
				}
			}
		})
	}
}

// A merge that lacks a shard is inconclusive; reports of other runs,
// formats or shard counts are refused.
func TestMergeRefuses(t *testing.T) {
	h := sim.Hunt{Strategies: []scheduler.Spec{random}, Runs: 200}
	run := func(i, n int, config string) *sim.ShardReport {
		r, err := h.RunShard(counter, sim.Shard{Index: i, Count: n}, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Config = json.RawMessage(config)
		return r
	}
	a, b, c := run(0, 3, `"x"`), run(1, 3, `"x"`), run(2, 3, `"x"`)
	other := run(1, 3, `"y"`)
	four := run(1, 4, `"x"`)
	old := run(2, 3, `"x"`)
	old.Format = 0
	tool := run(2, 3, `"x"`)
	tool.Tool = "simrun 0.0.1"
	for _, tc := range []struct {
		name       string
		reps       []*sim.ShardReport
		incomplete bool
		err        string
	}{
		{"missing", []*sim.ShardReport{a, c}, true, "missing 1 of 3 shard reports (shards 1)"},
		{"config", []*sim.ShardReport{a, other, c}, false, "another configuration"},
		{"count", []*sim.ShardReport{a, four, c}, false, "one of 4 shards"},
		{"twice", []*sim.ShardReport{a, b, b, c}, false, "given twice"},
		{"format", []*sim.ShardReport{a, b, old}, false, "report format 0"},
		{"none", nil, false, "no shard reports"},
		{"tool", []*sim.ShardReport{a, b, tool}, false, `written by "simrun 0.0.1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.Merge(counter, sim.Variant{Expected: sim.Assertion}, tc.reps, nil)
			var inc *sim.IncompleteError
			if err == nil || !strings.Contains(err.Error(), tc.err) || errors.As(err, &inc) != tc.incomplete {
				t.Fatalf("error %v, want %q (incomplete %v)", err, tc.err, tc.incomplete)
			}
		})
	}
	if _, err := h.Merge(counter, sim.Variant{Expected: sim.Assertion}, []*sim.ShardReport{c, a, b}, nil); err != nil {
		t.Fatalf("complete set in any order: %v", err)
	}
}

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want sim.Shard
		ok   bool
	}{
		{"0/1", sim.Shard{Index: 0, Count: 1}, true},
		{"3/4", sim.Shard{Index: 3, Count: 4}, true},
		{"4/4", sim.Shard{}, false},
		{"-1/4", sim.Shard{}, false},
		{"1", sim.Shard{}, false},
		{"a/b", sim.Shard{}, false},
		{"0/0", sim.Shard{}, false},
	} {
		got, err := sim.ParseShard(c.in)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("ParseShard(%q) = %v, %v", c.in, got, err)
		}
	}
}

// TestShardsMergeProtocols: the same on real protocols at 3 threads, where
// DFS prunes alternatives beyond its bound and a budget cuts a task short.
func TestShardsMergeProtocols(t *testing.T) {
	if testing.Short() {
		t.Skip("explores protocols at 3 threads")
	}
	for _, c := range []struct {
		protocol, variant string
		spec              scheduler.Spec
		runs              int
	}{
		{"lockfree", "clear-before-enqueue", dfs, 5000},
		{"lockfree", "clear-after-enqueue", scheduler.Spec{Name: scheduler.NameDFS, Bound: scheduler.IntPtr(1)}, 1 << 30},
		{"mutexqueue", "early-release", scheduler.Spec{Name: scheduler.NameDPOR}, 3000},
	} {
		t.Run(c.protocol+"/"+c.variant+"/"+c.spec.String(), func(t *testing.T) {
			p, s, _, err := protocols.Scenario(c.protocol, c.variant, protocols.Params{Threads: 3, Txns: 1})
			if err != nil {
				t.Fatal(err)
			}
			v, _ := sim.FindVariant(p.Variants, c.variant)
			h := sim.Hunt{Strategies: []scheduler.Spec{c.spec}, Runs: c.runs,
				Options: sim.Options{MaxSpurious: 1, Races: true, Cost: p.Cost}}
			var execs []string
			h.Options.OnExecution = func(run int, hist *sim.History, f *sim.Finding) {
				execs = append(execs, fmt.Sprintf("%d:%d:%d:%v", run, hist.Now, len(hist.Actors), f != nil))
			}
			one, err := h.Run(s, v)
			if err != nil {
				t.Fatal(err)
			}
			want := verdictKey(one, execs)
			for _, n := range []int{2, 5} {
				h.Options.Workers = 2
				got, gotExecs := shardHunt(t, h, s, v, n)
				if k := verdictKey(got, gotExecs); k != want {
					t.Fatalf("%d shards:\n%s\none machine:\n%s", n, k, want)
				}
			}
		})
	}
}

// Three shards of a hunt, run wherever (here one after another), merged:
// the verdict is the one Hunt.Run gives on one machine.
func ExampleHunt_Merge() {
	h := sim.Hunt{Strategies: []scheduler.Spec{{Name: scheduler.NameRandom}}, Runs: 500}
	v := sim.Variant{Expected: sim.Assertion}
	var reps []*sim.ShardReport
	for i := range 3 {
		r, err := h.RunShard(counter, sim.Shard{Index: i, Count: 3}, nil)
		if err != nil {
			panic(err)
		}
		reps = append(reps, r) // in practice: written as JSON, collected, read back
	}
	merged, err := h.Merge(counter, v, reps, nil)
	if err != nil {
		panic(err)
	}
	one, _ := h.Run(counter, v)
	fmt.Println(merged.Kind, merged.Runs, merged.Findings[0].Run, merged.Findings[0].Count)
	fmt.Println(one.Kind, one.Runs, one.Findings[0].Run, one.Findings[0].Count)
	_, err = h.Merge(counter, v, reps[:2], nil)
	fmt.Println(err)
	// Output:
	// assertion 500 3 204
	// assertion 500 3 204
	// inconclusive: missing 1 of 3 shard reports (shards 2)
}

// A corrupt report is an error, never a panic or a wrong verdict that
// looks right: every truncation of a task's execution records is refused.
func TestMergeCorruptReport(t *testing.T) {
	h := sim.Hunt{Strategies: []scheduler.Spec{dfs}, Runs: 1 << 20}
	v := sim.Variant{Expected: sim.Assertion}
	r, err := h.RunShard(counter, sim.Shard{Index: 0, Count: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	task := &r.Stages[0].Tasks[0]
	for i := range r.Stages[0].Tasks {
		if u := &r.Stages[0].Tasks[i]; len(u.Execs) > len(task.Execs) {
			task = u
		}
	}
	execs := task.Execs
	if len(execs) == 0 {
		t.Fatal("no execution records")
	}
	t.Logf("%d tasks, the largest with %d executions in %d bytes", len(r.Stages[0].Tasks), task.N, len(execs))
	for cut := range len(execs) {
		task.Execs = execs[:cut]
		if _, err := h.Merge(counter, v, []*sim.ShardReport{r}, nil); err == nil || !strings.Contains(err.Error(), "corrupt") {
			t.Fatalf("records cut at %d of %d: error %v, want corrupt", cut, len(execs), err)
		}
	}
	for i := range execs {
		b := slices.Clone(execs)
		b[i] ^= 0xff
		task.Execs = b
		h.Merge(counter, v, []*sim.ShardReport{r}, nil) // must not panic
	}
}
