package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simrun/simrun/traces"
)

func TestTestStrategies(t *testing.T) {
	for _, c := range []struct {
		name     string
		strategy string
		dpor     bool
		bound    int
		set      bool // -bound given
		want     string
		err      string
	}{
		{name: "default portfolio", want: ""},
		{name: "one", strategy: "pct", want: "pct"},
		{name: "several with parameters", strategy: "pct:depth=2,steps=50,dfs:bound=1,random", want: "pct:depth=2,steps=50,dfs:bound=1,random"},
		{name: "dpor flag", dpor: true, want: "dpor"},
		{name: "bound into dpor", dpor: true, bound: 2, set: true, want: "dpor:bound=2"},
		{name: "bound into dfs with parameters", strategy: "dfs:bound=3,dpor", bound: 1, set: true, want: "dfs:bound=3,dpor:bound=1"},
		{name: "no bound", strategy: "dfs", bound: -1, set: true, want: "dfs:bound=none"},
		{name: "bound without a search", strategy: "pct", bound: 2, set: true, err: "-bound is for dfs and dpor"},
		{name: "bound alone", bound: 2, set: true, err: "-bound is for dfs and dpor"},
		{name: "dpor and strategy", strategy: "pct", dpor: true, err: "give one of them"},
		{name: "unknown", strategy: "pct,bfs", err: "unknown strategy"},
		{name: "explore alias", strategy: "explore", want: "explore"},
		{name: "bound into explore", strategy: "explore", bound: 2, set: true, want: "explore:bound=2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := testStrategies(c.strategy, c.dpor, c.bound, map[string]bool{"bound": c.set})
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %q, %v; want an error with %q", got, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// TestTestUsage: bad input to simrun test is exit 2 and one line, before
// anything is loaded or built.
func TestTestUsage(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		msg  string
	}{
		{"bad flag", []string{"test", "-bogus"}, "not defined"},
		{"no workers", []string{"test", "-workers", "2"}, "not defined"}, // it could not work: see help
		{"runs out of range", []string{"test", "-runs", "-1"}, "-runs must be in"},
		{"dpor and strategy", []string{"test", "-dpor", "-strategy", "pct"}, "give one of them"},
		{"unknown strategy", []string{"test", "-strategy", "bfs"}, "unknown strategy"},
		{"trace and packages", []string{"test", "-trace", "t.json", "./..."}, "drop the packages"},
		{"trace missing", []string{"test", "-trace", "/nonexistent/t.json"}, "no such file"},
		{"replay of a missing trace", []string{"replay", "/nonexistent/t.json"}, "no such file"},
		{"bad run regexp", []string{"test", "-run", "("}, "-run"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, c.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, c.msg) {
				t.Fatalf("stderr does not mention %q:\n%s", c.msg, stderr)
			}
			if c.msg != "not defined" && strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Fatalf("error message is not one line:\n%s", stderr)
			}
		})
	}
}

// TestTestCommand runs simrun test on gotest/testdata/mini from inside
// the module, as a user would: exit 1 for its leak, -json with one result
// per test, the same bytes a second time, and simrun replay of the leak's
// trace handed to simrun test.
func TestTestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("translates and builds a module (-short)")
	}
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "")
	out := t.TempDir()
	t.Chdir("../../gotest/testdata/mini")
	code, stdout, stderr := run(t, "test", "-runs", "20", "-json", "-out", out, "-run", "TestFirst")
	if code != exitFinding {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFinding, stderr)
	}
	var rep struct {
		Results []struct{ Test, Verdict, Kind, Trace string }
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("-json: %v\n%s", err, stdout)
	}
	if len(rep.Results) != 2 || rep.Results[0].Test != "TestFirstLeak" || rep.Results[0].Kind != "leak" || rep.Results[1].Verdict != "clean" {
		t.Fatalf("results %+v", rep.Results)
	}
	// Determinism: the same command prints the same bytes.
	if _, again, _ := run(t, "test", "-runs", "20", "-json", "-out", out, "-run", "TestFirst"); again != stdout {
		t.Errorf("a second run printed\n%s\nthe first\n%s", again, stdout)
	}
	code, stdout, stderr = run(t, "replay", rep.Results[0].Trace)
	if code != exitFinding || !strings.Contains(stdout, "goroutine leak") || !strings.Contains(stdout, "pool.go:") {
		t.Fatalf("replay: exit %d\n%s\n%s", code, stdout, stderr)
	}

	// A trace whose decisions were tampered with does not replay: exit 2.
	tr, err := traces.Load(rep.Results[0].Trace)
	if err != nil {
		t.Fatal(err)
	}
	for i := range tr.Decisions {
		tr.Decisions[i] = 7
	}
	bad := filepath.Join(out, "tampered.json")
	if err := traces.Save(bad, tr); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = run(t, "test", "-trace", bad)
	if code != exitUsage || !strings.Contains(stdout, "diverged") || !strings.Contains(stderr, "does not replay") {
		t.Fatalf("tampered trace: exit %d\n%s\n%s", code, stdout, stderr)
	}
}
