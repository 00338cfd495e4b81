package traces_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/traces"
)

// v1Fixtures are version-1 traces kept as version 1 wrote them:
// testdata/v1.json (sampleTrace) and testdata/v1-lost-wakeup.json, the
// runtime's trace of sim's ExampleCheck (a copy: sim's test rewrites its own
// in the current version).
var v1Fixtures = []string{
	filepath.Join("testdata", "v1.json"),
	filepath.Join("testdata", "v1-lost-wakeup.json"),
}

// Every trace committed under a protocol's testdata decodes, validates and
// renders, whatever its version. (sim's trace is not read here: its test
// rewrites it, maybe while this test runs; testdata/v1-lost-wakeup.json is
// its version-1 copy.)
func TestRepositoryFixturesDecode(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "protocols", "*", "testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 2 {
		t.Fatalf("found only %q", paths)
	}
	for _, path := range paths {
		tr, err := traces.Load(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if err := traces.HTML(io.Discard, tr, traces.TimelineOptions{}); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if err := traces.Timeline(io.Discard, tr, traces.TimelineOptions{}); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// Every version-1 fixture decodes, keeps Version 1, renders both ways,
// encodes back to version 1 without arg or failed and decodes to the same
// value; its waits and wakes name a mutex or -1, each wake the one its
// actor's wait released.
func TestV1FixturesDecode(t *testing.T) {
	for _, path := range v1Fixtures {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tr, err := traces.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Version != 1 {
				t.Errorf("version %d after decoding, want 1", tr.Version)
			}
			if err := tr.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			for name, render := range map[string]func(io.Writer, *traces.Trace, traces.TimelineOptions) error{
				"Timeline": traces.Timeline, "HTML": traces.HTML,
			} {
				if err := render(io.Discard, tr, traces.TimelineOptions{}); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
			enc := encode(t, tr)
			if !bytes.Contains(enc, []byte("\n  \"version\": 1,\n")) || bytes.Contains(enc, []byte(`"arg"`)) || bytes.Contains(enc, []byte(`"failed"`)) {
				t.Errorf("a version-1 trace encodes as something else than version 1:\n%s", enc)
			}
			back, err := traces.Decode(enc)
			if err != nil {
				t.Fatalf("Decode of the encoding: %v", err)
			}
			if diff := cmp.Diff(tr, back); diff != "" {
				t.Errorf("round trip changed the trace (-first +second):\n%s", diff)
			}
			if check := v1Expect[filepath.Base(path)]; check != nil {
				check(t, tr)
			}
			waited := map[int]int{} // actor -> the mutex its wait released
			for i, e := range tr.Events {
				switch e.Op {
				case op.Wait:
					waited[e.Actor] = e.Arg
				case op.Wake:
					if want, ok := waited[e.Actor]; ok && e.Arg != want {
						t.Errorf("events[%d]: wake of mutex %d, its wait released %d", i, e.Arg, want)
					}
				}
				if (e.Op == op.Wait || e.Op == op.Wake) && e.Arg != -1 && tr.Objects[e.Arg].Kind != "mutex" {
					t.Errorf("events[%d]: %s arg %d is a %s", i, e.Op, e.Arg, tr.Objects[e.Arg].Kind)
				}
			}
		})
	}
}

// v1Expect checks what the upgrade infers for a fixture the runtime wrote.
var v1Expect = map[string]func(*testing.T, *traces.Trace){
	// main starts waiter and waker; waker's signal is lost, then waiter
	// locks mu, reads ready and waits on cond (with mu) forever.
	"v1-lost-wakeup.json": func(t *testing.T, tr *traces.Trace) {
		for i, e := range tr.Events {
			if (e.Op == op.Signal) != e.Failed {
				t.Errorf("events[%d] %s: failed %v", i, traces.DescribeEvent(tr, e), e.Failed)
			}
			if e.Op == op.Wait && e.Arg != 1 {
				t.Errorf("events[%d] %s: arg %d, want 1 (mu)", i, traces.DescribeEvent(tr, e), e.Arg)
			}
		}
		if tr.Finding.Actor != 1 {
			t.Errorf("finding actor %d, want 1 (waiter)", tr.Finding.Actor)
		}
	},
}

// testdata/v1.json is sampleTrace as version 1 wrote it. It decodes to
// sampleTrace with version 1, except for the lost signal: its value "no
// waiter" is not what the runtime wrote then ("lost: nobody waits"), so the
// upgrade takes it for a signal that woke an actor it cannot name (-1). It re-encodes to the same bytes, and its page is
// testdata/html-v1.golden (not rewritten by -update: rewritten by hand only
// when the page's design changes, as it did for the lazily drawn page).
func TestV1Sample(t *testing.T) {
	path := filepath.Join("testdata", "v1.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := traces.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleTrace()
	want.Version = 1
	want.Events[10].Failed, want.Events[10].Arg = false, -1
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s decodes differently (-want +got):\n%s", path, diff)
	}
	if enc := encode(t, got); !bytes.Equal(enc, data) {
		t.Errorf("%s re-encodes differently:\n%s", path, enc)
	}
	page := renderHTML(t, got, traces.TimelineOptions{})
	golden, err := os.ReadFile(filepath.Join("testdata", "html-v1.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if page != string(golden) {
		t.Errorf("the page of %s differs from html-v1.golden:\n%s", path, page)
	}
}

// upgradeTrace is a version-1 trace with the values the runtime wrote then,
// and the Arg and Failed the upgrade must infer from them.
func upgradeTrace() (tr *traces.Trace, arg []int, failed []bool) {
	type row struct {
		e      traces.Event
		arg    int
		failed bool
	}
	rows := []row{
		{traces.Event{Actor: 0, Op: op.Start, Object: 0}, 0, false},
		{traces.Event{Actor: 0, Op: op.Go, Object: 4, Value: "t1"}, 0, false},
		{traces.Event{Actor: 0, Op: op.Go, Object: 5, Value: "t2"}, 0, false},
		{traces.Event{Actor: 1, Op: op.TryLock, Object: 1, Value: "true"}, 0, false},
		{traces.Event{Actor: 2, Op: op.TryLock, Object: 1, Value: "false"}, 0, true},
		{traces.Event{Actor: 2, Op: op.CAS, Object: 6, Value: "0 -> 1 fails"}, 0, true},
		{traces.Event{Actor: 2, Op: op.CAS, Object: 6, Value: "1 -> 2 ok"}, 0, false},
		{traces.Event{Actor: 2, Op: op.Signal, Object: 3, Value: "lost: nobody waits"}, 0, true},
		{traces.Event{Actor: 2, Op: op.Broadcast, Object: 3, Value: "lost: nobody waits"}, 0, true},
		{traces.Event{Actor: 1, Op: op.Lock, Object: 2}, 0, false},
		// t1 holds LOCK_b[x], then LOCK_a: the name picks LOCK_b[x] over
		// the last taken.
		{traces.Event{Actor: 1, Op: op.Wait, Object: 3}, 1, false},
		{traces.Event{Actor: 2, Op: op.Lock, Object: 1}, 0, false},
		{traces.Event{Actor: 2, Op: op.Signal, Object: 3, Value: "wakes t1"}, 1, false},
		{traces.Event{Actor: 2, Op: op.Unlock, Object: 1}, 0, false},
		{traces.Event{Actor: 1, Op: op.Wake, Object: 3}, 1, false},
		// COND_b[x] was used with LOCK_b[x] before, and t1 holds it again.
		{traces.Event{Actor: 1, Op: op.Wait, Object: 3}, 1, false},
		{traces.Event{Actor: 2, Op: op.Broadcast, Object: 3, Value: "wakes t1"}, 0, false},
		{traces.Event{Actor: 1, Op: op.Wake, Object: 3}, 1, false},
		{traces.Event{Actor: 1, Op: op.Unlock, Object: 2}, 0, false},
		{traces.Event{Actor: 1, Op: op.Unlock, Object: 1}, 0, false},
		// Nothing held: the wait's mutex is unknown, and so is its wake's.
		{traces.Event{Actor: 1, Op: op.Wait, Object: 7}, -1, false},
		{traces.Event{Actor: 1, Op: op.Wake, Object: 7}, -1, false},
		{traces.Event{Actor: 2, Op: op.Unlock, Object: 1, Value: "not held: it is not locked"}, 0, true},
		{traces.Event{Actor: 2, Op: op.Wait, Object: 3, Value: "not held: it is not locked"}, -1, true},
		{traces.Event{Actor: 0, Op: op.Join, Object: 5}, 2, false},
		{traces.Event{Actor: 0, Op: op.Join, Object: 4}, 1, false},
		{traces.Event{Actor: 0, Op: op.Signal, Object: 3, Value: "wakes nobody-known"}, -1, false},
	}
	tr = &traces.Trace{
		Format: traces.Format, Version: 1, Protocol: "p", Variant: "v",
		Actors: []string{"main", "t1", "t2"},
		Objects: []traces.Object{
			{ID: 0, Kind: "actor", Name: "main"},
			{ID: 1, Kind: "mutex", Name: "LOCK_b[x]"},
			{ID: 2, Kind: "mutex", Name: "LOCK_a"},
			{ID: 3, Kind: "cond", Name: "COND_b[x]"},
			{ID: 4, Kind: "actor", Name: "t1"},
			{ID: 5, Kind: "actor", Name: "t2"},
			{ID: 6, Kind: "atomic", Name: "n"},
			{ID: 7, Kind: "cond", Name: "COND_c"},
		},
	}
	for i, r := range rows {
		r.e.Step = i + 1
		tr.Events = append(tr.Events, r.e)
		arg, failed = append(arg, r.arg), append(failed, r.failed)
	}
	return tr, arg, failed
}

// Decoding a version-1 trace infers every event's Arg and Failed from the
// values the runtime wrote then.
func TestUpgradeV1Events(t *testing.T) {
	tr, arg, failed := upgradeTrace()
	got, err := traces.Decode(encode(t, tr))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range got.Events {
		if e.Arg != arg[i] || e.Failed != failed[i] {
			t.Errorf("events[%d] %s: arg %d, failed %v; want %d, %v", i, traces.DescribeEvent(got, e), e.Arg, e.Failed, arg[i], failed[i])
		}
	}
}

// A version-1 finding's actor 0 is the first actor only if the message
// starts with its name; otherwise it is -1, none. Other values stay.
func TestUpgradeV1FindingActor(t *testing.T) {
	tests := []struct {
		actor   int
		message string
		want    int
	}{
		{0, "main: bad unlock", 0},
		{0, "main", 0},
		{0, "main waits forever", 0},
		{0, "mainly harmless", -1},
		{0, "serial replay: transaction 2", -1},
		{2, "t1 waits forever", 2},
		{-1, "main: bad unlock", -1},
	}
	for _, tc := range tests {
		tr, _, _ := upgradeTrace()
		tr.Finding = &traces.Finding{Kind: "k", Message: tc.message, Actor: tc.actor}
		data := encode(t, tr)
		if tc.actor == 0 { // as version 1 wrote it: no actor
			data = bytes.Replace(data, []byte(`,"actor":0}`), []byte(`}`), 1)
		}
		got, err := traces.Decode(data)
		if err != nil {
			t.Fatalf("%q: %v", tc.message, err)
		}
		if got.Finding.Actor != tc.want {
			t.Errorf("actor %d, %q: decoded actor %d, want %d", tc.actor, tc.message, got.Finding.Actor, tc.want)
		}
		if tc.want == -1 && pageOf(t, renderHTML(t, got, traces.TimelineOptions{})).Finding != -1 {
			t.Errorf("%q: a lane is highlighted for a finding about nobody", tc.message)
		}
	}
}

// The upgrade runs before Validate: a version-1 trace whose wait or wake
// names an actor that does not exist is invalid, not a panic.
func TestUpgradeV1OutOfRange(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"wait", "lock"} {
		old := `"actor":1,"op":"` + op + `"`
		if !bytes.Contains(data, []byte(old)) {
			t.Fatalf("%s not in v1.json", old)
		}
		bad := bytes.Replace(data, []byte(old), []byte(`"actor":7,"op":"`+op+`"`), 1)
		if _, err := traces.Decode(bad); !errors.Is(err, traces.ErrInvalid) || !strings.Contains(err.Error(), "actor 7 out of range") {
			t.Errorf("%s by actor 7: %v, want ErrInvalid", op, err)
		}
	}
	wake := bytes.Replace(data, []byte(`"actor":1,"op":"wait"`), []byte(`"actor":7,"op":"wake"`), 1)
	if _, err := traces.Decode(wake); !errors.Is(err, traces.ErrInvalid) {
		t.Errorf("wake by actor 7: %v, want ErrInvalid", err)
	}
}
