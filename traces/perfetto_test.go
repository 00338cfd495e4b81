package traces_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/simrun/simrun/traces"
)

// checkTraceEvents validates data against the Trace Event Format as
// documented ("Trace Event Format", Google, the JSON Object Format): an
// object with a traceEvents array; every event has a ph and integer pid
// and tid; every phase has its required fields ("X": name, ts, dur >= 0;
// "B"/"E": name on B, matched per track; "i": name, ts, s in g/p/t; "s"/
// "f": name, cat, id, ts, an "f" after its "s", bp "e" if given; "M": a
// known metadata name with its arg); ts in microseconds, non-decreasing per
// track in file order; and, for Perfetto, the complete slices of a track
// nest (none overlaps another partly). It returns the events by phase.
func checkTraceEvents(data []byte) (map[string]int, error) {
	var doc struct {
		TraceEvents     []map[string]any `json:"traceEvents"`
		DisplayTimeUnit string           `json:"displayTimeUnit"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if doc.TraceEvents == nil {
		return nil, fmt.Errorf("no traceEvents array")
	}
	if u := doc.DisplayTimeUnit; u != "" && u != "ms" && u != "ns" {
		return nil, fmt.Errorf("displayTimeUnit %q", u)
	}
	type track struct{ pid, tid int64 }
	phases := map[string]int{}
	last := map[track]float64{}
	open := map[track][]float64{} // X slices' ends, innermost last
	begun := map[track]int{}      // B minus E
	flows := map[string]bool{}    // cat/id of "s" seen
	num := func(e map[string]any, k string) (float64, bool) {
		n, ok := e[k].(json.Number)
		if !ok {
			return 0, false
		}
		f, err := n.Float64()
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	integer := func(e map[string]any, k string) (int64, bool) {
		n, ok := e[k].(json.Number)
		if !ok {
			return 0, false
		}
		i, err := n.Int64()
		return i, err == nil
	}
	str := func(e map[string]any, k string) (string, bool) { s, ok := e[k].(string); return s, ok }
	for i, e := range doc.TraceEvents {
		ph, ok := str(e, "ph")
		if !ok {
			return nil, fmt.Errorf("event %d: no ph", i)
		}
		pid, ok1 := integer(e, "pid")
		tid, ok2 := integer(e, "tid")
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("event %d (%s): pid and tid must be integers: %v, %v", i, ph, e["pid"], e["tid"])
		}
		phases[ph]++
		tr := track{pid, tid}
		if ph == "M" {
			name, _ := str(e, "name")
			args, _ := e["args"].(map[string]any)
			switch name {
			case "process_name", "thread_name", "process_labels":
				if _, ok := args["name"].(string); !ok && name != "process_labels" {
					return nil, fmt.Errorf("event %d: %s without args.name", i, name)
				}
			case "process_sort_index", "thread_sort_index":
				if _, ok := integer(args, "sort_index"); !ok {
					return nil, fmt.Errorf("event %d: %s without an integer args.sort_index", i, name)
				}
			default:
				return nil, fmt.Errorf("event %d: unknown metadata %q", i, name)
			}
			continue
		}
		ts, ok := num(e, "ts")
		if !ok || ts < 0 {
			return nil, fmt.Errorf("event %d (%s): ts %v", i, ph, e["ts"])
		}
		if l, seen := last[tr]; seen && ts < l {
			return nil, fmt.Errorf("event %d (%s): ts %v before %v on track %v", i, ph, ts, l, tr)
		}
		last[tr] = ts
		// Close the slices of this track that end before ts.
		for s := open[tr]; len(s) > 0 && s[len(s)-1] <= ts; s = open[tr] {
			open[tr] = s[:len(s)-1]
		}
		name, hasName := str(e, "name")
		switch ph {
		case "X":
			d, ok := num(e, "dur")
			if !hasName || !ok || d < 0 {
				return nil, fmt.Errorf("event %d: X needs name and dur >= 0: %v", i, e)
			}
			end := ts + d
			if s := open[tr]; len(s) > 0 && end > s[len(s)-1]+1e-9 {
				return nil, fmt.Errorf("event %d: slice %q [%v, %v] overlaps its enclosing slice, which ends at %v", i, name, ts, end, s[len(s)-1])
			}
			open[tr] = append(open[tr], end)
		case "B":
			if !hasName {
				return nil, fmt.Errorf("event %d: B without name", i)
			}
			begun[tr]++
		case "E":
			if begun[tr]--; begun[tr] < 0 {
				return nil, fmt.Errorf("event %d: E without B on %v", i, tr)
			}
		case "i", "I":
			s, _ := str(e, "s")
			if !hasName || (s != "" && s != "g" && s != "p" && s != "t") {
				return nil, fmt.Errorf("event %d: instant needs name and s in g/p/t: %v", i, e)
			}
		case "s", "t", "f":
			cat, hasCat := str(e, "cat")
			id, hasID := e["id"]
			if !hasName || !hasCat || !hasID {
				return nil, fmt.Errorf("event %d: flow needs name, cat and id: %v", i, e)
			}
			key := fmt.Sprint(cat, "/", id)
			if ph == "s" {
				flows[key] = true
			} else if !flows[key] {
				return nil, fmt.Errorf("event %d: flow %s %s before its start", i, ph, key)
			}
			if bp, ok := e["bp"]; ok && bp != "e" {
				return nil, fmt.Errorf("event %d: bp %v", i, bp)
			}
		default:
			return nil, fmt.Errorf("event %d: phase %q not written by simrun", i, ph)
		}
	}
	for tr, n := range begun {
		if n != 0 {
			return nil, fmt.Errorf("track %v: %d B without E", tr, n)
		}
	}
	return phases, nil
}

// The checker is proven both ways: it rejects documents that break the
// format.
func TestCheckTraceEvents(t *testing.T) {
	ok := `{"traceEvents":[{"name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"t1"}},` +
		`{"name":"a","ph":"X","ts":1,"dur":5,"pid":1,"tid":1},{"name":"b","ph":"X","ts":2,"dur":1,"pid":1,"tid":1},` +
		`{"name":"w","cat":"c","ph":"s","id":1,"ts":2.5,"pid":1,"tid":1},{"name":"w","cat":"c","ph":"f","bp":"e","id":1,"ts":3,"pid":1,"tid":2},` +
		`{"name":"i","ph":"i","s":"t","ts":4,"pid":1,"tid":1},{"name":"B","ph":"B","ts":4,"pid":1,"tid":3},{"ph":"E","ts":5,"pid":1,"tid":3}]}`
	if _, err := checkTraceEvents([]byte(ok)); err != nil {
		t.Fatalf("a valid document: %v", err)
	}
	bad := map[string][2]string{
		"not an object":      {`{"traceEvents":[`, `[`},
		"tid not an integer": {`"tid":2}`, `"tid":"2"}`},
		"pid a float":        {`"ts":4,"pid":1,`, `"ts":4,"pid":1.5,`},
		"ts going back":      {`"ts":4,"pid":1,"tid":1}`, `"ts":0.5,"pid":1,"tid":1}`},
		"X without dur":      {`"dur":1,`, ``},
		"partial overlap":    {`"dur":1,`, `"dur":9,`},
		"flow end first":     {`"ph":"s"`, `"ph":"t"`},
		"flow without id":    {`"id":1,"ts":2.5`, `"ts":2.5`},
		"bad instant scope":  {`"s":"t"`, `"s":"x"`},
		"E without B":        {`"ph":"B"`, `"ph":"i"`},
		"unknown metadata":   {`"thread_name"`, `"thread_colour"`},
		"unknown phase":      {`"ph":"i"`, `"ph":"Q"`},
	}
	for name, r := range bad {
		doc := strings.Replace(ok, r[0], r[1], 1)
		if doc == ok {
			t.Fatalf("%s: the replacement changes nothing", name)
		}
		if _, err := checkTraceEvents([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func perfetto(t *testing.T, tr *traces.Trace) ([]byte, map[string]int) {
	t.Helper()
	var b bytes.Buffer
	if err := traces.Perfetto(&b, tr); err != nil {
		t.Fatal(err)
	}
	phases, err := checkTraceEvents(b.Bytes())
	if err != nil {
		t.Fatalf("%s/%s: %v", tr.Protocol, tr.Variant, err)
	}
	return b.Bytes(), phases
}

func TestPerfetto(t *testing.T) {
	big, _ := bigTrace(3000, 40)
	tests := []struct {
		name string
		tr   *traces.Trace
		want []string // substrings of the output
	}{
		{"sample", sampleTrace(), []string{
			`{"name":"thread_name","ph":"M","ts":0,"pid":1,"tid":1,"args":{"name":"t1"}}`,
			`"args":{"name":"t2 holds"}`, `"args":{"name":"runtime"}`,
			`{"name":"LOST signal COND_wakeup[t2]","cat":"lost","ph":"i","ts":9,`,
			`{"name":"holds LOCK_wakeup[t2]","cat":"mutex","ph":"X","ts":7,"dur":3.8,`,
			`{"name":"waits on COND_wakeup[t2]","cat":"wait","ph":"X","ts":14,"dur":1,`,
			`{"name":"deadlock","cat":"finding","ph":"i","ts":14.8,`,
			`{"name":"missed","cat":"missed","ph":"s","ts":9.4,"pid":1,"tid":1,"id":1}`,
			`{"name":"missed","cat":"missed","ph":"f","ts":14.4,"pid":1,"tid":17,"id":1,"bp":"e"}`,
		}},
		{"ownership", ownershipTrace(), []string{
			`{"name":"wake","cat":"wake","ph":"s","ts":6.4,"pid":1,"tid":1,"id":1}`,
			`{"name":"wake","cat":"wake","ph":"f","ts":8.4,"pid":1,"tid":17,"id":1,"bp":"e"}`,
			`"args":{"name":"t2 holds (2)"}`,
			`{"name":"waits on COND_group_commit[t1]","cat":"wait","ph":"X","ts":4,"dur":4.8,"pid":1,"tid":17}`,
		}},
		{"big", big, nil},
		{"valid.json", load(t, "valid.json"), nil},
		{"v1.json", load(t, "v1.json"), nil},
	}
	for _, tc := range tests {
		out, phases := perfetto(t, tc.tr)
		for _, w := range tc.want {
			if !bytes.Contains(out, []byte(w)) {
				t.Errorf("%s: output lacks %s", tc.name, w)
			}
		}
		if phases["X"] == 0 || phases["M"] == 0 || phases["i"] == 0 {
			t.Errorf("%s: phases %v", tc.name, phases)
		}
		again, _ := perfetto(t, tc.tr)
		if !bytes.Equal(out, again) {
			t.Errorf("%s: two exports differ", tc.name)
		}
		if os.Getenv("SIMRUN_PERFETTO_DIR") != "" {
			_ = os.WriteFile(os.Getenv("SIMRUN_PERFETTO_DIR")+"/"+tc.name+".json", out, 0o644)
		}
	}
	if err := traces.Perfetto(&bytes.Buffer{}, &traces.Trace{}); err == nil {
		t.Error("an invalid trace exported")
	}
}

// Export a trace for ui.perfetto.dev.
func ExamplePerfetto() {
	var b bytes.Buffer
	if err := traces.Perfetto(&b, ownershipTrace()); err != nil {
		fmt.Println(err)
		return
	}
	var doc struct{ TraceEvents []struct{ Ph, Name string } }
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		fmt.Println(err)
		return
	}
	var names []string
	for _, e := range doc.TraceEvents {
		if e.Ph == "X" && strings.HasPrefix(e.Name, "holds") || e.Ph == "s" || strings.HasPrefix(e.Name, "LOST") {
			names = append(names, e.Ph+" "+e.Name)
		}
	}
	fmt.Println(strings.Join(slices.Compact(names), "\n"))
	// Output:
	// X holds LOCK_prepare_ordered
	// X holds LOCK_group_commit[t1]
	// X holds LOCK_prepare_ordered
	// s wake
	// X holds LOCK_prepare_ordered
	// i LOST signal COND_group_commit[t1]
}

// load loads testdata/name.
func load(t *testing.T, name string) *traces.Trace {
	t.Helper()
	tr, err := traces.Load(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
