package traces

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/simrun/simrun/op"
)

// HTML writes t as one self-contained HTML page (inline CSS, no script and
// no external resource): a header with the protocol and variant, strategy
// and seed, configuration and runtime options, the finding in a highlighted
// box with its detail; a legend; and a table with one lane per actor (plus a
// "runtime" lane if the runtime has events) and one row per event: its
// step, its virtual time and its text (as in Timeline, see DescribeEvent)
// in its actor's lane, coloured by the class of its op.
//
// Every lane shows, as a coloured band per mutex (an object of kind
// "mutex"), the mutexes its actor holds: from the lock, successful trylock
// or wake that takes a mutex to the unlock or wait that releases it. A wait
// releases the mutex its condition variable is used with, which the trace
// does not record: HTML takes the only mutex the actor holds, else the one
// whose name matches the condition variable's after the first "_"
// (LOCK_wakeup[t2] for COND_wakeup[t2]), else the one taken last. A lane is
// hatched while its actor waits on a condition variable (from its wait to
// its wake), a signal or broadcast whose value starts with "lost" is marked,
// the rows of the finding's step and the lane of the finding's actor are
// highlighted, and the last row of the finding's step is marked with
// FindingMarker and the anchor #finding. Rows of recorded protocol events
// are dimmed. The header row of the table stays in view while the page
// scrolls.
//
// opt selects the rows as it does for Timeline (VisibleOnly, From, To,
// Last); Time and Width do not apply, since the page always shows virtual
// time and wraps long cells. Lock ownership and waits are computed from the
// whole trace either way, so a window that starts inside a critical section
// still shows who holds what.
//
// The output is the same bytes for the same trace and options.
func HTML(w io.Writer, t *Trace, opt TimelineOptions) error {
	if t == nil {
		return errors.New("html: nil trace")
	}
	if err := t.Validate(); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	page := newHTMLPage(t, opt)
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, page); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// htmlPage is what the template renders.
type htmlPage struct {
	Title   string
	Meta    []htmlMeta
	Finding *htmlFinding
	Mutexes []htmlMutex
	Lanes   []htmlLane
	Rows    []htmlRow
	Before  int // rows left out before the window
	After   int // and after it
	Columns int // the number of columns of the table, for colspan
	Events  int // in the trace
	Steps   int // in the trace
}

// htmlMeta is one line of the header.
type htmlMeta struct{ Name, Value string }

// htmlFinding is the finding box.
type htmlFinding struct {
	Kind, Message, Detail, Where string
	Shown                        bool // the finding's row is in the window
}

// htmlMutex is a mutex with its colour (class "m<Index>").
type htmlMutex struct {
	Index, Hue int
	Name       string
}

// htmlLane is the header of an actor's lane.
type htmlLane struct {
	Name    string
	Finding bool // the finding's actor
}

// htmlRow is one event.
type htmlRow struct {
	Step   int
	Time   string
	Class  string // of the row: "ev" for a protocol event, "fs" for the finding's step
	Marked bool   // the last row of the finding's step
	Cells  []htmlCell
}

// htmlCell is one lane of a row.
type htmlCell struct {
	Class string     // of the cell: "fa" in the finding's lane, "w" while waiting
	Title string     // what the lane's actor waits for
	Bands []htmlBand // the mutexes the lane's actor holds
	Text  string     // the event, in its actor's lane; else empty
	Kind  string     // the event's class: k-lock, k-cond, k-mem, k-ev, k-other, plus lost
	Full  string     // DescribeEvent, as a tooltip
}

// htmlBand is a held mutex in a cell.
type htmlBand struct {
	Index int
	Name  string
}

// Op classes for the colour of an event.
var opClass = map[op.Op]string{
	op.Lock: "k-lock", op.TryLock: "k-lock", op.Unlock: "k-lock",
	op.Wait: "k-cond", op.Wake: "k-cond", op.Signal: "k-cond", op.Broadcast: "k-cond", op.Spurious: "k-cond",
	op.Read: "k-mem", op.Write: "k-mem", op.Load: "k-mem", op.Store: "k-mem", op.CAS: "k-mem", op.Swap: "k-mem",
	op.Event: "k-ev",
}

// newHTMLPage lays out t for the template.
func newHTMLPage(t *Trace, opt TimelineOptions) *htmlPage {
	p := &htmlPage{
		Title:  fmt.Sprintf("simrun trace: %s/%s", t.Protocol, t.Variant),
		Meta:   htmlMetaOf(t),
		Events: len(t.Events),
	}
	if n := len(t.Events); n > 0 {
		p.Steps = t.Events[n-1].Step
	}
	idx, before, after := selectIndices(t, opt)
	events := eventsAt(t, idx)
	p.Before, p.After = before, after

	// Lanes: one per actor, and "runtime" if the runtime has events shown.
	actors := len(t.Actors)
	lanes := actors
	if slices.ContainsFunc(events, func(e Event) bool { return e.Actor == -1 }) {
		lanes++
	}
	fl := findingLane(t, lanes)
	for l := range lanes {
		p.Lanes = append(p.Lanes, htmlLane{Name: clean(actorName(t, laneActor(l, actors))), Finding: l == fl})
	}
	p.Columns = 3 + lanes

	// Mutexes and their colours.
	colour := map[int]int{} // object id -> index
	for _, o := range t.Objects {
		if o.Kind == "mutex" {
			i := len(p.Mutexes)
			colour[o.ID] = i
			p.Mutexes = append(p.Mutexes, htmlMutex{Index: i, Hue: (200 + i*137508/1000) % 360, Name: clean(objectName(t, o.ID))})
		}
	}

	if f := t.Finding; f != nil {
		hf := &htmlFinding{Kind: clean(f.Kind), Message: f.Message, Detail: f.Detail}
		var where []string
		if f.Step > 0 {
			where = append(where, fmt.Sprintf("at step %d", f.Step))
		}
		if fl >= 0 {
			where = append(where, "actor "+p.Lanes[fl].Name)
		}
		hf.Where = strings.Join(where, ", ")
		p.Finding = hf
	}

	marked := markedRow(t, events)
	if p.Finding != nil {
		p.Finding.Shown = marked >= 0
	}
	st := newOwnership(t)
	next := 0 // the next selected event
	for j, e := range t.Events {
		st.acquire(e)
		if next < len(idx) && idx[next] == j {
			p.Rows = append(p.Rows, st.row(t, e, next == marked, lanes, fl, colour))
			next++
		}
		st.release(e)
	}
	return p
}

// htmlMetaOf returns the lines of the header.
func htmlMetaOf(t *Trace) []htmlMeta {
	strategy := fmt.Sprintf("%s, seed %d", t.Strategy.Name, t.Strategy.Seed)
	if t.Strategy.Depth != 0 {
		strategy += fmt.Sprintf(", depth %d", t.Strategy.Depth)
	}
	if t.Strategy.Steps != 0 {
		strategy += fmt.Sprintf(", steps %d", t.Strategy.Steps)
	}
	config := "(none)"
	if len(t.Config) > 0 {
		var b bytes.Buffer
		if json.Compact(&b, t.Config) == nil {
			config = b.String()
		} else {
			config = string(t.Config)
		}
	}
	o := t.Options
	options := fmt.Sprintf("spurious %t", o.Spurious)
	if o.MaxSpurious != 0 {
		options += fmt.Sprintf(", max spurious %d", o.MaxSpurious)
	}
	options += fmt.Sprintf(", max steps %d", o.MaxSteps)
	if o.Races {
		options += ", race detector"
	}
	keys := make([]string, 0, len(o.Cost))
	for k := range o.Cost {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		options += fmt.Sprintf(", %s=%s", k, o.Cost[k])
	}
	meta := []htmlMeta{
		{"protocol", t.Protocol + "/" + t.Variant},
		{"strategy", strategy},
		{"run", strconv.Itoa(t.Run)},
		{"config", config},
		{"options", options},
		{"actors", strings.Join(t.Actors, " ")},
	}
	if t.Tool != "" {
		meta = append(meta, htmlMeta{"tool", t.Tool})
	}
	for i := range meta {
		meta[i].Value = clean(meta[i].Value)
	}
	return meta
}

// laneActor returns the actor of lane l: the actors, then the runtime.
func laneActor(l, actors int) int {
	if l == actors {
		return -1
	}
	return l
}

// actorLane returns the lane of actor a.
func actorLane(a, actors int) int {
	if a == -1 {
		return actors
	}
	return a
}

// findingLane returns the lane of the finding's actor, or -1. Finding.Actor
// 0 may mean "no actor": it is taken as the first actor only if the
// finding's message starts with that actor's name.
func findingLane(t *Trace, lanes int) int {
	f := t.Finding
	if f == nil {
		return -1
	}
	actors := len(t.Actors)
	switch {
	case f.Actor > 0 && f.Actor < actors:
		return f.Actor
	case f.Actor == -1 && lanes > actors:
		return actors
	case f.Actor == 0 && actors > 0 && t.Actors[0] != "":
		rest, ok := strings.CutPrefix(f.Message, t.Actors[0])
		if ok && (rest == "" || strings.IndexAny(rest[:1], " :,") == 0) {
			return 0
		}
	}
	return -1
}

// ownership follows which mutexes every actor holds and which condition
// variable it waits on, event by event.
type ownership struct {
	t         *Trace
	held      [][]int     // per actor, the mutexes it holds in the order it took them
	waiting   []int       // per actor, the condition variable it waits on, or -1
	waitMutex []int       // per actor, the mutex its wait released, or -1
	condMutex map[int]int // the mutex a condition variable was last used with
}

func newOwnership(t *Trace) *ownership {
	n := len(t.Actors)
	st := &ownership{t: t, held: make([][]int, n), waiting: make([]int, n), waitMutex: make([]int, n), condMutex: map[int]int{}}
	for i := range n {
		st.waiting[i], st.waitMutex[i] = -1, -1
	}
	return st
}

// isMutex reports whether object id is a mutex.
func (st *ownership) isMutex(id int) bool {
	return id >= 0 && id < len(st.t.Objects) && st.t.Objects[id].Kind == "mutex"
}

// acquire applies what e takes: a mutex, or the end of a wait. It runs
// before e's row is drawn, so that the row of a lock shows the band.
func (st *ownership) acquire(e Event) {
	a := e.Actor
	if a < 0 {
		return
	}
	switch e.Op {
	case op.Lock:
		if st.isMutex(e.Object) && !strings.HasPrefix(e.Value, "not") {
			st.take(a, e.Object)
		}
	case op.TryLock:
		if st.isMutex(e.Object) && e.Value == "true" {
			st.take(a, e.Object)
		}
	case op.Wake:
		st.waiting[a] = -1
		if m := st.waitMutex[a]; m >= 0 {
			st.take(a, m)
			st.waitMutex[a] = -1
		}
	}
}

// release applies what e gives up: a mutex, and with a wait, the actor
// starts waiting. It runs after e's row is drawn, so that the row of an
// unlock still shows the band.
func (st *ownership) release(e Event) {
	a := e.Actor
	if a < 0 || strings.HasPrefix(e.Value, "not held") {
		return
	}
	switch e.Op {
	case op.Unlock:
		st.drop(a, e.Object)
	case op.Wait:
		m := st.waitedMutex(a, e.Object)
		if m >= 0 {
			st.condMutex[e.Object] = m
			st.drop(a, m)
		}
		st.waiting[a], st.waitMutex[a] = e.Object, m
	}
}

// take records that actor a holds mutex m.
func (st *ownership) take(a, m int) {
	if !slices.Contains(st.held[a], m) {
		st.held[a] = append(st.held[a], m)
	}
}

// drop records that actor a no longer holds mutex m.
func (st *ownership) drop(a, m int) {
	if i := slices.Index(st.held[a], m); i >= 0 {
		st.held[a] = slices.Delete(st.held[a], i, i+1)
	}
}

// waitedMutex guesses the mutex that actor a's wait on cond releases: the
// one the condition variable was used with before, the only one a holds,
// the one whose name matches the condition variable's, or the last taken.
func (st *ownership) waitedMutex(a, cond int) int {
	held := st.held[a]
	if m, ok := st.condMutex[cond]; ok && slices.Contains(held, m) {
		return m
	}
	switch len(held) {
	case 0:
		return -1
	case 1:
		return held[0]
	}
	suffix := func(name string) string {
		if _, s, ok := strings.Cut(name, "_"); ok {
			return s
		}
		return name
	}
	want, found := suffix(objectName(st.t, cond)), -1
	for _, m := range held {
		if suffix(objectName(st.t, m)) == want {
			if found >= 0 {
				found = -2 // ambiguous
				break
			}
			found = m
		}
	}
	if found >= 0 {
		return found
	}
	return held[len(held)-1]
}

// row draws event e with the state of every lane.
func (st *ownership) row(t *Trace, e Event, marked bool, lanes, fl int, colour map[int]int) htmlRow {
	r := htmlRow{Step: e.Step, Time: time.Duration(e.Time).String(), Marked: marked}
	var class []string
	if e.Op == op.Event {
		class = append(class, "ev")
	}
	if f := t.Finding; f != nil && f.Step > 0 && e.Step == f.Step {
		class = append(class, "fs")
	}
	r.Class = strings.Join(class, " ")
	actors := len(t.Actors)
	r.Cells = make([]htmlCell, lanes)
	for l := range lanes {
		c := &r.Cells[l]
		var cc []string
		if l == fl {
			cc = append(cc, "fa")
		}
		if a := laneActor(l, actors); a >= 0 {
			for _, m := range st.held[a] {
				c.Bands = append(c.Bands, htmlBand{Index: colour[m], Name: clean(objectName(t, m))})
			}
			if w := st.waiting[a]; w >= 0 {
				cc = append(cc, "w")
				c.Title = "waiting on " + clean(objectName(t, w))
			}
		}
		c.Class = strings.Join(cc, " ")
	}
	c := &r.Cells[actorLane(e.Actor, actors)]
	c.Text = clean(eventText(t, e))
	c.Full = clean(DescribeEvent(t, e))
	c.Kind = opClass[e.Op]
	if c.Kind == "" {
		c.Kind = "k-other"
	}
	if (e.Op == op.Signal || e.Op == op.Broadcast) && strings.HasPrefix(e.Value, "lost") {
		c.Kind += " lost"
	}
	return r
}

// htmlTemplate is the page. It must stay self-contained: no script, no
// link, no URL.
var htmlTemplate = template.Must(template.New("trace").Funcs(template.FuncMap{
	"marker": func() string { return FindingMarker },
}).Parse(htmlSource))

const htmlSource = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fff}
header{padding:12px 16px;border-bottom:1px solid #ccc;background:#fafafa}
h1{font-size:17px;margin:0 0 8px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:1px 14px;margin:0 0 8px}
dl.meta dt{color:#666}
dl.meta dd{margin:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.finding{border:2px solid #c62828;background:#ffebee;padding:8px 12px;margin:8px 0;border-radius:4px;max-width:70em}
.finding .kind{font-weight:bold;color:#b71c1c}
.finding pre{margin:6px 0 0;white-space:pre-wrap;background:#fff;padding:6px;border:1px solid #e5b7b7}
.nofinding{border:2px solid #2e7d32;background:#e8f5e9;padding:8px 12px;margin:8px 0;border-radius:4px;max-width:70em}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center;font-size:12px;margin-top:6px}
.sw{display:inline-block;width:14px;height:12px;vertical-align:middle;margin-right:4px;border:1px solid #0003}
.sw.bar{width:5px}
.count{color:#666;font-size:12px;margin-top:6px}
main{padding:0 0 40px}
table.tl{border-collapse:separate;border-spacing:0;font:12px/18px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.tl th{position:sticky;top:0;z-index:2;background:#eceff1;border-bottom:2px solid #90a4ae;border-right:1px solid #cfd8dc;padding:3px 6px;text-align:left;white-space:nowrap}
.tl th.fa{background:#ffcdd2;color:#b71c1c}
.tl td{padding:0;height:18px;border-right:1px solid #e0e0e0;vertical-align:top;background-color:#fff}
.tl td.n{text-align:right;padding:0 6px;color:#607d8b;white-space:nowrap}
.tl td.fa{background-color:#fff5f5}
.tl td.w{background-image:repeating-linear-gradient(135deg,transparent 0 4px,rgba(120,120,160,.28) 4px 6px)}
.tl tr.fs td{background-color:#fff59d}
.tl tr.mk td{border-bottom:2px solid #c62828}
.tl tr.ev td.n,.tl tr.ev .t{opacity:.55}
.tl tr.ev.mk .t{opacity:1}
.tl tr.gap td{text-align:center;color:#888;font-style:italic;padding:2px 6px}
.tl tr:hover td{background-color:#e3f2fd}
.c{display:flex;height:18px}
.b{flex:none;width:5px;margin-right:1px}
.t{padding:0 6px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:48ch}
.k-lock{background:#d6e4ff}
.k-cond{background:#ecdcff}
.k-mem{background:#dcf2dc}
.k-ev{color:#555;font-style:italic}
.k-other{background:#f1f1f1}
.lost{background:#e53935;color:#fff;font-weight:bold}
.lost::before{content:"\2717  "}
.mark{color:#c62828;font-weight:bold;white-space:nowrap;padding:0 6px}
{{range .Mutexes}}.m{{.Index}}{background:hsl({{.Hue}},70%,48%)}
{{end -}}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<dl class="meta">
{{- range .Meta}}
<dt>{{.Name}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
{{with .Finding -}}
<div class="finding"><span class="kind">{{.Kind}}</span>{{if .Where}} {{.Where}}{{end}}{{if .Shown}} (<a href="#finding">go to row</a>){{end}}: {{.Message}}
{{- if .Detail}}
<pre>{{.Detail}}</pre>
{{- end}}
</div>
{{- else -}}
<div class="nofinding">no finding</div>
{{- end}}
<div class="legend">
<span><span class="sw k-lock"></span>lock, trylock, unlock</span>
<span><span class="sw k-cond"></span>wait, wake, signal, broadcast, spurious</span>
<span><span class="sw k-mem"></span>read, write, load, store, cas, swap</span>
<span><span class="sw k-other"></span>other steps</span>
<span class="k-ev">» protocol event (row dimmed)</span>
<span><span class="sw lost"></span>lost signal or broadcast</span>
<span><span class="sw" style="background:repeating-linear-gradient(135deg,transparent 0 4px,rgba(120,120,160,.5) 4px 6px)"></span>waiting on a condition variable</span>
<span><span class="sw" style="background:#fff59d"></span>finding's step</span>
<span><span class="sw" style="background:#ffcdd2"></span>finding's actor</span>
{{- range .Mutexes}}
<span><span class="sw bar m{{.Index}}"></span>holds {{.Name}}</span>
{{- end}}
</div>
<div class="count">{{.Events}} events, {{.Steps}} steps; {{len .Rows}} rows shown</div>
</header>
<main>
<table class="tl">
<thead><tr><th>step</th><th>time</th>{{range .Lanes}}<th{{if .Finding}} class="fa"{{end}}>{{.Name}}</th>{{end}}<th></th></tr></thead>
<tbody>
{{- if .Before}}
<tr class="gap"><td colspan="{{.Columns}}">… {{.Before}} earlier rows not shown</td></tr>
{{- end}}
{{- range .Rows}}
<tr{{if .Marked}} id="finding"{{end}}{{if or .Class .Marked}} class="{{.Class}}{{if .Marked}}{{if .Class}} {{end}}mk{{end}}"{{end}}><td class="n">{{.Step}}</td><td class="n">{{.Time}}</td>
{{- range .Cells}}<td{{if .Class}} class="{{.Class}}"{{end}}{{if .Title}} title="{{.Title}}"{{end}}>
{{- if or .Bands .Text}}<div class="c">{{range .Bands}}<span class="b m{{.Index}}" title="holds {{.Name}}"></span>{{end}}
{{- if .Text}}<span class="t {{.Kind}}" title="{{.Full}}">{{.Text}}</span>{{end}}</div>{{end}}</td>
{{- end}}<td>{{if .Marked}}<span class="mark">{{marker}}</span>{{end}}</td></tr>
{{- end}}
{{- if .After}}
<tr class="gap"><td colspan="{{.Columns}}">… {{.After}} later rows not shown</td></tr>
{{- end}}
</tbody>
</table>
</main>
</body>
</html>
`
