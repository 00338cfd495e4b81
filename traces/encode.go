package traces

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// wrapColumn is the column at which the actors and decisions lists wrap.
const wrapColumn = 100

// Encode returns the trace as a JSON document laid out for diffing: one
// header field per line, the actors and decisions lists packed into lines of
// about 100 columns, and one object or event per line. The same Trace always
// encodes to the same bytes. Encode validates the trace first (see Validate),
// so it never writes a file that Decode would reject. A version-1 trace is
// written as version 1: without the Arg and Failed that Decode inferred.
func (t *Trace) Encode() ([]byte, error) {
	if t == nil {
		return nil, fmt.Errorf("%w: nil trace", ErrInvalid)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	e := &encoder{}
	e.header(t)
	packed(e, "actors", t.Actors)
	lines(e, "objects", t.Objects)
	packed(e, "decisions", t.Decisions)
	events := t.Events
	if t.Version == 1 {
		events = make([]Event, len(t.Events))
		for i, ev := range t.Events {
			ev.Arg, ev.Failed = 0, false
			events[i] = ev
		}
	}
	lines(e, "events", events)
	if e.err != nil {
		return nil, fmt.Errorf("encode trace: %w", e.err)
	}
	e.buf.Truncate(e.buf.Len() - len(",\n")) // the last field's comma
	e.buf.WriteString("\n}\n")
	return e.buf.Bytes(), nil
}

// Write encodes t to w.
func Write(w io.Writer, t *Trace) error {
	data, err := t.Encode()
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// Save encodes t into the file at path, creating its parent directories.
func Save(path string, t *Trace) error {
	data, err := t.Encode()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// encoder writes the fields of a trace, remembering the first error.
type encoder struct {
	buf bytes.Buffer
	err error
}

// header writes the scalar and small fields, one per line.
func (e *encoder) header(t *Trace) {
	e.buf.WriteString("{\n")
	e.field("format", t.Format)
	e.field("version", t.Version)
	e.field("tool", t.Tool)
	e.field("protocol", t.Protocol)
	e.field("variant", t.Variant)
	if len(t.Config) > 0 {
		e.field("config", t.Config)
	}
	e.field("options", t.Options)
	e.field("strategy", t.Strategy)
	e.field("run", t.Run)
	if t.Finding != nil {
		e.field("finding", t.Finding)
	}
}

// field writes `  "name": value,` on one line.
func (e *encoder) field(name string, v any) {
	fmt.Fprintf(&e.buf, "  %q: %s,\n", name, e.marshal(v))
}

// packed writes a list of short values, as many per line as fit.
func packed[T any](e *encoder, name string, list []T) {
	items := make([][]byte, len(list))
	for i, v := range list {
		items[i] = e.marshal(v)
	}
	joined := bytes.Join(items, []byte(","))
	prefix := fmt.Sprintf("  %q: [", name)
	if len(prefix)+len(joined)+len("],") <= wrapColumn {
		fmt.Fprintf(&e.buf, "%s%s],\n", prefix, joined)
		return
	}
	e.buf.WriteString(prefix + "\n    ")
	width := 4
	for i, item := range items {
		if i > 0 && width+len(item)+1 > wrapColumn {
			e.buf.WriteString("\n    ")
			width = 4
		}
		e.buf.Write(item)
		width += len(item)
		if i < len(items)-1 {
			e.buf.WriteByte(',')
			width++
		}
	}
	e.buf.WriteString("\n  ],\n")
}

// lines writes a list with one compact element per line.
func lines[T any](e *encoder, name string, list []T) {
	if len(list) == 0 {
		fmt.Fprintf(&e.buf, "  %q: [],\n", name)
		return
	}
	fmt.Fprintf(&e.buf, "  %q: [\n", name)
	for i, v := range list {
		e.buf.WriteString("    ")
		e.buf.Write(e.marshal(v))
		if i < len(list)-1 {
			e.buf.WriteByte(',')
		}
		e.buf.WriteByte('\n')
	}
	e.buf.WriteString("  ],\n")
}

// marshal returns v as compact JSON without HTML escaping, so that values
// such as "a<b" stay readable.
func (e *encoder) marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil && e.err == nil {
		e.err = err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// DefaultDir is where the command line writes the traces of findings
// unless told otherwise (-out).
const DefaultDir = "simrun-traces"
