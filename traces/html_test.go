package traces_test

// testdata/html.golden is HTML's page for testdata/valid.json with the zero
// TimelineOptions; `go test ./traces/ -update` rewrites it.
// testdata/html-v1.golden is the page version 1 drew for the same trace,
// which testdata/v1.json must still give (see TestV1Sample); -update does
// not rewrite it.

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

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
// document.
func checkPage(t *testing.T, page string) {
	t.Helper()
	if !strings.HasPrefix(page, "<!DOCTYPE html>\n<html") || !strings.HasSuffix(page, "</html>\n") {
		t.Fatalf("not an HTML document:\n%.200s", page)
	}
	for _, bad := range []string{"http:", "https:", "//cdn", "<script", "<link", "<img", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page is not self-contained: it contains %q", bad)
		}
	}
	void := map[string]bool{"meta": true, "br": true}
	var stack []string
	for _, m := range regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>`).FindAllStringSubmatch(page, -1) {
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

// htmlRow is a row of the page's table as the tests see it.
type htmlRow struct {
	class string
	step  string
	lanes []htmlLane
	mark  bool
}

// htmlLane is one lane of a row.
type htmlLane struct {
	class string   // the cell's class
	holds []string // the mutexes held
	kind  string   // the event's class
	text  string   // the event, unescaped
}

var (
	rowRE  = regexp.MustCompile(`<tr([^>]*)>(.*)</tr>`)
	cellRE = regexp.MustCompile(`<td([^>]*)>(.*?)</td>`)
	holdRE = regexp.MustCompile(`title="holds ([^"]*)"`)
	textRE = regexp.MustCompile(`<span class="t ([^"]*)" title="[^"]*">([^<]*)</span>`)
	attrRE = regexp.MustCompile(`class="([^"]*)"`)
)

// rows returns the event rows of a page's table.
func rows(page string) []htmlRow {
	_, body, _ := strings.Cut(page, "<tbody>")
	var out []htmlRow
	for _, line := range strings.Split(body, "\n") {
		m := rowRE.FindStringSubmatch(line)
		if m == nil || strings.Contains(m[1], "gap") {
			continue
		}
		r := htmlRow{mark: strings.Contains(m[1], `id="finding"`)}
		if c := attrRE.FindStringSubmatch(m[1]); c != nil {
			r.class = c[1]
		}
		cells := cellRE.FindAllStringSubmatch(m[2], -1)
		r.step = cells[0][2]
		for _, c := range cells[2 : len(cells)-1] {
			var l htmlLane
			if a := attrRE.FindStringSubmatch(c[1]); a != nil {
				l.class = a[1]
			}
			for _, h := range holdRE.FindAllStringSubmatch(c[2], -1) {
				l.holds = append(l.holds, html.UnescapeString(h[1]))
			}
			if tm := textRE.FindStringSubmatch(c[2]); tm != nil {
				l.kind, l.text = tm[1], html.UnescapeString(tm[2])
			}
			r.lanes = append(r.lanes, l)
		}
		out = append(out, r)
	}
	return out
}

func TestHTMLContent(t *testing.T) {
	tr := sampleTrace()
	page := renderHTML(t, tr, traces.TimelineOptions{})
	text := html.UnescapeString(page)
	for _, want := range []string{
		"<th>t1</th>", `<th class="fa">t2</th>`, "<th>runtime</th>",
		"groupcommit/lockfree-clear-after-enqueue", "pct, seed 42, depth 2, steps 20",
		`<span class="kind">deadlock</span> at step 14, actor t2`,
		"<pre>t2: blocked in wait COND_wakeup[t2]\nt1: returned</pre>",
		"position:sticky", "holds LOCK_wakeup[t2]</span>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if !strings.Contains(text, tr.Finding.Message) || !strings.Contains(text, `{"threads":2,"engines":["innodb","pbxt"]}`) {
		t.Errorf("page lacks the finding's message or the config")
	}
	rs := rows(page)
	if len(rs) != len(tr.Events) {
		t.Fatalf("%d rows, want one per event (%d)", len(rs), len(tr.Events))
	}
	for i, r := range rs {
		e := tr.Events[i]
		lane := e.Actor
		if lane == -1 {
			lane = len(tr.Actors)
		}
		if r.step != fmt.Sprint(e.Step) || r.lanes[lane].text == "" {
			t.Errorf("row %d: step %s, lanes %+v; want %s", i, r.step, r.lanes, traces.DescribeEvent(tr, e))
		}
		if want := traces.DescribeEvent(tr, e); !strings.HasSuffix(want, r.lanes[lane].text) {
			t.Errorf("row %d: text %q, want the end of %q", i, r.lanes[lane].text, want)
		}
		if (e.Op == op.Event) != strings.Contains(r.class, "ev") {
			t.Errorf("row %d (%s): class %q", i, e.Op, r.class)
		}
		if (e.Step == 14) != strings.Contains(r.class, "fs") {
			t.Errorf("row %d (step %d): class %q", i, e.Step, r.class)
		}
		if r.mark != (i == len(tr.Events)-1) {
			t.Errorf("row %d: marked %v", i, r.mark)
		}
		if !strings.Contains(r.lanes[1].class, "fa") || strings.Contains(r.lanes[0].class, "fa") {
			t.Errorf("row %d: finding lane classes %q, %q", i, r.lanes[0].class, r.lanes[1].class)
		}
		// t1 holds LOCK_wakeup[t2] from step 7 to step 10, t2 from step
		// 12 until its wait at step 14, after which it waits.
		wantT1 := e.Step >= 7 && e.Step <= 10
		wantT2 := e.Step >= 12 && e.Step <= 14 && !(e.Step == 14 && e.Actor == -1)
		if got := len(r.lanes[0].holds) == 1; got != wantT1 {
			t.Errorf("row %d (step %d): t1 holds %v", i, e.Step, r.lanes[0].holds)
		}
		if got := len(r.lanes[1].holds) == 1; got != wantT2 {
			t.Errorf("row %d (step %d): t2 holds %v", i, e.Step, r.lanes[1].holds)
		}
		if waiting := strings.Contains(r.lanes[1].class, "w"); waiting != (i == len(tr.Events)-1) {
			t.Errorf("row %d: t2 lane class %q", i, r.lanes[1].class)
		}
	}
	kinds := map[string]string{"cas": "k-mem", "lock": "k-lock", "signal": "k-cond", "event": "k-ev", "work": "k-other", "wait": "k-cond", "read": "k-mem"}
	for i, r := range rs {
		e := tr.Events[i]
		lane := max(e.Actor, 0)
		if e.Actor == -1 {
			lane = len(tr.Actors)
		}
		want, ok := kinds[e.Op.String()]
		if e.Failed && e.Op == op.Signal {
			want += " lost"
		}
		if ok && r.lanes[lane].kind != want {
			t.Errorf("row %d (%s): class %q, want %q", i, e.Op, r.lanes[lane].kind, want)
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

// checkOwnership checks the rows of page against want: per row, the
// mutexes t1 and t2 hold; and that t2 waits in rows 4 to 6.
func checkOwnership(t *testing.T, page string, want [][2][]string) {
	t.Helper()
	rs := rows(page)
	if len(rs) != len(want) {
		t.Fatalf("%d rows, want %d", len(rs), len(want))
	}
	for i, r := range rs {
		for a, name := range []string{"t1", "t2"} {
			if !slices.Equal(r.lanes[a].holds, want[i][a]) {
				t.Errorf("row %d: %s holds %q, want %q", i, name, r.lanes[a].holds, want[i][a])
			}
		}
		waiting := i >= 4 && i <= 6
		if got := strings.Contains(r.lanes[1].class, "w"); got != waiting {
			t.Errorf("row %d: t2 waiting %v, want %v", i, got, waiting)
		}
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
		checkOwnership(t, page, tc.held)
		rs := rows(page)
		if k := rs[8].lanes[0].kind; k != "k-cond lost" {
			t.Errorf("version %d: lost signal has class %q", tc.version, k)
		}
		if k := rs[5].lanes[0].kind; k != "k-cond" {
			t.Errorf("version %d: broadcast has class %q", tc.version, k)
		}
		if !strings.Contains(page, `<div class="nofinding">no finding</div>`) || strings.Contains(page, `id="finding"`) {
			t.Errorf("version %d: a page without a finding shows one", tc.version)
		}
		// Two mutexes, two colours, both in the legend.
		for _, want := range []string{".m0{background:hsl(", ".m1{background:hsl(", `<span class="sw bar m1"></span>holds ` + gc} {
			if !strings.Contains(page, want) {
				t.Errorf("version %d: page lacks %q", tc.version, want)
			}
		}
	}
}

// A window shows the rows Timeline shows, and the locks held when it starts.
func TestHTMLWindow(t *testing.T) {
	tr := sampleTrace()
	for _, opt := range []traces.TimelineOptions{{From: 8, To: 12}, {VisibleOnly: true}, {Last: 4}, {From: 3, To: 4, Last: 1}} {
		page := renderHTML(t, tr, opt)
		var tl bytes.Buffer
		if err := traces.Timeline(&tl, tr, opt); err != nil {
			t.Fatal(err)
		}
		rs := rows(page)
		// Timeline: header, rule, rows, "..." lines, finding line.
		lines := strings.Count(tl.String(), "\n") - 3 - strings.Count(tl.String(), "\n... ")
		if len(rs) != lines {
			t.Errorf("%+v: %d rows, the timeline has %d", opt, len(rs), lines)
		}
		for _, gap := range regexp.MustCompile(`\.\.\. \d+ (earlier|later) rows not shown`).FindAllString(tl.String(), -1) {
			if !strings.Contains(page, "… "+strings.TrimPrefix(gap, "... ")) {
				t.Errorf("%+v: page lacks %q", opt, gap)
			}
		}
		if opt.VisibleOnly && strings.Contains(page, `class="t k-ev"`) {
			t.Errorf("%+v: protocol events shown", opt)
		}
	}
	page := renderHTML(t, tr, traces.TimelineOptions{From: 8, To: 9})
	rs := rows(page)
	if len(rs) != 2 || len(rs[0].lanes[0].holds) != 1 {
		t.Errorf("a window inside t1's critical section: %+v", rs)
	}
	if strings.Contains(page, `href="#finding"`) {
		t.Error("a link to the finding's row, which the window leaves out")
	}
}

func TestHTMLEscapes(t *testing.T) {
	tr := ownershipTrace()
	tr.Actors[0] = `<b>"t1"&`
	tr.Objects[3].Name = "</td><script>alert(1)</script>"
	tr.Finding = &traces.Finding{Kind: "<kind>", Message: "a <message>", Detail: "</pre><i>", Step: 12}
	page := renderHTML(t, tr, traces.TimelineOptions{})
	for _, bad := range []string{"<b>", "<script>", "<kind>", "<message>", "</pre><i>"} {
		if strings.Contains(page, bad) {
			t.Errorf("%q not escaped", bad)
		}
	}
	if !strings.Contains(html.UnescapeString(page), `<b>"t1"&`) {
		t.Error("actor name lost")
	}
	// Finding.Actor 0 is the first actor, -1 nobody, whatever the message.
	if !strings.Contains(page, `<th class="fa">`) {
		t.Error("finding lane of actor 0 not highlighted")
	}
	tr.Finding.Actor = -1
	if page := renderHTML(t, tr, traces.TimelineOptions{}); strings.Contains(page, `class="fa"`) {
		t.Error("finding lane highlighted for a finding about nobody")
	}
}

// A long trace keeps one table row per event and the page stays linear in
// size.
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
	if n := len(rows(page)); n != len(tr.Events) {
		t.Errorf("%d rows, want %d", n, len(tr.Events))
	}
	if perRow := len(page) / len(tr.Events); perRow > 600 {
		t.Errorf("%d bytes per row", perRow)
	}
}
