package main

import (
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
