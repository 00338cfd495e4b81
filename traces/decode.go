package traces

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/simrun/simrun/op"
)

// The classes of decoding error. Every error returned by Decode, Read and
// Load (other than I/O errors) wraps exactly one of them; test with
// errors.Is.
var (
	// ErrMalformed: the document is not JSON, or a field has the wrong JSON
	// type, or it has a field this version does not know.
	ErrMalformed = errors.New("malformed trace")
	// ErrTruncated: the document is empty or ends in the middle.
	ErrTruncated = errors.New("truncated trace")
	// ErrForeign: the document is JSON but not a simrun trace.
	ErrForeign = errors.New("not a simrun trace")
	// ErrVersion: a simrun trace of a version this simrun cannot read
	// (it reads MinVersion to Version).
	ErrVersion = errors.New("unsupported trace version")
	// ErrInvalid: a well-formed trace whose contents are inconsistent, such
	// as an event naming an actor that does not exist.
	ErrInvalid = errors.New("invalid trace")
	// ErrTooLarge: the file is larger than the cap LoadLimit was given.
	ErrTooLarge = errors.New("trace too large")
	// ErrNotFile: the path names a named pipe, a device or a directory,
	// which Load refuses rather than block on or read without end.
	ErrNotFile = errors.New("not a regular file")
)

// MaxSize is the cap Load puts on a trace file: 16 MiB, some 150,000
// events. Decoding and replaying a trace takes about eight times its size
// in memory (a 60 MiB trace: 530 MB and 17 s), so the cap keeps a replay
// under 200 MB and a few seconds; a bigger trace needs LoadLimit (simrun
// replay -max-size).
const MaxSize = 16 << 20

// Decode parses and validates a trace. The checks run in order: JSON syntax
// (ErrTruncated, ErrMalformed), the format and version fields (ErrForeign,
// ErrVersion), the field types and names of that version (ErrMalformed), and
// finally the contents (ErrInvalid, see Validate). A version-1 trace is
// upgraded in memory (see the package doc) and keeps Version 1.
func Decode(data []byte) (*Trace, error) {
	if err := checkSyntax(data); err != nil {
		return nil, err
	}
	if err := checkHeader(data); err != nil {
		return nil, err
	}
	t := new(Trace)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(t); err != nil {
		if errors.Is(err, op.ErrUnknown) {
			return nil, fmt.Errorf("%w: event: %v", ErrInvalid, err)
		}
		return nil, fmt.Errorf("%w: %s", ErrMalformed, strings.TrimPrefix(err.Error(), "json: "))
	}
	if err := checkFields(t, data); err != nil {
		return nil, err
	}
	t.normalize()
	if t.Version == 1 {
		t.upgradeV1()
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// Read reads all of r and decodes it as a trace.
func Read(r io.Reader) (*Trace, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return Decode(data)
}

// Load reads and decodes the trace file at path, of at most MaxSize bytes
// (see LoadLimit). Its errors start with path.
func Load(path string) (*Trace, error) { return LoadLimit(path, MaxSize) }

// LoadLimit is Load with a cap of limit bytes. It refuses what is not a
// regular file (ErrNotFile: a named pipe would block, /dev/zero never
// ends) and a file larger than limit (ErrTooLarge), before reading it.
func LoadLimit(path string, limit int64) (*Trace, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s)", path, ErrNotFile, st.Mode().Type())
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %w: %d bytes, over the cap of %d", path, ErrTooLarge, st.Size(), limit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1)) // the file may grow
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w: over the cap of %d bytes", path, ErrTooLarge, limit)
	}
	t, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// checkSyntax checks that data is exactly one JSON object.
func checkSyntax(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	err := dec.Decode(&raw)
	var syntax *json.SyntaxError
	switch {
	case err == io.EOF:
		return fmt.Errorf("%w: empty document", ErrTruncated)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: document ends after %d bytes", ErrTruncated, len(data))
	case errors.As(err, &syntax):
		return fmt.Errorf("%w: not JSON: %v at byte %d", ErrMalformed, syntax, syntax.Offset)
	case err != nil:
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	case raw[0] != '{':
		return fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	offset := dec.InputOffset()
	if len(bytes.TrimLeft(data[offset:], " \t\r\n")) > 0 {
		return fmt.Errorf("%w: extra data after the document at byte %d", ErrMalformed, offset)
	}
	return nil
}

// checkHeader checks the format and version fields before the strict decode,
// so that a foreign document or a newer trace is reported as such rather
// than as a list of unknown fields.
func checkHeader(data []byte) error {
	var head struct {
		Format  *string `json:"format"`
		Version *int    `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("%w: %s", ErrMalformed, strings.TrimPrefix(err.Error(), "json: "))
	}
	switch {
	case head.Format == nil:
		return fmt.Errorf("%w: no \"format\" field", ErrForeign)
	case *head.Format != Format:
		return fmt.Errorf("%w: format is %q, want %q", ErrForeign, *head.Format, Format)
	case head.Version == nil:
		return fmt.Errorf("%w: no \"version\" field", ErrVersion)
	case *head.Version < MinVersion || *head.Version > Version:
		return errVersion(*head.Version)
	}
	return nil
}

// errVersion is the error for a trace of version v.
func errVersion(v int) error {
	return fmt.Errorf("%w: version %d, this simrun reads versions %d to %d", ErrVersion, v, MinVersion, Version)
}

// checkFields checks what the strict decode of t from data could not: the
// fields a version lacks or requires. Version 1 has no event arg or failed;
// version 2 always writes the finding's actor, since 0 is an actor.
func checkFields(t *Trace, data []byte) error {
	if t.Version == 1 {
		for i, e := range t.Events {
			switch {
			case e.Arg != 0:
				return fmt.Errorf("%w: events[%d]: version 1 has no \"arg\"", ErrMalformed, i)
			case e.Failed:
				return fmt.Errorf("%w: events[%d]: version 1 has no \"failed\"", ErrMalformed, i)
			}
		}
		return nil
	}
	if t.Finding == nil {
		return nil
	}
	var doc struct {
		Finding struct {
			Actor *int `json:"actor"`
		} `json:"finding"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%w: %s", ErrMalformed, strings.TrimPrefix(err.Error(), "json: "))
	}
	if doc.Finding.Actor == nil {
		return fmt.Errorf("%w: finding has no \"actor\" (-1 for none)", ErrMalformed)
	}
	return nil
}

// normalize gives empty lists, maps and JSON values one representation
// (nil, compact), so that a decoded trace encodes and decodes to itself.
func (t *Trace) normalize() {
	if string(t.Config) == "null" {
		t.Config = nil
	}
	if len(t.Config) > 0 {
		var b bytes.Buffer
		if json.Compact(&b, t.Config) == nil {
			t.Config = b.Bytes()
		}
	}
	if len(t.Options.Cost) == 0 {
		t.Options.Cost = nil
	}
	if len(t.Actors) == 0 {
		t.Actors = nil
	}
	if len(t.Objects) == 0 {
		t.Objects = nil
	}
	if len(t.Decisions) == 0 {
		t.Decisions = nil
	}
	if len(t.Events) == 0 {
		t.Events = nil
	}
}
