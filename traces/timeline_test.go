package traces_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/traces"
)

// timelineCases are the sections of testdata/timeline.golden.
var timelineCases = []struct {
	name string
	opt  traces.TimelineOptions
}{
	{"default", traces.TimelineOptions{}},
	{"time", traces.TimelineOptions{Time: true}},
	{"visible only, width 12", traces.TimelineOptions{VisibleOnly: true, Width: 12}},
	{"last 4", traces.TimelineOptions{Last: 4}},
	{"steps 5 to 9", traces.TimelineOptions{From: 5, To: 9, Time: true}},
	{"steps 3 to 4, last 1", traces.TimelineOptions{From: 3, To: 4, Last: 1}},
}

func TestTimelineGolden(t *testing.T) {
	var got bytes.Buffer
	for _, tc := range timelineCases {
		fmt.Fprintf(&got, "== %s: %+v\n", tc.name, tc.opt)
		if err := traces.Timeline(&got, sampleTrace(), tc.opt); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got.WriteString("\n")
	}
	path := filepath.Join("testdata", "timeline.golden")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("timeline differs from %s (run go test ./traces/ -update):\n%s", path, got.Bytes())
	}
}

// TestTimelineShape checks properties that hold for every option set.
func TestTimelineShape(t *testing.T) {
	for _, tc := range timelineCases {
		var buf bytes.Buffer
		if err := traces.Timeline(&buf, sampleTrace(), tc.opt); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		header := strings.TrimRight(strings.TrimSuffix(lines[0], " | runtime"), " ")
		if !strings.HasPrefix(header, "step") || !strings.HasSuffix(header, "t2") {
			t.Errorf("%s: header %q", tc.name, lines[0])
		}
		for _, l := range lines {
			if strings.HasSuffix(l, " ") {
				t.Errorf("%s: trailing blank in %q", tc.name, l)
			}
		}
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, "finding at step 14: deadlock: ") {
			t.Errorf("%s: last line %q", tc.name, last)
		}
		if tc.opt.VisibleOnly && strings.Contains(buf.String(), "»") {
			t.Errorf("%s: protocol events shown", tc.name)
		}
	}
}

func TestTimelineMarker(t *testing.T) {
	var buf bytes.Buffer
	if err := traces.Timeline(&buf, sampleTrace(), traces.TimelineOptions{}); err != nil {
		t.Fatal(err)
	}
	var marked []string
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.HasSuffix(l, traces.FindingMarker) {
			marked = append(marked, l)
		}
	}
	// The last event of step 14 is the runtime's, in the last column.
	if len(marked) != 1 || !strings.HasPrefix(strings.TrimSpace(marked[0]), "14 |") || !strings.Contains(marked[0], "» all actors") {
		t.Errorf("marked rows %q, want the runtime event of step 14", marked)
	}
}

// Both renderers refuse a nil or invalid trace and report a write error.
func TestRenderErrors(t *testing.T) {
	for _, r := range []struct {
		name   string
		render func(io.Writer, *traces.Trace, traces.TimelineOptions) error
	}{
		{"Timeline", traces.Timeline},
		{"HTML", traces.HTML},
	} {
		var buf bytes.Buffer
		if err := r.render(&buf, nil, traces.TimelineOptions{}); err == nil {
			t.Errorf("%s(nil) succeeded", r.name)
		}
		bad := sampleTrace()
		bad.Events[0].Actor = 9
		if err := r.render(&buf, bad, traces.TimelineOptions{}); err == nil {
			t.Errorf("%s of an invalid trace succeeded", r.name)
		}
		if err := r.render(failWriter{}, sampleTrace(), traces.TimelineOptions{}); err == nil {
			t.Errorf("%s ignored a write error", r.name)
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func ExampleTimeline() {
	tr := &traces.Trace{
		Format:   traces.Format,
		Version:  traces.Version,
		Protocol: "groupcommit",
		Variant:  "mutexqueue",
		Actors:   []string{"t1", "t2"},
		Objects:  []traces.Object{{ID: 0, Kind: "mutex", Name: "LOCK_prepare_ordered"}},
		Events: []traces.Event{
			{Step: 1, Actor: 0, Op: op.Lock, Object: 0, Time: 50},
			{Step: 1, Actor: 0, Op: op.Event, Object: -1, Value: "leader", Time: 50},
			{Step: 2, Actor: 1, Op: op.Lock, Object: 0, Time: 60},
			{Step: 3, Actor: 0, Op: op.Unlock, Object: 0, Time: 1050},
		},
		Finding: &traces.Finding{Kind: "example", Message: "t2 waited 990ns", Step: 2, Actor: 1},
	}
	fmt.Println(traces.DescribeEvent(tr, tr.Events[2]))
	fmt.Println()
	if err := traces.Timeline(os.Stdout, tr, traces.TimelineOptions{Time: true}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// t2 lock LOCK_prepare_ordered
	//
	// step |   time | t1                          | t2
	// -----+--------+-----------------------------+--------------------------
	//    1 |   50ns | lock LOCK_prepare_ordered
	//    1 |   50ns | » leader
	//    2 |   60ns |                             | lock LOCK_prepare_ordered  ◀ finding
	//    3 | 1.05µs | unlock LOCK_prepare_ordered
	// finding at step 2: example: t2 waited 990ns
}
