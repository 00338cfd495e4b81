package traces_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/simrun/simrun/traces"
)

// FuzzDecode checks that Decode never panics, that every trace it accepts
// (of either version) encodes deterministically and decodes back to itself,
// and that every renderer (HTML, Timeline, Perfetto) accepts it. The seed corpus is in
// testdata/fuzz/FuzzDecode: valid2 is a version-2 trace, valid and
// v1runtime version-1 traces (the latter written by the runtime, with the
// values the version-1 upgrade reads).
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := traces.Decode(data)
		if err != nil {
			return
		}
		enc, err := tr.Encode()
		if err != nil {
			t.Fatalf("Encode of a decoded trace: %v", err)
		}
		if again, _ := tr.Encode(); !bytes.Equal(enc, again) {
			t.Fatalf("Encode is not deterministic:\n%s\nthen\n%s", enc, again)
		}
		back, err := traces.Decode(enc)
		if err != nil {
			t.Fatalf("Decode of the encoding: %v\n%s", err, enc)
		}
		if diff := cmp.Diff(tr, back); diff != "" {
			t.Fatalf("round trip changed the trace (-first +second):\n%s", diff)
		}
		if again, _ := back.Encode(); !bytes.Equal(enc, again) {
			t.Fatalf("re-encoding changed the bytes:\n%s\nthen\n%s", enc, again)
		}
		if err := traces.HTML(io.Discard, tr, traces.TimelineOptions{}); err != nil {
			t.Fatalf("HTML of a decoded trace: %v", err)
		}
		if err := traces.Perfetto(io.Discard, tr); err != nil {
			t.Fatalf("Perfetto of a decoded trace: %v", err)
		}
		if err := traces.Timeline(io.Discard, tr, traces.TimelineOptions{}); err != nil {
			t.Fatalf("Timeline of a decoded trace: %v", err)
		}
	})
}
