package traces

import (
	"fmt"
	"strings"

	"github.com/simrun/simrun/op"
)

// DescribeEvent formats e with the actor and object names of t, for
// messages: "t2 lock LOCK_prepare_ordered", "t1 write group_commit_ready[t2]
// = true", "t2 read group_commit_ready[t2] -> false", "t1 » leader". The
// runtime (actor -1) is called "runtime"; ids that t does not name are shown
// as "a7" or "#7", so DescribeEvent is safe on any event and a nil t.
func DescribeEvent(t *Trace, e Event) string {
	return actorName(t, e.Actor) + " " + eventText(t, e)
}

// eventText is DescribeEvent without the actor: the op, the object and the
// value. A recorded protocol event is shown as "» value".
func eventText(t *Trace, e Event) string {
	var b strings.Builder
	if e.Op == op.Event {
		b.WriteString("»")
	} else {
		b.WriteString(e.Op.String())
	}
	if e.Object >= 0 {
		b.WriteString(" " + objectName(t, e.Object))
	}
	if e.Value == "" {
		return b.String()
	}
	switch e.Op {
	case op.Store, op.Write:
		b.WriteString(" = ")
	case op.Load, op.Read:
		b.WriteString(" -> ")
	default:
		b.WriteString(" ")
	}
	b.WriteString(e.Value)
	return b.String()
}

// actorName returns the name of actor id.
func actorName(t *Trace, id int) string {
	switch {
	case id == -1:
		return "runtime"
	case t != nil && id >= 0 && id < len(t.Actors) && t.Actors[id] != "":
		return t.Actors[id]
	}
	return fmt.Sprintf("a%d", id)
}

// objectName returns the name of object id.
func objectName(t *Trace, id int) string {
	if t != nil && id >= 0 && id < len(t.Objects) && t.Objects[id].Name != "" {
		return t.Objects[id].Name
	}
	return fmt.Sprintf("#%d", id)
}

// FirstDivergence returns the index of the first event at which want and got
// differ, and true; or 0 and false if they are equal. If one list is a
// prefix of the other, they differ at the length of the shorter one.
func FirstDivergence(want, got []Event) (i int, ok bool) {
	return firstDivergence(want, got, Version)
}

// firstDivergence is FirstDivergence for a want recorded in format version
// v: see SameEvent.
func firstDivergence(want, got []Event, v int) (i int, ok bool) {
	for i = 0; i < len(want) && i < len(got); i++ {
		if !SameEvent(v, want[i], got[i]) {
			return i, true
		}
	}
	if len(want) == len(got) {
		return 0, false
	}
	return i, true
}

// SameEvent reports whether a replay that did got matches want, an event
// recorded in a trace of format version v. Version 1 did not record Arg and
// Failed (Decode infers them, which is a guess), so they are not compared
// for it (nor for a trace without a version); every other field must be
// equal.
func SameEvent(v int, want, got Event) bool {
	if v < 2 {
		want.Arg, want.Failed = got.Arg, got.Failed
	}
	return want == got
}

// Check compares the events of replay with those of t, the recorded trace.
// It returns nil if they are equal (as SameEvent compares them for t's
// version), else an error naming the first difference: "step 41: trace has
// t3 lock LOCK_x, replay has t1 unlock LOCK_x". Only events are compared:
// the runtime checks every decision against the enabled set as it replays.
func (t *Trace) Check(replay *Trace) error {
	i, diverged := firstDivergence(t.Events, replay.Events, t.Version)
	if !diverged {
		return nil
	}
	want, got := describeAt(t, i), describeAt(replay, i)
	if want == got { // they differ in step, time, arg or failed only
		want, got = want+detail(t.Events[i]), got+detail(replay.Events[i])
	}
	step := 0
	if i < len(t.Events) {
		step = t.Events[i].Step
	} else {
		step = replay.Events[i].Step
	}
	return fmt.Errorf("step %d: trace has %s, replay has %s", step, want, got)
}

// describeAt describes the i'th event of t, or says there is none.
func describeAt(t *Trace, i int) string {
	if i >= len(t.Events) {
		return "no more events"
	}
	return DescribeEvent(t, t.Events[i])
}

// detail formats what DescribeEvent leaves out of e: its step and virtual
// time, and its arg and failed if set.
func detail(e Event) string {
	s := fmt.Sprintf(" (step %d, time %dns", e.Step, e.Time)
	if e.Arg != 0 {
		s += fmt.Sprintf(", arg %d", e.Arg)
	}
	if e.Failed {
		s += ", failed"
	}
	return s + ")"
}
