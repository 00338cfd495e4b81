package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestExploreStateful: explore -stateful verifies a fixed protocol and
// says what it covered; a 1-thread configuration, whose cond wait is never
// reached, is a vacuous pass and says so; -json carries states and
// coverage.
func TestExploreStateful(t *testing.T) {
	for _, c := range []struct {
		threads string
		vacuous bool
	}{
		{"2", false},
		{"1", true},
	} {
		t.Run("threads="+c.threads, func(t *testing.T) {
			code, out, errs := run(t, "explore", "-protocol", "lockfree", "-variant", "clear-before-enqueue",
				"-threads", c.threads, "-stateful", "-coverage", "-out", t.TempDir())
			if code != exitClean {
				t.Fatalf("exit %d, stderr %s", code, errs)
			}
			for _, want := range []string{"DFS with state matching", "coverage:", "probe:           group size", "verified: no finding in any execution (stateful search, exhaustive)"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if got := strings.Contains(out, "warning: vacuous?"); got != c.vacuous {
				t.Errorf("vacuous warning %v, want %v:\n%s", got, c.vacuous, out)
			}
		})
	}
	code, out, _ := run(t, "explore", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "2", "-stateful", "-coverage", "-json", "-out", t.TempDir())
	var r struct {
		Verified bool `json:"verified"`
		States   int  `json:"states"`
		Coverage struct {
			Objects []json.RawMessage `json:"objects"`
			Probes  []struct {
				Name string `json:"name"`
				Max  int    `json:"max"`
			} `json:"probes"`
		} `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitClean {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	if !r.Verified || r.States == 0 || len(r.Coverage.Objects) == 0 || len(r.Coverage.Probes) != 1 || r.Coverage.Probes[0].Max != 2 {
		t.Errorf("json: %+v", r)
	}
}
