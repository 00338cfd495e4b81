package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simrun/simrun/traces"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = mainArgs(args, &o, &e)
	return code, o.String(), e.String()
}

func TestExitStatuses(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want int
		msg  string // in stderr
	}{
		{"no args", nil, exitUsage, "Usage"},
		{"help", []string{"help"}, exitClean, ""},
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"list", []string{"list"}, exitClean, ""},
		{"unknown protocol", []string{"run", "-protocol", "nope", "-variant", "x"}, exitUsage, "unknown protocol"},
		{"unknown variant", []string{"run", "-protocol", "lockfree", "-variant", "nope"}, exitUsage, "unknown variant"},
		{"missing variant", []string{"run", "-protocol", "lockfree"}, exitUsage, "-variant is required"},
		{"bad flag", []string{"run", "-bogus"}, exitUsage, "not defined"},
		{"impossible config", []string{"run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "-3"}, exitUsage, "threads"},
		{"param not taken", []string{"run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-vms", "3"}, exitUsage, "does not take -vms"},
		{"bad cost", []string{"run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-cost", "fsync=soon"}, exitUsage, "fsync"},
		{"clean run", []string{"run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-runs", "200", "-out", dir}, exitClean, ""},
		{"finding", []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-runs", "200", "-out", dir}, exitFinding, ""},
		{"replay: no file", []string{"replay", filepath.Join(dir, "missing.json")}, exitUsage, "no such file"},
		{"replay: two files", []string{"replay", "a", "b"}, exitUsage, "want one trace file"},
		{"replay: truncated", []string{"replay", "../../traces/testdata/truncated.json"}, exitUsage, "truncated"},
		{"replay: malformed", []string{"replay", "../../traces/testdata/malformed.json"}, exitUsage, "malformed"},
		{"replay: foreign", []string{"replay", "../../traces/testdata/foreign.json"}, exitUsage, "not a simrun trace"},
		{"replay: bad version", []string{"replay", "../../traces/testdata/badversion.json"}, exitUsage, "version"},
		{"replay: invalid", []string{"replay", "../../traces/testdata/invalid.json"}, exitUsage, "invalid"},
		{"replay: unknown protocol", []string{"replay", "../../traces/testdata/valid.json"}, exitUsage, "unknown protocol"},
		{"flags after arguments", []string{"replay", "../../traces/testdata/truncated.json", "-v"}, exitUsage, "truncated"},
		{"bad flag after arguments", []string{"bench", "wakeup", "-bogus"}, exitUsage, "not defined"},
		{"argument after flags", []string{"run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "extra"}, exitUsage, "unexpected argument"},
		{"double dash", []string{"replay", "--", "-v"}, exitUsage, "no such file"},
		{"workload seed and vms", []string{"run", "-protocol", "replay", "-variant", "replay", "-vms", "3", "-workload-seed", "2"}, exitUsage, "one or the other"},
		{"workload seed not taken", []string{"run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-workload-seed", "2"}, exitUsage, "does not take -workload-seed"},
		{"fixed random workload", []string{"run", "-protocol", "replay", "-variant", "replay", "-workload-seed", "5", "-threads", "2", "-txns", "2", "-runs", "300", "-out", dir}, exitClean, ""},
		{"explore the toolstack", []string{"explore", "-protocol", "replay", "-variant", "replay", "-vms", "2"}, exitClean, ""},
		{"strategy spec", []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-strategy", "pct:depth=2,steps=150", "-runs", "200", "-out", dir}, exitFinding, ""},
		{"search strategy", []string{"run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "2", "-strategy", "dpor", "-runs", "100", "-out", dir}, exitClean, ""},
		{"unknown strategy", []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-strategy", "bfs"}, exitUsage, "unknown strategy"},
		{"parameter the strategy does not take", []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-strategy", "pct:bound=2"}, exitUsage, "did you mean depth"},
		{"bad depth", []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-depth", "0"}, exitUsage, "-depth must be in 1..64"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, c.args...)
			if code != c.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.want, stderr)
			}
			if !strings.Contains(stderr, c.msg) {
				t.Fatalf("stderr does not mention %q:\n%s", c.msg, stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") {
				t.Fatalf("a Go panic:\n%s", stderr)
			}
			if c.want == exitUsage && c.msg != "Usage" && c.msg != "not defined" && strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Fatalf("error message is not one line:\n%s", stderr)
			}
		})
	}
}

// findingTrace runs `simrun run args -json` into a temporary directory and
// returns the path of the trace of its finding of the given kind.
func findingTrace(t *testing.T, kind string, args ...string) string {
	t.Helper()
	args = append([]string{"run", "-out", t.TempDir(), "-json", "-runs", "3000"}, args...) // enough for its bugs
	code, out, stderr := run(t, args...)
	if code != exitFinding {
		t.Fatalf("run: exit %d; %s", code, stderr)
	}
	var res struct {
		Findings []struct{ Kind, Trace string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("-json output: %v\n%s", err, out)
	}
	for _, f := range res.Findings {
		if f.Kind == kind {
			return f.Trace
		}
	}
	t.Fatalf("no %s trace in %s", kind, out)
	return ""
}

// A finding's trace replays to the same verdict, and a trace edited so that
// it no longer matches the code is refused with exit status 2.
func TestRunThenReplay(t *testing.T) {
	trace := findingTrace(t, "lost-wakeup", "-protocol", "lockfree", "-variant", "clear-after-enqueue", "-threads", "4")
	code, out, stderr := run(t, "replay", trace)
	if code != exitFinding || !strings.Contains(out, "lost-wakeup") || !strings.Contains(out, "◀ finding") {
		t.Fatalf("replay: exit %d\n%s\n%s", code, out, stderr)
	}

	// Tamper: change one decision.
	tr, err := traces.Load(trace)
	if err != nil {
		t.Fatal(err)
	}
	for i := range tr.Decisions {
		if tr.Decisions[i] == 0 {
			tr.Decisions[i] = 1
			break
		}
	}
	bad := filepath.Join(t.TempDir(), "tampered.json")
	if err := traces.Save(bad, tr); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, "replay", bad)
	if code != exitUsage || !strings.Contains(stderr, "diverged") || !strings.Contains(stderr, "step ") {
		t.Fatalf("tampered replay: exit %d, stderr %s", code, stderr)
	}

	// A trace of another protocol's variant.
	tr.Variant = "no-such-variant"
	if err := traces.Save(bad, tr); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, "replay", bad)
	if code != exitUsage || !strings.Contains(stderr, "unknown variant") {
		t.Fatalf("foreign variant: exit %d, stderr %s", code, stderr)
	}
	_ = os.Remove(bad)
}

// The strategy of a run is reported as the hunt ran it, and a run's JSON
// and traces name the strategy that found each finding.
func TestRunStrategy(t *testing.T) {
	for _, c := range []struct {
		strategy string
		want     string // the JSON's strategy
		bound    bool   // a PCT bound is printed
	}{
		{"random", "random", false},
		{"pct", "pct", true},
		{"pct:depth=2", "pct", true},
		{"dfs:bound=1", "dfs", false},
	} {
		t.Run(c.strategy, func(t *testing.T) {
			code, out, stderr := run(t, "run", "-protocol", "lockfree", "-variant", "no-reverse", "-strategy", c.strategy,
				"-runs", "300", "-workers", "2", "-out", t.TempDir(), "-json")
			if code != exitFinding {
				t.Fatalf("exit %d; %s", code, stderr)
			}
			var res struct {
				Strategy string
				PCTBound string `json:"pct_bound"`
				Findings []struct{ Trace string }
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if res.Strategy != c.want || (res.PCTBound != "") != c.bound {
				t.Fatalf("strategy %q, PCT bound %q", res.Strategy, res.PCTBound)
			}
			if c.strategy == "pct:depth=2" && !strings.HasPrefix(res.PCTBound, "depth 2,") {
				t.Fatalf("PCT bound %q, want depth 2", res.PCTBound)
			}
			tr, err := traces.Load(res.Findings[0].Trace)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == "dfs" && (tr.Strategy.Bound == nil || *tr.Strategy.Bound != 1 || tr.Strategy.Depth != 0) {
				t.Fatalf("trace strategy %+v, want bound 1 and no depth", tr.Strategy)
			}
			if tr.Strategy.Name != c.want || !strings.Contains(res.Findings[0].Trace, "-"+c.want+"-") {
				t.Fatalf("trace %s of strategy %+v", res.Findings[0].Trace, tr.Strategy)
			}
		})
	}
}
