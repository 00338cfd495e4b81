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

// HTML writes t as one self-contained HTML page (inline CSS, no script and
// no external resource): a header with the protocol and variant, strategy
// and seed, configuration and runtime options, the finding in a highlighted
// box with its detail; a legend; and a table with one lane per actor (plus a
// "runtime" lane if the runtime has events) and one row per event: its
// step, its virtual time and its text (as in Timeline, see DescribeEvent)
// in its actor's lane, coloured by the class of its op.
//
// Every lane shows, as a coloured band per mutex (an object of kind
// "mutex"), the mutexes its actor holds: from the lock, trylock that did not
// fail, or wake (of the mutex in its Arg) that takes a mutex, to the unlock
// that did not fail or wait (of the mutex in its Arg) that releases it. A
// lane is hatched while its actor waits on a condition variable (from its
// wait to its wake), a signal or broadcast that failed (nobody waited) is
// marked lost, the rows of the finding's step and the lane of the finding's
// actor (none if Finding.Actor is -1) are highlighted, and the last row of
// the finding's step is marked with FindingMarker and the anchor #finding.
// Rows of recorded protocol events are dimmed. The header row of the table
// stays in view while the page scrolls. All of this is read from the
// events' structure (Op, Object, Arg, Failed), never from their values; a
// version-1 trace has had its structure inferred when it was decoded.
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
	fl := findingLane(t)
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

// findingLane returns the lane of the finding's actor, or -1 if there is no
// finding or it is about no actor.
func findingLane(t *Trace) int {
	if f := t.Finding; f != nil && f.Actor >= 0 && f.Actor < len(t.Actors) {
		return f.Actor
	}
	return -1
}

// ownership follows which mutexes every actor holds and which condition
// variable it waits on, event by event, from the structure of the events:
// a lock or trylock that did not fail, or a wake (of its Arg), takes a
// mutex; an unlock that did not fail, or a wait (of its Arg), releases it.
type ownership struct {
	t       *Trace
	held    [][]int // per actor, the mutexes it holds in the order it took them
	waiting []int   // per actor, the condition variable it waits on, or -1
}

func newOwnership(t *Trace) *ownership {
	n := len(t.Actors)
	st := &ownership{t: t, held: make([][]int, n), waiting: make([]int, n)}
	for i := range n {
		st.waiting[i] = -1
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
	if a < 0 || a >= len(st.held) {
		return
	}
	switch {
	case (e.Op == op.Lock || e.Op == op.TryLock) && !e.Failed:
		st.take(a, e.Object)
	case e.Op == op.Wake:
		st.waiting[a] = -1
		st.take(a, e.Arg)
	}
}

// release applies what e gives up: a mutex, and with a wait, the actor
// starts waiting. It runs after e's row is drawn, so that the row of an
// unlock still shows the band.
func (st *ownership) release(e Event) {
	a := e.Actor
	if a < 0 || a >= len(st.held) || e.Failed {
		return
	}
	switch e.Op {
	case op.Unlock:
		st.drop(a, e.Object)
	case op.Wait:
		st.drop(a, e.Arg)
		st.waiting[a] = e.Object
	}
}

// take records that actor a holds mutex m, if m is a mutex.
func (st *ownership) take(a, m int) {
	if st.isMutex(m) && !slices.Contains(st.held[a], m) {
		st.held[a] = append(st.held[a], m)
	}
}

// drop records that actor a no longer holds mutex m.
func (st *ownership) drop(a, m int) {
	if i := slices.Index(st.held[a], m); i >= 0 {
		st.held[a] = slices.Delete(st.held[a], i, i+1)
	}
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
	if (e.Op == op.Signal || e.Op == op.Broadcast) && e.Failed {
		c.Kind += " lost"
	}
	return r
}

// htmlSource is the page's template. The page must stay self-contained: no
// script, no link, no URL.
//
//go:embed html.tmpl
var htmlSource string

// htmlTemplate is htmlSource parsed.
var htmlTemplate = template.Must(template.New("trace").Funcs(template.FuncMap{
	"marker": func() string { return FindingMarker },
}).Parse(htmlSource))
