package main

import (
	"strings"
	"testing"
)

// TestDPORJSONAcrossWorkers: the -json of explore -dpor, unbounded and
// bounded, verified, with findings and cut by the budget, is the same on
// 1, 2 and 4 workers, wall-clock fields and trace paths aside, and so is
// the exit status.
func TestDPORJSONAcrossWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("explores protocols at 2 and 3 threads, three times each")
	}
	for _, c := range []struct {
		name string
		args []string
		exit int
	}{
		{"lockfree verified", []string{"-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "2"}, exitClean},
		{"mutexqueue verified", []string{"-protocol", "mutexqueue", "-variant", "final-review", "-threads", "2"}, exitClean},
		{"lockfree finding", []string{"-protocol", "lockfree", "-variant", "no-reverse", "-threads", "2"}, exitFinding},
		{"mutexqueue bounded finding", []string{"-protocol", "mutexqueue", "-variant", "early-release", "-threads", "3", "-bound", "1"}, exitFinding},
		{"lockfree bounded 3 threads", []string{"-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "3", "-bound", "2"}, exitClean},
		{"lockfree at budget", []string{"-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "3", "-max-executions", "2000"}, exitInconclusive},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out []string
			for _, w := range []string{"1", "2", "4"} {
				args := append([]string{"explore", "-dpor", "-json", "-workers", w, "-out", t.TempDir()}, c.args...)
				code, stdout, stderr := run(t, args...)
				if code != c.exit || !strings.HasPrefix(stdout, "{") {
					t.Fatalf("workers %s: exit %d, want %d: %s", w, code, c.exit, stderr)
				}
				out = append(out, stripClock(stdout))
			}
			for i, o := range out[1:] {
				if o != out[0] {
					t.Errorf("-json differs between 1 and %d workers:\n%s\n---\n%s", []int{2, 4}[i], out[0], o)
				}
			}
		})
	}
}
