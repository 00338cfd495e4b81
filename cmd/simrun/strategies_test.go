package main

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// `simrun run -strategy` takes POS, POSC, SURW and Mix: the JSON report and the
// trace of every finding are the same on one worker and on two, and each
// trace replays.
func TestRunSamplingStrategiesDeterministic(t *testing.T) {
	for _, strategy := range []string{"pos", "posc", "surw", "mix", "pos:seed=9"} {
		t.Run(strategy, func(t *testing.T) {
			var reports [2]map[string]any
			var files [2][][]byte
			for i, workers := range []string{"1", "2"} {
				dir := t.TempDir()
				code, out, stderr := run(t, "run", "-protocol", "lockfree", "-variant", "clear-after-enqueue", "-strategy", strategy,
					"-runs", "300", "-workers", workers, "-out", dir, "-json")
				if code != exitFinding {
					t.Fatalf("workers %s: exit %d; %s", workers, code, stderr)
				}
				if err := json.Unmarshal([]byte(out), &reports[i]); err != nil {
					t.Fatal(err)
				}
				delete(reports[i], "wall_seconds")
				delete(reports[i], "runs_per_second")
				findings, _ := reports[i]["findings"].([]any)
				if len(findings) == 0 {
					t.Fatalf("workers %s: no finding in 300 runs", workers)
				}
				for _, f := range findings {
					m := f.(map[string]any)
					path := m["trace"].(string)
					b, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					files[i] = append(files[i], b)
					if code, _, stderr := run(t, "replay", path); code != exitFinding {
						t.Fatalf("replay %s: exit %d; %s", path, code, stderr)
					}
					delete(m, "trace")
					delete(m, "replay")
				}
			}
			a, _ := json.Marshal(reports[0])
			b, _ := json.Marshal(reports[1])
			if !bytes.Equal(a, b) {
				t.Fatalf("workers 1:\n%s\nworkers 2:\n%s", a, b)
			}
			for j := range files[0] {
				if !bytes.Equal(files[0][j], files[1][j]) {
					t.Fatalf("trace %d differs between 1 and 2 workers", j)
				}
			}
		})
	}
}
