package main

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simrun/simrun/traces"
)

// replay -html writes a self-contained page of the replayed trace, with
// every actor's lane and the finding, and keeps replay's exit status.
func TestReplayHTML(t *testing.T) {
	dir := t.TempDir()
	kind := "lost-wakeup"
	trace := findingTrace(t, kind, "-protocol", "lockfree", "-variant", "clear-after-enqueue", "-threads", "3")
	tr, err := traces.Load(trace)
	if err != nil {
		t.Fatal(err)
	}

	page := filepath.Join(dir, "trace.html")
	code, out, stderr := run(t, "replay", "-html", page, trace)
	if code != exitFinding {
		t.Fatalf("replay -html: exit %d, want %d; stderr:\n%s", code, exitFinding, stderr)
	}
	if !strings.Contains(out, "◀ finding") || !strings.HasSuffix(out, "\nwrote "+page+"\n") {
		t.Errorf("replay -html: stdout does not end with the timeline, then %q:\n%s", "wrote "+page, out)
	}
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if !strings.HasPrefix(s, "<!DOCTYPE html>") || !strings.HasSuffix(s, "</html>\n") || strings.Count(s, "<script") != 2 {
		t.Fatalf("not a well-formed HTML page with its data and its script:\n%.300s", s)
	}
	for _, bad := range []string{"http:", "https:", " src=", "<link"} {
		if strings.Contains(s, bad) {
			t.Errorf("page is not self-contained: it contains %q", bad)
		}
	}
	// The lanes and the rows are data for the page's script.
	_, js, _ := strings.Cut(s, `<script type="application/json" id="data">`)
	js, _, _ = strings.Cut(js, "</script>")
	var d struct {
		Lanes   []struct{ Name string }
		Holds   [][5]int
		Cause   []int
		Finding int
		Rows    []struct {
			Kind string `json:"k"`
		}
	}
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		t.Fatalf("page data: %v", err)
	}
	for i, a := range tr.Actors {
		if i >= len(d.Lanes) || d.Lanes[i].Name != a {
			t.Errorf("page has no lane for actor %s", a)
		}
	}
	text := html.UnescapeString(s)
	if !strings.Contains(text, `<span class="kind">`+kind+"</span>") || !strings.Contains(text, tr.Finding.Message) {
		t.Errorf("page does not show the finding %s: %s", kind, tr.Finding.Message)
	}
	// The lost wakeup is about an actor, and the protocol's threads hold
	// mutexes (from lock to unlock, from wake to wait): the trace's
	// structure says so. The page opens at the cause, which includes the
	// lost signal.
	if tr.Finding.Actor < 0 || d.Finding != tr.Finding.Actor {
		t.Errorf("finding actor %d: its lane (%d) is not highlighted", tr.Finding.Actor, d.Finding)
	}
	if len(d.Holds) == 0 {
		t.Errorf("page shows no thread holding a mutex")
	}
	lost := false
	for _, c := range d.Cause {
		lost = lost || strings.HasSuffix(d.Rows[c].Kind, " lost")
	}
	if !lost || !strings.Contains(s, `<button class="cause"`) {
		t.Errorf("the page's cause %v is not at a lost signal", d.Cause)
	}

	// The same trace as version 1 wrote it (no arg, no failed) still
	// replays, to the same page: the page is drawn from the replay.
	tr.Version = 1
	v1 := filepath.Join(dir, "v1.json")
	if err := traces.Save(v1, tr); err != nil {
		t.Fatal(err)
	}
	v1Page := filepath.Join(dir, "v1.html")
	if code, _, stderr := run(t, "replay", "-html", v1Page, v1); code != exitFinding {
		t.Fatalf("replay of the version-1 trace: exit %d; %s", code, stderr)
	}
	if data, err := os.ReadFile(v1Page); err != nil || string(data) != s {
		t.Errorf("the version-1 trace replays to another page (%v)", err)
	}

	// The same replay gives the same page; a window gives a smaller one.
	again := filepath.Join(dir, "again.html")
	if code, _, stderr := run(t, "replay", "-html", again, trace); code != exitFinding {
		t.Fatalf("second replay: exit %d; %s", code, stderr)
	}
	if data2, err := os.ReadFile(again); err != nil || string(data2) != s {
		t.Errorf("two replays wrote different pages (%v)", err)
	}
	last := filepath.Join(dir, "last.html")
	if code, _, stderr := run(t, "replay", "-last", "3", "-html", last, trace); code != exitFinding {
		t.Fatalf("replay -last 3 -html: exit %d; %s", code, stderr)
	}
	if data3, err := os.ReadFile(last); err != nil || !strings.Contains(string(data3), "3 rows shown, ") || !strings.Contains(string(data3), " earlier left out") {
		t.Errorf("-last 3 page: want 3 rows and the earlier ones left out (%v)", err)
	}

	// -perfetto writes the Trace Event Format (checked in package traces).
	pf := filepath.Join(dir, "trace.perfetto.json")
	if code, out, stderr := run(t, "replay", "-perfetto", pf, trace); code != exitFinding || !strings.HasSuffix(out, "wrote "+pf+"\n") {
		t.Fatalf("replay -perfetto: exit %d; %s", code, stderr)
	}
	var doc struct{ TraceEvents []map[string]any }
	if data, err := os.ReadFile(pf); err != nil || json.Unmarshal(data, &doc) != nil || len(doc.TraceEvents) < len(tr.Events) {
		t.Errorf("replay -perfetto: %d trace events for %d events (%v)", len(doc.TraceEvents), len(tr.Events), err)
	}

	// A page that cannot be written is an error, exit status 2.
	code, _, stderr = run(t, "replay", "-html", filepath.Join(dir, "no", "such", "dir.html"), trace)
	if code != exitUsage || !strings.Contains(stderr, "HTML") {
		t.Errorf("unwritable page: exit %d, stderr %s", code, stderr)
	}
}
