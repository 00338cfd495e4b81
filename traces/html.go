package traces

import (
	"bytes"
	_ "embed"
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

// HTML writes t as one self-contained HTML page (inline CSS and script, no
// external resource): a header with the protocol and variant, strategy
// (seed, PCT's depth and steps, DFS's or DPOR's bound, SURW's events),
// configuration and runtime options (the unfair flag among them); the finding in a highlighted box
// with its detail and buttons to the rows of its cause; a one-line legend;
// and a timeline with one lane per actor (plus a "runtime" lane if the
// runtime has events) and one row per event: its step, its virtual time (a
// column shown only if the time ever changes) and its text (as in
// Timeline, see DescribeEvent) in its actor's lane, coloured by the class
// of its op.
//
// The page scales to traces of 10,000 steps and 100 actors: the events are
// embedded as JSON (htmlData) and a small inline script draws only the rows
// in view, so the page weighs what the trace weighs and opens at once. It
// opens at the finding's cause (Finding.Cause, else what the trace's
// structure shows: the lost signal and the wait that missed it, the lock
// steps of the mutexes a deadlock holds), selected, with its full text and
// links to related events in a detail bar: a lost signal and the wait it
// missed, a signal and the wake it caused, a lock and the unlock of its
// previous holder. Lanes collapse and expand by a click on their header,
// idle ones all at once, and keys move the selection: next event, next
// event of this actor, next event on this object, next cause.
//
// Every lane shows, as a coloured band per mutex (an object of kind
// "mutex"), the mutexes its actor holds: from the lock, trylock that did not
// fail, or wake (of the mutex in its Arg) that takes a mutex, to the unlock
// that did not fail or wait (of the mutex in its Arg) that releases it. A
// lane is hatched while its actor waits on a condition variable (after its
// wait, before its wake), a signal or broadcast that failed (nobody waited)
// is marked lost, the rows of the finding's step and the lane of the
// finding's actor (none if Finding.Actor is -1) are highlighted, and the
// last row of the finding's step is marked with FindingMarker. All of this
// is read from the events' structure (Op, Object, Arg, Failed), never from
// their values; a version-1 trace has had its structure inferred when it
// was decoded.
//
// opt selects the rows as it does for Timeline (VisibleOnly, From, To,
// Last); Time and Width do not apply. Lock ownership and waits are computed
// from the whole trace either way, so a window that starts inside a
// critical section still shows who holds what.
//
// The output is the same bytes for the same trace and options.
func HTML(w io.Writer, t *Trace, opt TimelineOptions) error {
	if t == nil {
		return errors.New("html: nil trace")
	}
	if err := t.Validate(); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	page, err := newHTMLPage(t, opt)
	if err != nil {
		return fmt.Errorf("html: %w", err)
	}
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, page); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// htmlPage is what the template renders.
type htmlPage struct {
	Title   string
	Meta    []htmlMeta
	Finding *htmlFinding
	Mutexes []htmlMutex
	Lanes   int
	Rows    int
	Before  int // rows left out before the window
	After   int // and after it
	Events  int // in the trace
	Steps   int // in the trace
	Data    template.JS
	Script  template.JS
}

// htmlMeta is one line of the header.
type htmlMeta struct{ Name, Value string }

// htmlFinding is the finding box.
type htmlFinding struct {
	Kind, Message, Detail, Where string
	Causes                       []htmlCause // the rows of its cause, in the window
}

// htmlCause is a button to a row of the finding's cause.
type htmlCause struct {
	Row   int
	Label string
}

// htmlMutex is a mutex with its colour (class "m<Index>").
type htmlMutex struct {
	Index, Hue int
	Name       string
}

// htmlData is the timeline the page's script draws, embedded as JSON. Rows
// are the selected events, in order; every other index is a row index.
type htmlData struct {
	Lanes   []htmlLane `json:"lanes"`
	Mutexes []string   `json:"mutexes"`
	Rows    []htmlRow  `json:"rows"`
	// Holds are [lane, first row, last row, mutex, slot]: the lane's actor
	// holds the mutex over those rows; slot is the band's position.
	Holds [][5]int `json:"holds"`
	// Waits are [lane, first row, last row, object]: the lane's actor waits
	// on the condition variable over those rows.
	Waits   [][4]int `json:"waits"`
	Objects []string `json:"objects"`
	Cause   []int    `json:"cause"`   // rows of the finding's cause
	Mark    int      `json:"mark"`    // the last row of the finding's step, or -1
	Finding int      `json:"finding"` // the finding's lane, or -1
	Time    bool     `json:"time"`    // the time column is shown: the time changes
	Marker  string   `json:"marker"`
}

// htmlLane is an actor's lane.
type htmlLane struct {
	Name   string `json:"name"`
	Events int    `json:"events"` // in the window
}

// htmlRow is one event.
type htmlRow struct {
	Step   int        `json:"s"`
	Lane   int        `json:"l"`
	Kind   string     `json:"k"`           // the event's class: k-lock, k-cond, k-mem, k-ev, k-other, plus lost
	Text   string     `json:"t"`           // as in Timeline
	Full   string     `json:"d"`           // DescribeEvent
	Object int        `json:"o"`           // the event's object, -1 for none
	Time   string     `json:"tm,omitzero"` // virtual time, if the time column is shown
	Event  bool       `json:"e,omitzero"`  // a protocol event (dimmed)
	Step0  bool       `json:"f,omitzero"`  // of the finding's step
	Links  []htmlLink `json:"x,omitempty"` // related events
}

// htmlLink points from a row to a related one.
type htmlLink struct {
	Row   int    `json:"r"`
	Label string `json:"label"`
}

// Op classes for the colour of an event.
var opClass = map[op.Op]string{
	op.Lock: "k-lock", op.TryLock: "k-lock", op.Unlock: "k-lock",
	op.Wait: "k-cond", op.Wake: "k-cond", op.Signal: "k-cond", op.Broadcast: "k-cond", op.Spurious: "k-cond",
	op.Read: "k-mem", op.Write: "k-mem", op.Load: "k-mem", op.Store: "k-mem", op.CAS: "k-mem", op.Swap: "k-mem",
	op.Event: "k-ev",
}

// newHTMLPage lays out t for the template.
func newHTMLPage(t *Trace, opt TimelineOptions) (*htmlPage, error) {
	p := &htmlPage{
		Title:  fmt.Sprintf("simrun trace: %s/%s", t.Protocol, t.Variant),
		Meta:   htmlMetaOf(t),
		Events: len(t.Events),
		Script: template.JS(htmlScript),
	}
	if n := len(t.Events); n > 0 {
		p.Steps = t.Events[n-1].Step
	}
	idx, before, after := selectIndices(t, opt)
	p.Before, p.After = before, after
	rowOf := func(j int) int { // the row of event j, or -1 if not shown
		if r, ok := slices.BinarySearch(idx, j); ok {
			return r
		}
		return -1
	}

	d := &htmlData{Mark: -1, Finding: findingLane(t), Marker: FindingMarker}
	actors := len(t.Actors)
	lanes := actors
	for _, j := range idx {
		if t.Events[j].Actor == -1 {
			lanes = actors + 1
			break
		}
	}
	for l := range lanes {
		d.Lanes = append(d.Lanes, htmlLane{Name: clean(actorName(t, laneActor(l, actors)))})
	}
	for _, o := range t.Objects {
		d.Objects = append(d.Objects, clean(objectName(t, o.ID)))
	}
	colour := map[int]int{} // object id -> mutex index
	for _, o := range t.Objects {
		if o.Kind == "mutex" {
			i := len(p.Mutexes)
			colour[o.ID] = i
			p.Mutexes = append(p.Mutexes, htmlMutex{Index: i, Hue: (200 + i*137508/1000) % 360, Name: clean(objectName(t, o.ID))})
			d.Mutexes = append(d.Mutexes, p.Mutexes[i].Name)
		}
	}
	for _, j := range idx[min(1, len(idx)):] {
		if t.Events[j].Time != t.Events[idx[0]].Time {
			d.Time = true
			break
		}
	}

	marked := markedRow(t, eventsAt(t, idx))
	d.Mark = marked
	links, _ := relations(t)
	for _, j := range idx {
		e := t.Events[j]
		row := htmlRow{Step: e.Step, Lane: actorLane(e.Actor, actors), Object: e.Object,
			Text: clean(eventText(t, e)), Full: clean(DescribeEvent(t, e)), Kind: opClass[e.Op], Event: e.Op == op.Event}
		if row.Kind == "" {
			row.Kind = "k-other"
		}
		if (e.Op == op.Signal || e.Op == op.Broadcast) && e.Failed {
			row.Kind += " lost"
		}
		if d.Time {
			row.Time = time.Duration(e.Time).String()
		}
		if f := t.Finding; f != nil && f.Step > 0 && e.Step == f.Step {
			row.Step0 = true
		}
		for _, l := range links[j] {
			if to := rowOf(l.Row); to >= 0 {
				row.Links = append(row.Links, htmlLink{Row: to, Label: l.Label})
			}
		}
		d.Lanes[row.Lane].Events++
		d.Rows = append(d.Rows, row)
	}

	// Held mutexes and waits, over the whole trace, clipped to the window.
	clip := func(from, to int) (int, int, bool) { // event range -> row range
		a, _ := slices.BinarySearch(idx, from)
		b, ok := slices.BinarySearch(idx, to)
		if !ok {
			b--
		}
		return a, b, a <= b
	}
	for _, h := range holdSpans(t) {
		if a, b, ok := clip(h.from, h.to); ok {
			d.Holds = append(d.Holds, [5]int{actorLane(h.actor, actors), a, b, colour[h.object], h.slot})
		}
	}
	for _, w := range waitSpans(t) {
		if a, b, ok := clip(w.from, w.to); ok {
			d.Waits = append(d.Waits, [4]int{actorLane(w.actor, actors), a, b, w.object})
		}
	}

	if f := t.Finding; f != nil {
		hf := &htmlFinding{Kind: clean(f.Kind), Message: f.Message, Detail: f.Detail}
		var where []string
		if f.Step > 0 {
			where = append(where, fmt.Sprintf("at step %d", f.Step))
		}
		if fl := d.Finding; fl >= 0 {
			where = append(where, "actor "+d.Lanes[fl].Name)
		}
		hf.Where = strings.Join(where, ", ")
		for _, j := range causeEvents(t) {
			if r := rowOf(j); r >= 0 {
				d.Cause = append(d.Cause, r)
				hf.Causes = append(hf.Causes, htmlCause{Row: r, Label: fmt.Sprintf("step %d: %s", t.Events[j].Step, d.Rows[r].Full)})
			}
		}
		if f.Kind == "race" && len(d.Cause) == 2 { // the two accesses point at each other
			a, b := d.Cause[0], d.Cause[1]
			d.Rows[a].Links = append(d.Rows[a].Links, htmlLink{Row: b, Label: "the racing access: " + d.Rows[b].Full})
			d.Rows[b].Links = append(d.Rows[b].Links, htmlLink{Row: a, Label: "the racing access: " + d.Rows[a].Full})
		}
		p.Finding = hf
	}
	// Empty, not null, for the script.
	d.Cause, d.Holds, d.Waits = nonNil(d.Cause), nonNil(d.Holds), nonNil(d.Waits)
	d.Rows, d.Objects, d.Mutexes = nonNil(d.Rows), nonNil(d.Objects), nonNil(d.Mutexes)
	d.Lanes = nonNil(d.Lanes)
	p.Lanes, p.Rows = len(d.Lanes), len(d.Rows)
	data, err := json.Marshal(d) // escapes <, > and &: safe inside <script>
	if err != nil {
		return nil, err
	}
	p.Data = template.JS(data)
	return p, nil
}

// nonNil returns s, or an empty slice for nil, which JSON writes as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
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
	if b := t.Strategy.Bound; b != nil {
		strategy += fmt.Sprintf(", bound %d", *b)
	} else if t.Strategy.Name == "dfs" || t.Strategy.Name == "dpor" {
		strategy += ", unbounded"
	}
	if t.Strategy.Events != "" {
		strategy += ", events " + t.Strategy.Events
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
	if o.Unfair {
		options += ", unfair (no fair scheduling rule)"
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

// findingLane returns the lane of the finding's actor, or -1 if there is no
// finding or it is about no actor.
func findingLane(t *Trace) int {
	if f := t.Finding; f != nil && f.Actor >= 0 && f.Actor < len(t.Actors) {
		return f.Actor
	}
	return -1
}

// htmlSource is the page's template, htmlScript its script. The page must
// stay self-contained: no link, no URL, no script from elsewhere.
var (
	//go:embed html.tmpl
	htmlSource string
	//go:embed html.js
	htmlScript string
)

// htmlTemplate is htmlSource parsed.
var htmlTemplate = template.Must(template.New("trace").Funcs(template.FuncMap{
	"marker": func() string { return FindingMarker },
}).Parse(htmlSource))
