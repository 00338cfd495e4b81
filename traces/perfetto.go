package traces

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/simrun/simrun/op"
)

// Perfetto writes t in the Chrome Trace Event Format (JSON), which
// ui.perfetto.dev and chrome://tracing open and which scales to millions
// of events:
//
//   - one process (pid 1) named after the protocol and variant, and one
//     track (thread) per actor, in actor order, then "runtime" if the
//     runtime has events; metadata events ("M") name and order them.
//   - every visible step is a complete slice ("X") on its actor's track,
//     named as in Timeline ("lock LOCK_x"), with its step, virtual time,
//     object, value and failed in args; protocol events recorded by actor
//     code are thread-scoped instants ("i").
//   - a wait is a slice "waits on C" on the actor's track, from its wait
//     to its wake (or the end of the trace), enclosing both steps.
//   - a held mutex is a slice "holds M" on a track "NAME holds" next to
//     the actor's (a second track "NAME holds (2)" and so on when it holds
//     several at once), from the step that takes it to the step that
//     releases it, both included.
//   - a signal or broadcast is also an instant, "signal C", or "LOST
//     signal C" (category "lost") when nobody waited.
//   - a flow ("s" to "f", category "wake") goes from a signal or broadcast
//     to each wake it caused, and one (category "missed") from a lost
//     signal to each wait that came too late for it.
//   - the finding, if any, is a global instant at its step, with its kind,
//     message and detail in args.
//
// The time axis counts steps: step s starts at s microseconds and lasts
// 0.8 µs, so that every step is visible and in order whatever the cost
// model; the virtual time is in every slice's args. Timestamps are
// non-decreasing in the file. The output is the same bytes for the same
// trace.
func Perfetto(w io.Writer, t *Trace) error {
	if t == nil {
		return errors.New("perfetto: nil trace")
	}
	if err := t.Validate(); err != nil {
		return fmt.Errorf("perfetto: %w", err)
	}
	doc := perfettoDoc{DisplayTimeUnit: "ns", Events: perfettoEvents(t)}
	doc.Metadata.Tool, doc.Metadata.Protocol, doc.Metadata.Variant = t.Tool, t.Protocol, t.Variant
	doc.Metadata.Strategy, doc.Metadata.Seed, doc.Metadata.Run = t.Strategy.Name, t.Strategy.Seed, t.Run
	var b bytes.Buffer
	b.WriteString("{\"traceEvents\":[\n")
	for i, e := range doc.Events {
		line, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("perfetto: %w", err)
		}
		b.Write(line)
		if i < len(doc.Events)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	tail, err := json.Marshal(struct {
		DisplayTimeUnit string `json:"displayTimeUnit"`
		Metadata        any    `json:"metadata"`
	}{doc.DisplayTimeUnit, doc.Metadata})
	if err != nil {
		return fmt.Errorf("perfetto: %w", err)
	}
	b.WriteString("],")
	b.Write(tail[1:]) // the other fields of the object
	b.WriteByte('\n')
	_, err = w.Write(b.Bytes())
	return err
}

// perfettoDoc is the JSON object of the Trace Event Format.
type perfettoDoc struct {
	Events          []perfettoEvent
	DisplayTimeUnit string
	Metadata        struct {
		Tool     string `json:"tool,omitempty"`
		Protocol string `json:"protocol"`
		Variant  string `json:"variant"`
		Strategy string `json:"strategy"`
		Seed     uint64 `json:"seed"`
		Run      int    `json:"run"`
	}
}

// perfettoEvent is one trace event. Ts and Dur are microseconds.
type perfettoEvent struct {
	Name  string         `json:"name"`
	Cat   string         `json:"cat,omitempty"`
	Ph    string         `json:"ph"`
	Ts    float64        `json:"ts"`
	Dur   *float64       `json:"dur,omitempty"`
	Pid   int            `json:"pid"`
	Tid   int            `json:"tid"`
	ID    int            `json:"id,omitempty"`
	Scope string         `json:"s,omitempty"`  // instants: "t" thread, "g" global
	BP    string         `json:"bp,omitempty"` // flow ends: "e", bind to the enclosing slice
	Args  map[string]any `json:"args,omitempty"`
}

// perfettoStep is the length of a step's slice, in microseconds (a step
// is 1 µs apart from the next).
const perfettoStep = 0.8

// perfettoEvents returns t's events in the Trace Event Format, metadata
// first, then by time.
func perfettoEvents(t *Trace) []perfettoEvent {
	const pid = 1
	actors := len(t.Actors)
	runtime := false
	for _, e := range t.Events {
		runtime = runtime || e.Actor == -1
	}
	// Tracks: per actor, its own and its hold slots. Tids: 1 + 16*lane + k
	// (k = 0 the actor's, k >= 1 its hold slot k-1).
	tid := func(a, k int) int { return 1 + 16*actorLane(a, actors) + k }
	holds := holdSpans(t)
	slots := make(map[int]int) // actor -> hold slots used
	for _, h := range holds {
		slots[h.actor] = max(slots[h.actor], min(h.slot, 14)+1)
	}
	var meta, evs []perfettoEvent
	m := func(name string, tid int, args map[string]any) {
		meta = append(meta, perfettoEvent{Name: name, Ph: "M", Pid: pid, Tid: tid, Args: args})
	}
	m("process_name", 0, map[string]any{"name": clean(fmt.Sprintf("simrun %s/%s", t.Protocol, t.Variant))})
	lanes := actors
	if runtime {
		lanes++
	}
	for l := range lanes {
		a := laneActor(l, actors)
		name := clean(actorName(t, a))
		m("thread_name", tid(a, 0), map[string]any{"name": name})
		m("thread_sort_index", tid(a, 0), map[string]any{"sort_index": tid(a, 0)})
		for k := range slots[a] {
			n := name + " holds"
			if k > 0 {
				n += fmt.Sprintf(" (%d)", k+1)
			}
			m("thread_name", tid(a, k+1), map[string]any{"name": n})
			m("thread_sort_index", tid(a, k+1), map[string]any{"sort_index": tid(a, k+1)})
		}
	}
	ts := func(j int) float64 { return float64(t.Events[j].Step) }
	dur := func(d float64) *float64 { d = math.Round(d*1000) / 1000; return &d } // no 3.8000000000000007
	for j, e := range t.Events {
		name := clean(eventText(t, e))
		if e.Op == op.Event {
			evs = append(evs, perfettoEvent{Name: name, Cat: "event", Ph: "i", Scope: "t", Ts: ts(j), Pid: pid, Tid: tid(e.Actor, 0),
				Args: map[string]any{"step": e.Step, "time_ns": e.Time}})
			continue
		}
		args := map[string]any{"step": e.Step, "time_ns": e.Time, "op": e.Op.String()}
		if e.Object >= 0 {
			args["object"] = clean(objectName(t, e.Object))
		}
		if e.Value != "" {
			args["value"] = clean(e.Value)
		}
		if e.Failed {
			args["failed"] = true
		}
		evs = append(evs, perfettoEvent{Name: name, Cat: e.Op.String(), Ph: "X", Ts: ts(j), Dur: dur(perfettoStep), Pid: pid, Tid: tid(e.Actor, 0), Args: args})
		if e.Op == op.Signal || e.Op == op.Broadcast {
			in := perfettoEvent{Name: e.Op.String() + " " + clean(objectName(t, e.Object)), Cat: "signal", Ph: "i", Scope: "t", Ts: ts(j), Pid: pid, Tid: tid(e.Actor, 0)}
			if e.Failed {
				in.Name, in.Cat, in.Args = "LOST "+in.Name, "lost", map[string]any{"lost": true}
			}
			evs = append(evs, in)
		}
	}
	for _, w := range waitSpans(t) {
		from, to := ts(w.from-1), ts(w.to)+perfettoStep // from the wait's step to the wake's, enclosing both
		if w.open {
			to = ts(w.to) + 1
		} else if w.to+1 < len(t.Events) {
			to = ts(w.to+1) + perfettoStep
		}
		evs = append(evs, perfettoEvent{Name: "waits on " + clean(objectName(t, w.object)), Cat: "wait", Ph: "X", Ts: from, Dur: dur(to - from),
			Pid: pid, Tid: tid(w.actor, 0)})
	}
	for _, h := range holds {
		from, to := ts(h.from), ts(h.to)+perfettoStep
		if h.open {
			to = ts(h.to) + 1
		}
		evs = append(evs, perfettoEvent{Name: "holds " + clean(objectName(t, h.object)), Cat: "mutex", Ph: "X", Ts: from, Dur: dur(to - from),
			Pid: pid, Tid: tid(h.actor, min(h.slot, 14)+1)})
	}
	_, flows := relations(t)
	for i, f := range flows {
		s, e := t.Events[f.From], t.Events[f.To]
		name := "wake"
		if f.Missed {
			name = "missed"
		}
		evs = append(evs,
			perfettoEvent{Name: name, Cat: name, Ph: "s", ID: i + 1, Ts: ts(f.From) + perfettoStep/2, Pid: pid, Tid: tid(s.Actor, 0)},
			perfettoEvent{Name: name, Cat: name, Ph: "f", BP: "e", ID: i + 1, Ts: ts(f.To) + perfettoStep/2, Pid: pid, Tid: tid(e.Actor, 0)})
	}
	if f := t.Finding; f != nil {
		step := f.Step
		if step <= 0 && len(t.Events) > 0 {
			step = t.Events[len(t.Events)-1].Step
		}
		evs = append(evs, perfettoEvent{Name: clean(f.Kind), Cat: "finding", Ph: "i", Scope: "g", Ts: float64(step) + perfettoStep, Pid: pid, Tid: 0,
			Args: map[string]any{"message": f.Message, "detail": f.Detail, "cause_steps": f.Cause}})
		if f.Cause == nil {
			delete(evs[len(evs)-1].Args, "cause_steps")
		}
	}
	// By time; at the same time, longer slices first, so that they enclose
	// the shorter ones; otherwise in the order made.
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if a.Ts != b.Ts {
			return a.Ts < b.Ts
		}
		da, db := 0.0, 0.0
		if a.Dur != nil {
			da = *a.Dur
		}
		if b.Dur != nil {
			db = *b.Dur
		}
		return da > db
	})
	return append(meta, evs...)
}
