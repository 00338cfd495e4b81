package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		args   []string
		want   int
		stdout []string // substrings of stdout
		stderr string   // substring of stderr
		file   string   // a plot file that must exist, with these in it
		inFile []string
	}{
		{"unknown bench", []string{"bench", "nope"}, exitUsage, nil, "unknown benchmark", "", nil},
		{"bad cost", []string{"bench", "-cost", "fsync=soon", "wakeup"}, exitUsage, nil, "fsync", "", nil},
		{"unknown cost", []string{"bench", "-cost", "disk=3", "wakeup"}, exitUsage, nil, "unknown cost parameter", "", nil},
		{"bad plot file", []string{"bench", "-plot", filepath.Join(dir, "x.png"), "wakeup"}, exitUsage, nil, ".svg or .html", "", nil},
		{"negative runs", []string{"bench", "-runs", "-1", "wakeup"}, exitUsage, nil, "-runs", "", nil},
		{"help", []string{"bench", "-h"}, exitClean, nil, "engine-fsync", "", nil},
		{"wakeup table", []string{"bench", "-quick", "wakeup"}, exitClean,
			[]string{"== wakeup", "broadcast_last_runs (µs)", "cost model: cpus=12"}, "wakeup took", "", nil},
		{"groupcommit table and plot", []string{"bench", "-quick", "-plot", filepath.Join(dir, "gc.svg"), "groupcommit"}, exitClean,
			[]string{"mutexqueue/no-group-commit", "Percona at 64 threads", "review at 64 threads"}, "wrote",
			"gc.svg", []string{"<svg", "client threads (log scale)", "commits per second", "Percona, with fix"}},
		{"sim table", []string{"bench", "-quick", "sim"}, exitClean, []string{"bare round trip", "merge-only", "clear-before-enqueue"}, "sim took", "", nil},
		{"flags after the name", []string{"bench", "wakeup", "-quick", "-cost", "wake=50us"}, exitClean, []string{"wake=50µs"}, "", "", nil},
		{"cost override", []string{"bench", "-quick", "-cost", "wake=50us", "wakeup"}, exitClean, []string{"wake=50µs"}, "", "", nil},
		{"replay html", []string{"bench", "-quick", "-plot", filepath.Join(dir, "r.html"), "replay"}, exitClean,
			[]string{"merge-only", "268.92"}, "", "r.html", []string{"<!DOCTYPE html>", "<svg", "VMs started and shut down in parallel", "merge-only"}},
		{"several plots", []string{"bench", "-quick", "-plot", filepath.Join(dir, "all.svg"), "wakeup", "replay"}, exitClean, nil, "",
			"all-replay.svg", []string{"completion time"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := run(t, c.args...)
			if code != c.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.want, stderr)
			}
			for _, s := range c.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, stderr)
			}
			if c.file != "" {
				b, err := os.ReadFile(filepath.Join(dir, c.file))
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range c.inFile {
					if !strings.Contains(string(b), s) {
						t.Errorf("%s lacks %q", c.file, s)
					}
				}
			}
		})
	}
}

// TestBenchJSON: -json prints one object per point, each naming its
// benchmark, and nothing else on stdout.
func TestBenchJSON(t *testing.T) {
	code, stdout, stderr := run(t, "bench", "-quick", "-json", "wakeup", "groupcommit")
	if code != exitClean {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	counts := map[string]int{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not one JSON object per line: %q: %v", l, err)
		}
		b, _ := m["bench"].(string)
		counts[b]++
	}
	if counts["wakeup"] != 4 || counts["groupcommit"] != 15 {
		t.Errorf("points per benchmark: %v; want wakeup 4 (group sizes), groupcommit 15 (5 series x 3 thread counts)", counts)
	}
}
