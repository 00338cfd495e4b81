package main

import (
	"flag"
	"io"
	"os"
	"runtime/pprof"
	"testing"
)

var pgoWrite = flag.String("pgo.write", "", "write a CPU profile of simrun's main jobs to this file (bench/pgo.sh: cmd/simrun/default.pgo, which go build uses)")

// pgoJobs are the commands whose CPU profile guides the compiler's
// optimisation of simrun (profile-guided optimisation, default.pgo): what
// users run most. The run of every variant takes most of the CPU time,
// each of the others one to four seconds. The simulator's
// runtime is the same code under every strategy, so the profile is not
// specific to one protocol or strategy; it only tells the compiler which
// calls are hot.
func pgoJobs(out string) [][]string {
	hunt := func(proto, variant string) []string {
		return []string{"run", "-protocol", proto, "-variant", variant, "-threads", "4", "-txns", "1",
			"-runs", "60000", "-strategy", "random", "-minimize=false", "-workers", "1", "-out", out}
	}
	return [][]string{
		// The main job: every variant on its default budget.
		{"run", "-out", out},
		// The hot path at 4 threads (bench/compare.sh's configurations).
		hunt("lockfree", "clear-before-enqueue"),
		hunt("mutexqueue", "shipped"),
		// The default portfolio on one variant, and PCT.
		{"run", "-protocol", "broadcast", "-variant", "repaired", "-threads", "4", "-runs", "40000", "-out", out},
		{"run", "-protocol", "mutexqueue", "-variant", "final-review", "-threads", "4", "-runs", "40000", "-strategy", "pct", "-out", out},
		// Exhaustive verification: the stateful search and DPOR.
		{"explore", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "4", "-stateful", "-max-spurious", "0"},
		{"explore", "-protocol", "mutexqueue", "-variant", "final-review", "-threads", "4", "-stateful", "-max-spurious", "0"},
		{"explore", "-protocol", "mutexqueue", "-variant", "final-review", "-threads", "3", "-dpor", "-max-executions", "100000", "-out", out},
	}
}

// TestPGOProfile writes the profile that cmd/simrun/default.pgo holds
// (bench/pgo.sh runs it); without -pgo.write it is skipped.
func TestPGOProfile(t *testing.T) {
	if *pgoWrite == "" {
		t.Skip("writes default.pgo: go test ./cmd/simrun -run TestPGOProfile -pgo.write FILE (bench/pgo.sh)")
	}
	f, err := os.Create(*pgoWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	defer pprof.StopCPUProfile()
	for _, args := range pgoJobs(t.TempDir()) {
		if code := mainArgs(args, io.Discard, io.Discard); code == exitUsage {
			t.Errorf("simrun %v: exit %d", args, code)
		}
	}
}
