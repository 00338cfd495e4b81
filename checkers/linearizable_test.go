package checkers_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/mutexqueue"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// TestLinearizableHTML finds a failing history of snapshot-unlocked (within
// 500 PCT executions), checks it with porcupine twice (same verdict, same
// text), and writes porcupine's HTML next to the saved trace.
func TestLinearizableHTML(t *testing.T) {
	s, err := mutexqueue.Scenario(mutexqueue.SnapshotNoLock, groupcommit.Config{Threads: 4, Txns: 2, Engines: 2, Readers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var failing *sim.History
	rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewPCT(1, 3, 0), Runs: 500, StopOnFinding: true,
		Meta: sim.Meta{Protocol: "mutexqueue", Variant: mutexqueue.SnapshotNoLock},
		OnExecution: func(run int, h *sim.History, f *sim.Finding) {
			if f != nil && failing == nil {
				failing = h
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if failing == nil || len(rep.Findings) == 0 {
		t.Fatal("no failing execution in 500")
	}
	dir := t.TempDir()
	tracePath := filepath.Join(dir, "snapshot-unlocked.trace.json")
	if err := traces.Save(tracePath, rep.Findings[0].Trace); err != nil {
		t.Fatal(err)
	}
	f1 := checkers.Linearizable(failing)
	f2 := checkers.LinearizableTo(dir)(failing)
	if f1 == nil || f2 == nil {
		t.Fatal("the snapshot finding is not a linearizability finding")
	}
	if !strings.HasPrefix(f2.Detail, f1.Detail) {
		t.Fatalf("two checks of one history differ:\n%s\n---\n%s", f1.Detail, f2.Detail)
	}
	t.Logf("%s\n%s", f2.Message, f2.Detail)
	i := strings.Index(f2.Detail, "porcupine HTML: ")
	if i < 0 {
		t.Fatal("no HTML path in the finding")
	}
	path := strings.TrimSpace(f2.Detail[i+len("porcupine HTML: "):])
	if filepath.Dir(path) != filepath.Dir(tracePath) {
		t.Errorf("HTML %s is not next to the trace %s", path, tracePath)
	}
	if st, err := os.Stat(path); err != nil || st.Size() < 1000 {
		t.Fatalf("HTML not written: %v", err)
	}
}
