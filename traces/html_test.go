package traces_test

// testdata/html.golden is HTML's page for testdata/valid.json with the zero
// TimelineOptions; `go test ./traces/ -update` rewrites it.
// testdata/html-v1.golden is the page of testdata/v1.json, the same trace
// as version 1 wrote it (see TestV1Sample); -update does not rewrite it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/traces"
)

// renderHTML returns the page of tr under opt.
func renderHTML(t *testing.T, tr *traces.Trace, opt traces.TimelineOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := traces.HTML(&b, tr, opt); err != nil {
		t.Fatal(err)
	}
	checkPage(t, b.String())
	return b.String()
}

func TestHTMLGolden(t *testing.T) {
	tr, err := traces.Load(filepath.Join("testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := renderHTML(t, tr, traces.TimelineOptions{})
	path := filepath.Join("testdata", "html.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("page differs from %s (run go test ./traces/ -update):\n%s", path, got)
	}
}

// The same trace gives the same bytes, whatever the order in which maps
// (the cost options) are walked.
func TestHTMLDeterministic(t *testing.T) {
	opts := []traces.TimelineOptions{{}, {VisibleOnly: true}, {From: 5, To: 12, Last: 3}}
	for _, opt := range opts {
		tr := sampleTrace()
		for i := range 20 {
			tr.Options.Cost[fmt.Sprintf("k%02d", i)] = fmt.Sprintf("%dns", i)
		}
		first := renderHTML(t, tr, opt)
		for range 10 {
			if again := renderHTML(t, tr, opt); again != first {
				t.Fatalf("%+v: two renderings differ", opt)
			}
		}
		if !strings.Contains(first, "k00=0ns, k01=1ns, k02=2ns") {
			t.Errorf("%+v: cost options not in key order", opt)
		}
	}
}

// checkPage checks that a page is one self-contained, well-nested HTML
// document: its only scripts are its own two inline ones (the data and the
// code), and nothing is loaded from elsewhere.
func checkPage(t *testing.T, page string) {
	t.Helper()
	if !strings.HasPrefix(page, "<!DOCTYPE html>\n<html") || !strings.HasSuffix(page, "</html>\n") {
		t.Fatalf("not an HTML document:\n%.200s", page)
	}
	for _, bad := range []string{"http:", "https:", "//cdn", "<link", "<img", "@import", "url(", " src=", "<iframe"} {
		if strings.Contains(page, bad) {
			t.Errorf("page is not self-contained: it contains %q", bad)
		}
	}
	if n := strings.Count(page, "<script"); n != 2 || !strings.Contains(page, `<script type="application/json" id="data">`) {
		t.Errorf("page has %d scripts, want its data and its code", n)
	}
	// The markup outside the scripts nests.
	markup := regexp.MustCompile(`(?s)<script[^>]*>.*?</script>`).ReplaceAllString(page, "")
	void := map[string]bool{"meta": true, "br": true}
	var stack []string
	for _, m := range regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>`).FindAllStringSubmatch(markup, -1) {
		name := strings.ToLower(m[2])
		switch {
		case void[name]:
		case m[1] == "":
			stack = append(stack, name)
		case len(stack) == 0 || stack[len(stack)-1] != name:
			t.Fatalf("</%s> closes %v", name, stack)
		default:
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed elements %v", stack)
	}
}

// pageData is the timeline a page embeds for its script (htmlData).
type pageData struct {
	Lanes []struct {
		Name   string
		Events int
	}
	Mutexes []string
	Rows    []pageRow
	Holds   [][5]int
	Waits   [][4]int
	Objects []string
	Cause   []int
	Mark    int
	Finding int
	Time    bool
	Marker  string
}

// pageRow is one row of pageData.
type pageRow struct {
	Step   int    `json:"s"`
	Lane   int    `json:"l"`
	Kind   string `json:"k"`
	Text   string `json:"t"`
	Full   string `json:"d"`
	Object int    `json:"o"`
	Time   string `json:"tm"`
	Event  bool   `json:"e"`
	Step0  bool   `json:"f"`
	Links  []struct {
		Row   int `json:"r"`
		Label string
	} `json:"x"`
}

// pageOf returns the timeline embedded in page.
func pageOf(t *testing.T, page string) *pageData {
	t.Helper()
	_, rest, ok := strings.Cut(page, `<script type="application/json" id="data">`)
	body, _, ok2 := strings.Cut(rest, "</script>")
	if !ok || !ok2 {
		t.Fatal("page embeds no data")
	}
	var d pageData
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("page data: %v", err)
	}
	return &d
}

// holds returns the mutexes lane l holds at row r, in the order of their
// bands.
func (d *pageData) holds(r, l int) []string {
	var hs [][5]int
	for _, h := range d.Holds {
		if h[0] == l && h[1] <= r && r <= h[2] {
			hs = append(hs, h)
		}
	}
	slices.SortFunc(hs, func(a, b [5]int) int { return a[4] - b[4] })
	var out []string
	for _, h := range hs {
		out = append(out, d.Mutexes[h[3]])
	}
	return out
}

// waiting reports whether lane l waits at row r.
func (d *pageData) waiting(r, l int) bool {
	return slices.ContainsFunc(d.Waits, func(w [4]int) bool { return w[0] == l && w[1] <= r && r <= w[2] })
}

// links returns row r's links as "row:label".
func (d *pageData) links(r int) []string {
	var out []string
	for _, x := range d.Rows[r].Links {
		out = append(out, fmt.Sprintf("%d:%s", x.Row, x.Label))
	}
	return out
}

func TestHTMLContent(t *testing.T) {
	tr := sampleTrace()
	page := renderHTML(t, tr, traces.TimelineOptions{})
	text := html.UnescapeString(page)
	for _, want := range []string{
		"groupcommit/lockfree-clear-after-enqueue", "pct, seed 42, depth 2, steps 20",
		`<span class="kind">deadlock</span> at step 14, actor t2`,
		"<pre>t2: blocked in wait COND_wakeup[t2]\nt1: returned</pre>",
		"position:sticky", "17 events, 14 steps, 3 lanes; 17 rows shown",
		`<button class="cause" data-go="10">step 9: t1 signal COND_wakeup[t2] no waiter</button>`,
		`<button class="cause" data-go="15">step 14: t2 wait COND_wakeup[t2]</button>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if !strings.Contains(text, tr.Finding.Message) || !strings.Contains(text, `{"threads":2,"engines":["innodb","pbxt"]}`) {
		t.Errorf("page lacks the finding's message or the config")
	}
	d := pageOf(t, page)
	var names []string
	for _, l := range d.Lanes {
		names = append(names, l.Name)
	}
	if !slices.Equal(names, []string{"t1", "t2", "runtime"}) || d.Finding != 1 || d.Marker != traces.FindingMarker {
		t.Errorf("lanes %v, finding lane %d, marker %q", names, d.Finding, d.Marker)
	}
	if len(d.Rows) != len(tr.Events) {
		t.Fatalf("%d rows, want one per event (%d)", len(d.Rows), len(tr.Events))
	}
	// The time changes, so it is shown.
	if !d.Time || d.Rows[0].Time != "150ns" {
		t.Errorf("time column %v, first %q", d.Time, d.Rows[0].Time)
	}
	kinds := map[string]string{"cas": "k-mem", "lock": "k-lock", "signal": "k-cond", "event": "k-ev", "work": "k-other", "wait": "k-cond", "read": "k-mem"}
	for i, r := range d.Rows {
		e := tr.Events[i]
		lane := e.Actor
		if lane == -1 {
			lane = len(tr.Actors)
		}
		want := traces.DescribeEvent(tr, e)
		if r.Step != e.Step || r.Lane != lane || r.Full != want || !strings.HasSuffix(want, r.Text) || r.Text == "" {
			t.Errorf("row %d: %+v; want step %d, lane %d, %q", i, r, e.Step, lane, want)
		}
		if r.Event != (e.Op == op.Event) || r.Step0 != (e.Step == 14) {
			t.Errorf("row %d (%s, step %d): event %v, finding's step %v", i, e.Op, e.Step, r.Event, r.Step0)
		}
		k, ok := kinds[e.Op.String()]
		if e.Failed && e.Op == op.Signal {
			k += " lost"
		}
		if ok && r.Kind != k {
			t.Errorf("row %d (%s): class %q, want %q", i, e.Op, r.Kind, k)
		}
		// t1 holds LOCK_wakeup[t2] from step 7 to step 10, t2 from step
		// 12 until its wait at step 14, after which it waits.
		wantT1 := e.Step >= 7 && e.Step <= 10
		wantT2 := e.Step >= 12 && e.Step <= 14 && !(e.Step == 14 && e.Actor == -1)
		if got := len(d.holds(i, 0)) == 1; got != wantT1 {
			t.Errorf("row %d (step %d): t1 holds %v", i, e.Step, d.holds(i, 0))
		}
		if got := len(d.holds(i, 1)) == 1; got != wantT2 {
			t.Errorf("row %d (step %d): t2 holds %v", i, e.Step, d.holds(i, 1))
		}
		if w := d.waiting(i, 1); w != (i == len(tr.Events)-1) {
			t.Errorf("row %d: t2 waiting %v", i, w)
		}
	}
	if d.Mark != len(tr.Events)-1 {
		t.Errorf("marked row %d, want the last", d.Mark)
	}
	// The cause: the lost signal (row 10) and the wait that missed it (row
	// 15), linked both ways; t2's lock links to t1's unlock.
	if !slices.Equal(d.Cause, []int{10, 15}) {
		t.Errorf("cause rows %v, want [10 15]", d.Cause)
	}
	for r, want := range map[int][]string{
		10: {"15:missed by the wait: t2 at step 14"},
		15: {"10:missed the lost signal: t1 at step 9"},
		11: {"13:next holder: t2 at step 12"},
		13: {"11:previous holder: t1 at step 10"},
		0:  nil,
	} {
		if got := d.links(r); !slices.Equal(got, want) {
			t.Errorf("row %d: links %q, want %q", r, got, want)
		}
	}
}

// ownershipTrace exercises trylock, a wait that releases one of two held
// mutexes, its wake, a lost signal and a broadcast. The wait on
// COND_group_commit[t1] releases LOCK_prepare_ordered, as its Arg says,
// although version 1's name heuristic would have picked
// LOCK_group_commit[t1].
func ownershipTrace() *traces.Trace {
	return &traces.Trace{
		Format: traces.Format, Version: traces.Version,
		Protocol: "groupcommit", Variant: "broadcast",
		Actors: []string{"t1", "t2"},
		Objects: []traces.Object{
			{ID: 0, Kind: "mutex", Name: "LOCK_prepare_ordered"},
			{ID: 1, Kind: "mutex", Name: "LOCK_group_commit[t1]"},
			{ID: 2, Kind: "cond", Name: "COND_group_commit[t1]"},
			{ID: 3, Kind: "var", Name: "done"},
		},
		Events: []traces.Event{
			{Step: 1, Actor: 1, Op: op.Lock, Object: 0},                                              // 0: t2 takes LOCK_prepare_ordered
			{Step: 2, Actor: 1, Op: op.Lock, Object: 1},                                              // 1: t2 takes LOCK_group_commit[t1]
			{Step: 3, Actor: 0, Op: op.TryLock, Object: 0, Failed: true, Value: "false"},             // 2: t1 fails
			{Step: 4, Actor: 1, Op: op.Wait, Object: 2, Arg: 0},                                      // 3: t2 releases LOCK_prepare_ordered only
			{Step: 5, Actor: 0, Op: op.TryLock, Object: 0, Value: "true"},                            // 4: t1 takes it
			{Step: 6, Actor: 0, Op: op.Broadcast, Object: 2, Value: "wakes t2"},                      // 5
			{Step: 7, Actor: 0, Op: op.Unlock, Object: 0},                                            // 6
			{Step: 8, Actor: 1, Op: op.Wake, Object: 2, Arg: 0},                                      // 7: t2 takes it back
			{Step: 9, Actor: 0, Op: op.Signal, Object: 2, Failed: true, Value: "lost: nobody waits"}, // 8
			{Step: 10, Actor: 1, Op: op.Unlock, Object: 1},                                           // 9
			{Step: 11, Actor: 1, Op: op.Unlock, Object: 0},                                           // 10
			{Step: 12, Actor: 0, Op: op.Write, Object: 3, Value: "1"},                                // 11
		},
	}
}

// The page draws ownership from the trace's structure. A version-2 trace
// says which mutex the wait released (LOCK_prepare_ordered). The same
// trace as version 1 wrote it has no Arg: decoding it guesses the mutex by
// name (LOCK_group_commit[t1], wrongly), and the page draws that guess;
// either way the failures (trylock, lost signal) are drawn.
func TestHTMLOwnership(t *testing.T) {
	const po, gc = "LOCK_prepare_ordered", "LOCK_group_commit[t1]"
	// held is what t1 and t2 hold in each row, given what t2 holds while
	// it waits (rows 4 to 6) and once woken (rows 7 to 9).
	held := func(waiting, woken []string) [][2][]string {
		return [][2][]string{
			{nil, {po}}, {nil, {po, gc}}, {nil, {po, gc}}, {nil, {po, gc}},
			{{po}, waiting}, {{po}, waiting}, {{po}, waiting},
			{nil, woken}, {nil, woken}, {nil, woken},
			{nil, {po}}, {nil, nil},
		}
	}
	tests := []struct {
		version int
		waitArg int // the wait's Arg after decoding
		held    [][2][]string
	}{
		{2, 0, held([]string{gc}, []string{gc, po})},
		{1, 1, held([]string{po}, []string{po, gc})},
	}
	for _, tc := range tests {
		tr := ownershipTrace()
		tr.Version = tc.version
		tr, err := traces.Decode(encode(t, tr))
		if err != nil {
			t.Fatal(err)
		}
		if a := tr.Events[3].Arg; a != tc.waitArg {
			t.Errorf("version %d: the wait's mutex is %d, want %d", tc.version, a, tc.waitArg)
		}
		page := renderHTML(t, tr, traces.TimelineOptions{})
		d := pageOf(t, page)
		if len(d.Rows) != len(tc.held) {
			t.Fatalf("version %d: %d rows, want %d", tc.version, len(d.Rows), len(tc.held))
		}
		for i, want := range tc.held {
			for a, name := range []string{"t1", "t2"} {
				// Bands keep their position: compare as sets.
				got, w := slices.Sorted(slices.Values(d.holds(i, a))), slices.Sorted(slices.Values(want[a]))
				if !slices.Equal(got, w) {
					t.Errorf("version %d, row %d: %s holds %q, want %q", tc.version, i, name, got, want[a])
				}
			}
			if got, want := d.waiting(i, 1), i >= 4 && i <= 6; got != want {
				t.Errorf("version %d, row %d: t2 waiting %v, want %v", tc.version, i, got, want)
			}
		}
		if k := d.Rows[8].Kind; k != "k-cond lost" {
			t.Errorf("version %d: lost signal has class %q", tc.version, k)
		}
		if k := d.Rows[5].Kind; k != "k-cond" {
			t.Errorf("version %d: broadcast has class %q", tc.version, k)
		}
		if !strings.Contains(page, `<div class="nofinding">no finding</div>`) || d.Mark != -1 || len(d.Cause) != 0 || strings.Contains(page, `class="cause"`) {
			t.Errorf("version %d: a page without a finding shows one", tc.version)
		}
		// The time never changes: no time column.
		if d.Time || d.Rows[0].Time != "" {
			t.Errorf("version %d: a time column for a trace without time", tc.version)
		}
		// The broadcast woke t2's wait; t1's trylock and t2's wake follow
		// the releases of LOCK_prepare_ordered by the other actor (in
		// version 2, where the wait says it released it).
		if tc.version == 1 {
			continue
		}
		for r, want := range map[int][]string{
			5: {"7:woke: t2 at step 8"},
			7: {"5:woken by: t1 at step 6", "6:previous holder: t1 at step 7"},
			4: {"3:previous holder: t2 at step 4"},
			8: nil, // lost, and nobody waits after it
		} {
			if got := d.links(r); !slices.Equal(got, want) {
				t.Errorf("version %d, row %d: links %q, want %q", tc.version, r, got, want)
			}
		}
		// Two mutexes, two colours, both in the legend.
		for _, want := range []string{".m0{background:hsl(", ".m1{background:hsl(", `<span class="sw bar m1"></span>` + gc} {
			if !strings.Contains(page, want) {
				t.Errorf("version %d: page lacks %q", tc.version, want)
			}
		}
	}
}

// A window shows the rows Timeline shows, the locks held when it starts,
// and only the causes and links inside it.
func TestHTMLWindow(t *testing.T) {
	tr := sampleTrace()
	for _, opt := range []traces.TimelineOptions{{From: 8, To: 12}, {VisibleOnly: true}, {Last: 4}, {From: 3, To: 4, Last: 1}} {
		page := renderHTML(t, tr, opt)
		var tl bytes.Buffer
		if err := traces.Timeline(&tl, tr, opt); err != nil {
			t.Fatal(err)
		}
		d := pageOf(t, page)
		// Timeline: header, rule, rows, "..." lines, finding line.
		lines := strings.Count(tl.String(), "\n") - 3 - strings.Count(tl.String(), "\n... ")
		if len(d.Rows) != lines {
			t.Errorf("%+v: %d rows, the timeline has %d", opt, len(d.Rows), lines)
		}
		for _, gap := range regexp.MustCompile(`\.\.\. (\d+) (earlier|later) rows not shown`).FindAllStringSubmatch(tl.String(), -1) {
			if !strings.Contains(page, gap[1]+" "+gap[2]+" left out") {
				t.Errorf("%+v: page lacks %q", opt, gap[0])
			}
		}
		if opt.VisibleOnly && slices.ContainsFunc(d.Rows, func(r pageRow) bool { return r.Event }) {
			t.Errorf("%+v: protocol events shown", opt)
		}
		for _, c := range d.Cause {
			if c < 0 || c >= len(d.Rows) {
				t.Errorf("%+v: cause row %d out of %d", opt, c, len(d.Rows))
			}
		}
		for i, r := range d.Rows {
			for _, x := range r.Links {
				if x.Row < 0 || x.Row >= len(d.Rows) {
					t.Errorf("%+v: row %d links to row %d of %d", opt, i, x.Row, len(d.Rows))
				}
			}
		}
	}
	d := pageOf(t, renderHTML(t, tr, traces.TimelineOptions{From: 8, To: 9}))
	if len(d.Rows) != 2 || len(d.holds(0, 0)) != 1 {
		t.Errorf("a window inside t1's critical section: %+v", d.Rows)
	}
	if !slices.Equal(d.Cause, []int{1}) || d.Mark != -1 {
		t.Errorf("window of steps 8-9: cause rows %v, mark %d; want [1] (the lost signal), -1", d.Cause, d.Mark)
	}
}

func TestHTMLEscapes(t *testing.T) {
	tr := ownershipTrace()
	tr.Actors[0] = `<b>"t1"&`
	tr.Objects[3].Name = "</td></script><script>alert(1)</script>"
	tr.Finding = &traces.Finding{Kind: "<kind>", Message: "a <message>", Detail: "</pre><i>", Step: 12}
	page := renderHTML(t, tr, traces.TimelineOptions{})
	markup, _, _ := strings.Cut(page, "<script>") // the page's own code has markup in strings
	for _, bad := range []string{"<b>", "alert(1)</script>", "<kind>", "<message>", "</pre><i>"} {
		if strings.Contains(markup, bad) {
			t.Errorf("%q not escaped", bad)
		}
	}
	d := pageOf(t, page)
	if !strings.Contains(html.UnescapeString(page), `<b>"t1"&`) || d.Lanes[0].Name != `<b>"t1"&` {
		t.Error("actor name lost")
	}
	if !strings.HasSuffix(d.Rows[11].Text, "</td></script><script>alert(1)</script> = 1") {
		t.Errorf("object name in row 11: %q", d.Rows[11].Text)
	}
	// Finding.Actor 0 is the first actor, -1 nobody, whatever the message.
	if d.Finding != 0 {
		t.Errorf("finding lane %d, want actor 0's", d.Finding)
	}
	tr.Finding.Actor = -1
	if d := pageOf(t, renderHTML(t, tr, traces.TimelineOptions{})); d.Finding != -1 {
		t.Errorf("finding lane %d for a finding about nobody", d.Finding)
	}
}

// bigTrace is a trace of steps steps by actors actors: each takes a mutex
// of its own, signals a condition variable nobody waits on, and unlocks;
// actor 0 finally waits forever, so the finding is a lost wakeup whose
// cause the runtime recorded at step cause.
func bigTrace(steps, actors int) (tr *traces.Trace, cause int) {
	tr = &traces.Trace{Format: traces.Format, Version: traces.Version, Protocol: "big", Variant: "synthetic",
		Options: traces.Options{MaxSteps: steps + 10}, Strategy: traces.Strategy{Name: "random", Seed: 1}}
	for a := range actors {
		tr.Actors = append(tr.Actors, fmt.Sprintf("t%d", a))
		tr.Objects = append(tr.Objects, traces.Object{ID: a, Kind: "mutex", Name: fmt.Sprintf("LOCK[%d]", a)})
	}
	cond := len(tr.Objects)
	tr.Objects = append(tr.Objects, traces.Object{ID: cond, Kind: "cond", Name: "COND"})
	ops := []op.Op{op.Lock, op.Signal, op.Unlock}
	for s := 1; s < steps; s++ {
		a := (s / 3 * 7) % actors
		e := traces.Event{Step: s, Actor: a, Op: ops[s%3], Object: a, Time: int64(s) * 1000}
		if e.Op == op.Signal {
			e.Object, e.Failed, e.Value = cond, true, "lost: nobody waits"
			cause = s
		}
		if e.Op == op.Unlock && s < 3 {
			e.Op = op.Read
		}
		tr.Events = append(tr.Events, e)
	}
	tr.Events = append(tr.Events, traces.Event{Step: steps, Actor: 0, Op: op.Wait, Object: cond, Arg: 0, Time: int64(steps) * 1000})
	tr.Finding = &traces.Finding{Kind: "lost-wakeup", Message: "t0 waits on COND forever", Step: steps, Actor: 0, Cause: []int{cause}}
	return tr, cause
}

// A long trace stays linear in size: the page embeds the events, not a
// table of events by lanes, so 10,000 steps by 100 actors is a page of a
// few megabytes, quickly written.
func TestHTMLLong(t *testing.T) {
	tr := ownershipTrace()
	base := tr.Events
	tr.Events = nil
	for i := range 500 {
		for _, e := range base {
			e.Step += i * 12
			tr.Events = append(tr.Events, e)
		}
	}
	page := renderHTML(t, tr, traces.TimelineOptions{})
	if n := len(pageOf(t, page).Rows); n != len(tr.Events) {
		t.Errorf("%d rows, want %d", n, len(tr.Events))
	}
	if perRow := len(page) / len(tr.Events); perRow > 300 {
		t.Errorf("%d bytes per row", perRow)
	}

	big, _ := bigTrace(10000, 100)
	start := time.Now()
	page = renderHTML(t, big, traces.TimelineOptions{})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("10,000 steps x 100 actors: %v to write the page", d)
	}
	if len(page) > 4<<20 {
		t.Errorf("10,000 steps x 100 actors: a page of %d bytes", len(page))
	}
	t.Logf("10,000 steps x 100 actors: %d bytes in %v", len(page), time.Since(start))
}

// The page opens at the cause: the steps the runtime recorded
// (Finding.Cause) and, for a lost wakeup or a deadlock, what the structure
// shows.
func TestHTMLCause(t *testing.T) {
	ev := func(step, actor int, o op.Op, object int) traces.Event {
		return traces.Event{Step: step, Actor: actor, Op: o, Object: object}
	}
	objects := []traces.Object{{ID: 0, Kind: "mutex", Name: "A"}, {ID: 1, Kind: "mutex", Name: "B"}, {ID: 2, Kind: "cond", Name: "C"}, {ID: 3, Kind: "var", Name: "x"}}
	race := []traces.Event{ev(1, 0, op.Write, 3), ev(2, 1, op.Lock, 0), ev(3, 1, op.Read, 3), {Step: 3, Actor: 1, Op: op.Event, Object: -1, Value: "saw x"}, ev(4, 1, op.Unlock, 0)}
	deadlock := []traces.Event{ev(1, 0, op.Lock, 0), ev(2, 1, op.Lock, 1), ev(3, 0, op.Read, 3), ev(4, 1, op.Lock, 0)}
	deadlock[3].Op = op.Read // t2's blocked lock of A is not an event
	tests := []struct {
		name    string
		events  []traces.Event
		finding *traces.Finding
		want    []int
	}{
		{"race, both accesses", race, &traces.Finding{Kind: "race", Step: 3, Actor: 1, Cause: []int{1, 3}}, []int{0, 2}},
		{"cause out of range", race, &traces.Finding{Kind: "race", Step: 3, Actor: 1, Cause: []int{9}}, nil},
		{"assertion, no cause", race, &traces.Finding{Kind: "assertion", Step: 3, Actor: 1}, nil},
		{"deadlock, the locks held", deadlock, &traces.Finding{Kind: "deadlock", Step: 4, Actor: 0}, []int{0, 1}},
		{"no finding", race, nil, nil},
	}
	for _, tc := range tests {
		tr := &traces.Trace{Format: traces.Format, Version: traces.Version, Protocol: "p", Variant: "v",
			Actors: []string{"t1", "t2"}, Objects: objects, Events: tc.events, Finding: tc.finding}
		d := pageOf(t, renderHTML(t, tr, traces.TimelineOptions{}))
		if !slices.Equal(d.Cause, tc.want) && (len(d.Cause) != 0 || len(tc.want) != 0) {
			t.Errorf("%s: cause rows %v, want %v", tc.name, d.Cause, tc.want)
		}
		if tc.finding != nil && tc.finding.Kind == "race" && len(tc.want) == 2 {
			if l := d.links(0); len(l) != 1 || !strings.HasPrefix(l[0], "2:the racing access: t2 read x") {
				t.Errorf("%s: links of the first access %q", tc.name, l)
			}
		}
	}
	big, step := bigTrace(300, 5)
	d := pageOf(t, renderHTML(t, big, traces.TimelineOptions{}))
	if len(d.Cause) != 2 || d.Rows[d.Cause[0]].Step != step || d.Rows[d.Cause[1]].Step != 300 {
		t.Errorf("lost wakeup: cause rows %v, want the last lost signal (step %d) and the wait", d.Cause, step)
	}
}

// The header names everything that decides the execution: a DFS or DPOR
// bound (or none), SURW's event estimates, the unfair flag.
func TestHTMLHeaderStrategy(t *testing.T) {
	bound := 2
	surw := traces.Strategy{Name: "surw", Seed: 3, Events: "3:0/2/2;7:1/1/1"}
	for _, c := range []struct {
		name   string
		edit   func(tr *traces.Trace)
		want   string
		absent string
	}{
		{"dfs bound", func(tr *traces.Trace) { tr.Strategy = traces.Strategy{Name: "dfs", Bound: &bound} }, "dfs, seed 0, bound 2", "unbounded"},
		{"dpor unbounded", func(tr *traces.Trace) { tr.Strategy = traces.Strategy{Name: "dpor"} }, "dpor, seed 0, unbounded", "bound "},
		{"surw events", func(tr *traces.Trace) { tr.Strategy = surw }, "surw, seed 3, events 3:0/2/2;7:1/1/1", "unbounded"},
		{"unfair", func(tr *traces.Trace) { tr.Options.Unfair = true }, "unfair (no fair scheduling rule)", "unbounded"},
		{"fair", func(*traces.Trace) {}, "pct, seed 42, depth 2, steps 20", "unfair"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, err := traces.Load(filepath.Join("testdata", "valid.json"))
			if err != nil {
				t.Fatal(err)
			}
			c.edit(tr)
			page := html.UnescapeString(renderHTML(t, tr, traces.TimelineOptions{}))
			head, _, _ := strings.Cut(page, "</header>")
			if !strings.Contains(head, c.want) || strings.Contains(head, c.absent) {
				t.Errorf("header lacks %q or has %q:\n%s", c.want, c.absent, head)
			}
		})
	}
}
