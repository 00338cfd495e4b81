package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wallFields are the -json fields that measure wall-clock time (and the
// time explore's "minimized" lines end with): the only output a merge may
// print differently from one machine.
var wallFields = regexp.MustCompile(`(?m)^\s*"(wall_seconds|runs_per_second|executions_per_second)": .*\n|, [0-9.]+s"`)

// shardAll runs every shard of args as a Kubernetes Indexed Job would
// (-shards N, JOB_COMPLETION_INDEX) and returns the reports' paths.
func shardAll(t *testing.T, n int, args []string) []string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		t.Setenv("JOB_COMPLETION_INDEX", strconv.Itoa(i))
		workers := 1 + i%2
		if slices.Contains(args, "-dpor") {
			workers = 1 // DPOR refuses a second worker
		}
		code, out, errs := run(t, append(args, "-shards", strconv.Itoa(n), "-shard-dir", dir, "-workers", strconv.Itoa(workers))...)
		if code != exitClean || out != "" {
			t.Fatalf("shard %d: exit %d, stdout %q, stderr %s", i, code, out, errs)
		}
	}
	os.Unsetenv("JOB_COMPLETION_INDEX")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(paths) != n {
		t.Fatalf("%d reports, want %d", len(paths), n)
	}
	return paths
}

// TestShardsMergeLikeOneMachine: N shards of run (random, PCT, the
// default portfolio) and explore (DFS, DPOR), with and without findings,
// merged, print the -json and exit with the status of one machine.
func TestShardsMergeLikeOneMachine(t *testing.T) {
	out := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"run/random/finding", []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-strategy", "random", "-runs", "600"}, exitFinding},
		{"run/pct/finding", []string{"run", "-protocol", "mutexqueue", "-variant", "early-release", "-strategy", "pct", "-runs", "600"}, exitFinding},
		{"run/portfolio/stats", []string{"run", "-protocol", "replay", "-variant", "replay", "-runs", "200"}, exitFinding},
		{"run/clean", []string{"run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-runs", "500"}, exitClean},
		{"explore/dfs/finding", []string{"explore", "-protocol", "lockfree", "-variant", "clear-after-enqueue"}, exitFinding},
		{"explore/dfs/verified", []string{"explore", "-protocol", "mutexqueue", "-variant", "final-review"}, exitClean},
		{"explore/dfs/budget", []string{"explore", "-protocol", "mutexqueue", "-variant", "final-review", "-max-executions", "40"}, exitInconclusive},
		{"explore/dpor/verified", []string{"explore", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-dpor"}, exitClean},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append(c.args, "-json", "-out", out)
			code, one, errs := run(t, args...)
			if code != c.want {
				t.Fatalf("one machine: exit %d, want %d: %s", code, c.want, errs)
			}
			for _, n := range []int{1, 3} {
				paths := shardAll(t, n, args)
				if n == 3 {
					paths = []string{filepath.Dir(paths[0])} // a directory stands for its reports
				}
				code, merged, errs := run(t, append([]string{"merge"}, paths...)...)
				if code != c.want {
					t.Fatalf("%d shards merged: exit %d, want %d: %s", n, code, c.want, errs)
				}
				if a, b := wallFields.ReplaceAllString(one, ""), wallFields.ReplaceAllString(merged, ""); a != b {
					t.Fatalf("%d shards merged:\n%s\none machine:\n%s", n, b, a)
				}
			}
		})
	}
}

// A merge refuses reports that do not belong together (exit 2), and a
// missing or truncated report makes it inconclusive (exit 3); bad shard
// flags are usage errors.
func TestMergeClassifies(t *testing.T) {
	args := []string{"explore", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-json", "-out", t.TempDir()}
	three := shardAll(t, 3, args)
	other := shardAll(t, 3, append(args, "-bound", "1"))
	four := shardAll(t, 4, args)
	truncated := filepath.Join(t.TempDir(), "truncated.json")
	b, err := os.ReadFile(three[2])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want int
		msg  string
	}{
		{"missing", []string{"merge", three[0], three[2]}, exitInconclusive, "inconclusive: missing 1 of 3 shard reports (shards 1)"},
		{"truncated", []string{"merge", three[0], three[1], truncated}, exitInconclusive, "not a complete shard report"},
		{"other config", []string{"merge", three[0], other[1], three[2]}, exitUsage, "another configuration"},
		{"other count", []string{"merge", three[0], four[1], three[2]}, exitUsage, "one of 4 shards"},
		{"twice", []string{"merge", three[0], three[1], three[1], three[2]}, exitUsage, "given twice"},
		{"no reports", []string{"merge"}, exitUsage, "no shard reports"},
		{"no file", []string{"merge", "nope.json"}, exitUsage, "no such file"},
		{"both flags", []string{"explore", "-protocol", "lockfree", "-variant", "no-reverse", "-shard", "0/2", "-shards", "2"}, exitUsage, "not both"},
		{"no index", []string{"explore", "-protocol", "lockfree", "-variant", "no-reverse", "-shards", "2"}, exitUsage, "JOB_COMPLETION_INDEX"},
		{"bad shard", []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-shard", "2/2"}, exitUsage, "want 0 <= index < count"},
		{"every variant", []string{"run", "-shard", "0/2"}, exitUsage, "give -protocol and -variant"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := run(t, c.args...)
			if code != c.want || !strings.Contains(errs, c.msg) || strings.Count(errs, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want exit %d and one line with %q", code, errs, c.want, c.msg)
			}
		})
	}
}

// Under Bazel's test sharding the shard comes from TEST_SHARD_INDEX and
// TEST_TOTAL_SHARDS, the report goes to TEST_UNDECLARED_OUTPUTS_DIR and
// TEST_SHARD_STATUS_FILE is touched.
func TestBazelSharding(t *testing.T) {
	dir, status := t.TempDir(), filepath.Join(t.TempDir(), "status")
	t.Setenv("TEST_TOTAL_SHARDS", "2")
	t.Setenv("TEST_SHARD_INDEX", "1")
	t.Setenv("TEST_SHARD_STATUS_FILE", status)
	t.Setenv("TEST_UNDECLARED_OUTPUTS_DIR", dir)
	code, _, errs := run(t, "run", "-protocol", "lockfree", "-variant", "no-reverse", "-runs", "100", "-out", t.TempDir())
	if code != exitClean {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(status); err != nil {
		t.Errorf("status file not touched: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "simrun-shard-00001-of-00002.json")); err != nil {
		t.Errorf("no report: %v", err)
	}
}

// A shard killed mid-way leaves no report (it writes it at the end, by
// rename): the merge of the others is inconclusive.
func TestKilledShard(t *testing.T) {
	if os.Getenv("SIMRUN_TEST_MAIN") != "" {
		os.Exit(mainArgs(strings.Fields(os.Getenv("SIMRUN_TEST_MAIN")), os.Stdout, os.Stderr))
	}
	dir := t.TempDir()
	args := "run -protocol lockfree -variant clear-before-enqueue -strategy random -runs 100000000 -shards 2 -workers 1 -out " + dir + " -shard-dir " + dir
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledShard$")
	cmd.Env = append(os.Environ(), "SIMRUN_TEST_MAIN="+args, "JOB_COMPLETION_INDEX=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	t.Setenv("JOB_COMPLETION_INDEX", "0")
	// Shard 0, on a budget it finishes: shard 1's report is missing.
	if code, _, errs := run(t, strings.Fields(strings.Replace(args, "100000000", "200", 1))...); code != exitClean {
		t.Fatalf("shard 0: exit %d: %s", code, errs)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(paths) != 1 {
		t.Fatalf("reports %v, want shard 0's alone", paths)
	}
	code, _, errs := run(t, append([]string{"merge"}, paths...)...)
	if code != exitInconclusive || !strings.Contains(errs, "missing 1 of 2 shard reports (shards 1)") {
		t.Fatalf("exit %d, stderr %q; want inconclusive", code, errs)
	}
}
