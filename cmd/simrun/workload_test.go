package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simrun/simrun/traces"
)

// The write-skew traces of protocols/replay name their workload in their
// configuration: `simrun replay` rebuilds it and finds what they recorded
// (exit 1), and `simrun run -workload write-skew` finds it again.
func TestReplayWriteSkewTraces(t *testing.T) {
	paths, err := filepath.Glob("../../protocols/replay/testdata/untracked-write-skew-*.json")
	if err != nil || len(paths) != 2 {
		t.Fatalf("write-skew traces: %v, %v", paths, err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tr, err := traces.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			code, out, stderr := run(t, "replay", path)
			if code != exitFinding || !strings.Contains(out, tr.Finding.Kind) {
				t.Fatalf("exit %d, want 1 with %s:\n%s\n%s", code, tr.Finding.Kind, out, stderr)
			}
		})
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want int
		msg  string // in stdout or stderr
	}{
		{"run", []string{"-variant", "merge-only", "-workload", "write-skew", "-runs", "200"}, exitFinding, "xenstore-untracked"},
		{"run with vms", []string{"-variant", "merge-only", "-workload", "write-skew", "-vms", "2"}, exitUsage, "is fixed"},
		{"run unknown", []string{"-variant", "merge-only", "-workload", "nope"}, exitUsage, "unknown workload"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := run(t, append([]string{"run", "-protocol", "replay", "-strategy", "random", "-out", dir}, c.args...)...)
			if code != c.want || !strings.Contains(out+stderr, c.msg) {
				t.Fatalf("exit %d, want %d with %q:\n%s\n%s", code, c.want, c.msg, out, stderr)
			}
		})
	}
	code, _, stderr := run(t, "run", "-protocol", "lockfree", "-variant", "no-reverse", "-workload", "write-skew")
	if code != exitUsage || !strings.Contains(stderr, "does not take -workload") {
		t.Errorf("lockfree -workload: exit %d: %s", code, stderr)
	}
}

// The random xenstore workload of `simrun run` and `simrun explore` has
// guest clients unless
// -doms 1 says dom0 only: guests' transactions meet quota-maxrequests
// (stat equota), dom0's never do. A trace records the domains it ran
// with and replays to its finding; the version-1 trace, recorded before
// -doms, replays its dom0-only workload (cost_test.go).
func TestRunDoms(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		args   []string
		want   int
		equota bool   // the mean of stat equota is positive
		config string // in the saved traces' configuration
		msg    string // in stderr, for usage errors
	}{
		{"default: dom0 and a guest", nil, exitFinding, true, `"doms":2`, ""},
		{"dom0 only", []string{"-doms", "1"}, exitFinding, false, `"doms":1`, ""},
		{"three domains", []string{"-doms", "3", "-threads", "3"}, exitFinding, true, `"doms":3`, ""},
		{"negative", []string{"-doms", "-1"}, exitUsage, false, "", "-doms must be in 0..32, got -1"},
		{"more than the clients' most", []string{"-doms", "33"}, exitUsage, false, "", "-doms must be in 0..32, got 33"},
		{"with the toolstack", []string{"-doms", "2", "-vms", "2"}, exitUsage, false, "", "give one or the other"},
		{"with a fixed workload", []string{"-doms", "2", "-workload", "write-skew"}, exitUsage, false, "", "is fixed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
			code, stdout, stderr := run(t, append([]string{"run", "-protocol", "replay", "-variant", "merge-only", "-runs", "200", "-json", "-out", out}, c.args...)...)
			if code != c.want || !strings.Contains(stderr, c.msg) {
				t.Fatalf("exit %d, want %d with %q:\n%s", code, c.want, c.msg, stderr)
			}
			if c.want == exitUsage {
				return
			}
			var res struct {
				EQuota float64 `json:"equota"`
			}
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatalf("-json: %v", err)
			}
			if (res.EQuota > 0) != c.equota {
				t.Errorf("equota %v per run, want positive: %v", res.EQuota, c.equota)
			}
			saved, _ := filepath.Glob(filepath.Join(out, "*.json"))
			if len(saved) == 0 {
				t.Fatal("no trace saved")
			}
			for _, path := range saved {
				tr, err := traces.Load(path)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(tr.Config), c.config) {
					t.Errorf("%s: config %s, want %s", path, tr.Config, c.config)
				}
				if code, _, stderr := run(t, "replay", path); code != exitFinding {
					t.Errorf("replay %s: exit %d: %s", path, code, stderr)
				}
			}
		})
	}
	code, _, stderr := run(t, "run", "-protocol", "lockfree", "-variant", "no-reverse", "-doms", "2")
	if code != exitUsage || !strings.Contains(stderr, "does not take -doms") {
		t.Errorf("lockfree -doms: exit %d: %s", code, stderr)
	}
	// simrun explore takes the same default; the toolstack workload
	// (-vms) has no -doms.
	for _, c := range []struct {
		args   []string
		config string
	}{
		{nil, `"doms":2`},
		{[]string{"-doms", "1"}, `"doms":1`},
		{[]string{"-vms", "2"}, `{"vms":2,"cost"`},
	} {
		code, stdout, stderr := run(t, append([]string{"explore", "-protocol", "replay", "-variant", "replay", "-json", "-out", dir}, c.args...)...)
		var res struct {
			Config string `json:"config"`
		}
		if code != exitClean || json.Unmarshal([]byte(stdout), &res) != nil || !strings.Contains(res.Config, c.config) {
			t.Errorf("explore %v: exit %d, config %q, want %s: %s", c.args, code, res.Config, c.config, stderr)
		}
	}
}
