package traces

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/simrun/simrun/op"
)

// DefaultWidth is the widest an actor column of a timeline gets unless
// TimelineOptions.Width says otherwise.
const DefaultWidth = 28

// FindingMarker marks the row of the finding's step in a timeline.
const FindingMarker = "◀ finding"

// TimelineOptions select what Timeline shows. The zero value shows every
// event, without virtual time, in columns of at most DefaultWidth runes.
type TimelineOptions struct {
	Time        bool // add a virtual-time column
	VisibleOnly bool // leave out recorded protocol events (op "event")
	Width       int  // the widest an actor column may be, in runes; 0 means DefaultWidth
	From        int  // show only events of steps >= From; 0 means from the start
	To          int  // show only events of steps <= To; 0 means to the end
	Last        int  // then show only the last Last rows; 0 means all
}

// Timeline writes t as a text table with one column per actor (plus a
// "runtime" column if the runtime has events) and one row per event: its
// step, optionally its virtual time, and its text (see DescribeEvent) in
// its actor's column. Recorded protocol events are shown as "» value". The
// last row of the finding's step is marked with FindingMarker, rows left out
// by the window are counted in "..." lines, and the finding is summarised at
// the bottom. Cells longer than the column width end in "…". The output is
// plain text, the same for the same trace and options.
func Timeline(w io.Writer, t *Trace, opt TimelineOptions) error {
	if t == nil {
		return errors.New("timeline: nil trace")
	}
	if err := t.Validate(); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	if opt.Width <= 0 {
		opt.Width = DefaultWidth
	}
	events, before, after := selectEvents(t, opt)
	tab := newTable(t, events, opt)
	var b strings.Builder
	tab.write(&b, tab.header, false)
	b.WriteString(tab.rule() + "\n")
	if before > 0 {
		fmt.Fprintf(&b, "... %d earlier rows not shown\n", before)
	}
	marked := markedRow(t, events)
	for i, row := range tab.rows {
		tab.write(&b, row, i == marked)
	}
	if after > 0 {
		fmt.Fprintf(&b, "... %d later rows not shown\n", after)
	}
	if f := t.Finding; f != nil {
		b.WriteString(findingLine(f) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// selectEvents returns the events in the window of opt and how many rows
// were left out before and after it.
func selectEvents(t *Trace, opt TimelineOptions) (events []Event, before, after int) {
	idx, before, after := selectIndices(t, opt)
	return eventsAt(t, idx), before, after
}

// eventsAt returns the events of t at the indices idx.
func eventsAt(t *Trace, idx []int) []Event {
	events := make([]Event, len(idx))
	for i, j := range idx {
		events[i] = t.Events[j]
	}
	return events
}

// selectIndices returns the indices of the events in the window of opt and
// how many rows were left out before and after it.
func selectIndices(t *Trace, opt TimelineOptions) (idx []int, before, after int) {
	for i, e := range t.Events {
		switch {
		case opt.VisibleOnly && e.Op == op.Event:
		case opt.From > 0 && e.Step < opt.From:
			before++
		case opt.To > 0 && e.Step > opt.To:
			after++
		default:
			idx = append(idx, i)
		}
	}
	if opt.Last > 0 && len(idx) > opt.Last {
		before += len(idx) - opt.Last
		idx = idx[len(idx)-opt.Last:]
	}
	return idx, before, after
}

// markedRow returns the index of the last event of the finding's step, or -1.
func markedRow(t *Trace, events []Event) int {
	if t.Finding == nil || t.Finding.Step <= 0 {
		return -1
	}
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Step == t.Finding.Step {
			return i
		}
	}
	return -1
}

// findingLine summarises the finding in one line.
func findingLine(f *Finding) string {
	at := ""
	if f.Step > 0 {
		at = fmt.Sprintf(" at step %d", f.Step)
	}
	return clean(fmt.Sprintf("finding%s: %s: %s", at, f.Kind, f.Message))
}

// table holds the cells of a timeline and the width of every column.
type table struct {
	header []string
	rows   [][]string
	widths []int
	lead   int // the number of leading columns (step, time), right-aligned
}

// newTable lays out events: the step and time columns, then one column per
// actor and, if the runtime has events, a last "runtime" column.
func newTable(t *Trace, events []Event, opt TimelineOptions) *table {
	tab := &table{header: []string{"step"}}
	if opt.Time {
		tab.header = append(tab.header, "time")
	}
	tab.lead = len(tab.header)
	actors := len(t.Actors)
	for id := range actors {
		tab.header = append(tab.header, cell(actorName(t, id), opt.Width))
	}
	for _, e := range events {
		if e.Actor == -1 && len(tab.header) == tab.lead+actors {
			tab.header = append(tab.header, "runtime")
		}
	}
	for _, e := range events {
		row := make([]string, len(tab.header))
		row[0] = strconv.Itoa(e.Step)
		if opt.Time {
			row[1] = time.Duration(e.Time).String()
		}
		col := e.Actor
		if col == -1 {
			col = actors
		}
		row[tab.lead+col] = cell(eventText(t, e), opt.Width)
		tab.rows = append(tab.rows, row)
	}
	tab.measure()
	return tab
}

// measure sets every column's width to its widest cell.
func (tab *table) measure() {
	tab.widths = make([]int, len(tab.header))
	for _, row := range append([][]string{tab.header}, tab.rows...) {
		for j, c := range row {
			tab.widths[j] = max(tab.widths[j], utf8.RuneCountInString(c))
		}
	}
}

// rule returns the line under the header.
func (tab *table) rule() string {
	parts := make([]string, len(tab.widths))
	for j, w := range tab.widths {
		parts[j] = strings.Repeat("-", w)
	}
	return strings.Join(parts, "-+-")
}

// write writes one row. The row ends after its last non-empty cell, unless
// it is marked: then every column is padded and the marker follows.
func (tab *table) write(b *strings.Builder, row []string, marked bool) {
	last := len(row) - 1
	for !marked && last > 0 && row[last] == "" {
		last--
	}
	for j := 0; j <= last; j++ {
		if j > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(tab.pad(row[j], j, marked || j < last))
	}
	if marked {
		b.WriteString("  " + FindingMarker)
	}
	b.WriteString("\n")
}

// pad pads cell c of column j to the column's width: the leading columns on
// the left (numbers), the actor columns on the right unless fill is false.
func (tab *table) pad(c string, j int, fill bool) string {
	gap := strings.Repeat(" ", tab.widths[j]-utf8.RuneCountInString(c))
	switch {
	case j < tab.lead:
		return gap + c
	case fill:
		return c + gap
	}
	return c
}

// cell returns s made printable and cut to width runes, ending in "…" if it
// was cut.
func cell(s string, width int) string {
	s = clean(s)
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:max(width-1, 0)]) + "…"
}

// clean replaces white space by a blank and other unprintable runes by "?",
// so that every value stays on its line.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsPrint(r):
			return r
		case unicode.IsSpace(r):
			return ' '
		}
		return '?'
	}, s)
}
