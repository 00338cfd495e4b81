package sim

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/traces"
)

// mode is how an execution records what it does: plainly (the history
// that checks read, nothing more), capturing a trace, or replaying one.
// It is fixed when the execution is made (runner.exec, newExecution).
type mode struct {
	capture bool
	replay  bool
	expect  []traces.Event // replay: the events the trace recorded
	version int            // replay: the trace's format version
}

// The modes of an execution.
var (
	plainRun   = mode{}
	captureRun = mode{capture: true}
)

// replayRun replays t: every event is compared with t's.
func replayRun(t *traces.Trace) mode {
	return mode{capture: true, replay: true, expect: t.Events, version: t.Version}
}

// recorder is what an execution keeps for checks, traces and replays.
type recorder struct {
	mode
	history []Event
	checks  []check
	events  []traces.Event // capture: labelled events with values
	ptrIDs  map[any]int
}

// reset empties the recorder for a new execution in mode m, keeping the
// arrays of what only the execution reads. Captured events go into a
// trace, so they are never reused.
func (r recorder) reset(m mode) recorder {
	return recorder{mode: m, history: clear0(r.history), checks: clear0(r.checks)}
}

// The recording rules, in one place:
//   - a step's value (what it read, wrote or chose) is formatted only when
//     a trace is captured: value is called then and never otherwise;
//     findings format what they explain themselves, once;
//   - a replay compares every event with the trace's at the same position,
//     and every scheduling or Choose decision with the next event's actor,
//     op and object; Arg and Failed are compared only in traces of format
//     version 2 on, which carry them (version 1 has neither).

// done records the step a has just taken (its pending op) with the
// outcome: whether it failed, and its value.
func (x *Execution) done(a *actor, failed bool, value func() string) {
	x.record(a, a.req.kind, a.req.obj, a.req.arg, failed, value)
}

// record records an event of a in capture mode, and in a replay compares it
// with the event the trace recorded at the same position.
func (x *Execution) record(a *actor, kind op.Op, obj, arg int, failed bool, value func() string) {
	x.noteStep(a, kind, obj, failed)
	if x.opts.Coverage {
		x.covRec.cover(obj, kind)
	}
	if x.stateRec.on {
		x.stateStep(a, kind, obj, failed)
	}
	if !x.capture {
		return
	}
	ev := traces.Event{Step: x.step, Actor: a.id, Op: kind, Object: obj, Arg: arg, Failed: failed, Time: int64(x.now)}
	if value != nil {
		ev.Value = value()
	}
	if x.replay {
		i := len(x.events)
		if i >= len(x.expect) {
			x.fail(&Finding{Kind: Divergence, Step: x.step,
				Message: fmt.Sprintf("step %d: the trace has ended, but the execution goes on with %s", x.step, x.describeEvent(ev))})
		} else if want := x.expect[i]; !x.same(ev, want) {
			x.fail(&Finding{Kind: Divergence, Step: x.step,
				Message: fmt.Sprintf("step %d: the trace has %s, but the replay did %s", want.Step, x.describeEvent(want), x.describeEvent(ev))})
		}
	}
	x.events = append(x.events, ev)
}

// same reports whether a replayed event matches the trace's.
func (m mode) same(got, want traces.Event) bool { return traces.SameEvent(m.version, want, got) }

// expected compares a decision with the next event of the trace being
// replayed (true when not replaying); on a mismatch it ends the execution
// with a divergence that says what the trace's actor is doing instead.
func (x *Execution) expected(c scheduler.Choice) bool {
	if !x.replay {
		return true
	}
	i := len(x.events)
	if i >= len(x.expect) {
		x.fail(&Finding{Kind: Divergence, Step: x.step + 1,
			Message: fmt.Sprintf("step %d: the trace has ended, but the execution goes on with %s", x.step+1, x.describeChoice(c))})
		return false
	}
	want := x.expect[i]
	if want.Actor == c.Actor && want.Op == c.Op && want.Object == c.Object {
		return true
	}
	msg := fmt.Sprintf("step %d: the trace has %s", want.Step, x.describeEvent(want))
	if want.Actor >= 0 && want.Actor < len(x.actors) {
		b := x.actors[want.Actor]
		if b.done {
			msg += ", but " + b.name + " has finished"
		} else if !x.enabled(b) || b.readyAt > x.now {
			msg += ", but " + b.name + " is blocked on " + x.blockedOn(b)
		} else {
			msg += ", but the replay chose " + x.describeChoice(c)
		}
	} else {
		msg += ", but that actor does not exist in the replay"
	}
	x.fail(&Finding{Kind: Divergence, Step: x.step + 1, Message: msg})
	return false
}

func (x *Execution) describeEvent(e traces.Event) string {
	name := "runtime"
	if e.Actor >= 0 && e.Actor < len(x.actors) {
		name = x.actors[e.Actor].name
	}
	s := name + " " + e.Op.String()
	if e.Object >= 0 && e.Object < len(x.objs) {
		s += " " + x.objs[e.Object].name.String()
	}
	if e.Value != "" {
		s += " " + e.Value
	}
	return s
}

// Labeler is implemented by values that name themselves in traces. Pointers
// that do not implement it or fmt.Stringer print as a stable per-execution
// number, never as an address.
type Labeler interface {
	SimLabel() string
}

// format prints a value deterministically.
func (x *Execution) format(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case Labeler:
		if isNilPointer(v) {
			return "nil"
		}
		return v.SimLabel()
	case fmt.Stringer:
		if isNilPointer(v) {
			return "nil"
		}
		return v.String()
	case string:
		return strconv.Quote(v)
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return fmt.Sprint(v)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Slice:
		if rv.IsNil() {
			return "nil"
		}
		if rv.Kind() == reflect.Slice {
			return fmt.Sprintf("%v", v)
		}
		if x.ptrIDs == nil {
			x.ptrIDs = map[any]int{}
		}
		key := rv.Pointer()
		id, ok := x.ptrIDs[key]
		if !ok {
			id = len(x.ptrIDs) + 1
			x.ptrIDs[key] = id
		}
		return fmt.Sprintf("%s#%d", rv.Type().String(), id)
	}
	return fmt.Sprintf("%+v", v)
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// trace builds the trace of a captured execution.
func (x *Execution) trace(meta Meta, run int) *traces.Trace {
	t := &traces.Trace{
		Format: traces.Format, Version: traces.Version, Tool: Tool(),
		Protocol: meta.Protocol, Variant: meta.Variant, Config: meta.Config,
		Options: traces.Options{Spurious: !x.opts.NoSpurious, MaxSpurious: x.spuriousMax,
			MaxSteps: x.opts.MaxSteps, Cost: x.cost.Map(), Races: x.opts.Races, Unfair: x.opts.Unfair, TimerHorizon: int64(x.opts.TimerHorizon)},
		Run:       run,
		Decisions: append([]int{}, x.path.Decisions...),
		Events:    x.events,
	}
	t.Strategy = traces.Strategy(x.strat.Info())
	for _, a := range x.actors {
		t.Actors = append(t.Actors, a.name)
	}
	for i, o := range x.objs {
		t.Objects = append(t.Objects, traces.Object{ID: i, Kind: o.kind, Name: o.name.String()})
	}
	if f := x.finding; f != nil {
		t.Finding = &traces.Finding{Kind: string(f.Kind), Message: f.Message, Detail: f.Detail, Step: f.Step, Actor: -1, Cause: f.Cause}
		for _, a := range x.actors {
			if a.name == f.Actor {
				t.Finding.Actor = a.id
				break
			}
		}
	}
	return t
}
