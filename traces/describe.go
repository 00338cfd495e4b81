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
	for i = 0; i < len(want) && i < len(got); i++ {
		if want[i] != got[i] {
			return i, true
		}
	}
	if len(want) == len(got) {
		return 0, false
	}
	return i, true
}

// Check compares the events of replay with those of t, the recorded trace.
// It returns nil if they are equal, else an error naming the first
// difference: "step 41: trace has t3 lock LOCK_x, replay has t1 unlock
// LOCK_x". Only events are compared: the runtime checks every decision
// against the enabled set as it replays.
func (t *Trace) Check(replay *Trace) error {
	i, diverged := FirstDivergence(t.Events, replay.Events)
	if !diverged {
		return nil
	}
	want, got := describeAt(t, i), describeAt(replay, i)
	if want == got { // they differ in step or time only
		want, got = want+timing(t.Events[i]), got+timing(replay.Events[i])
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

// timing formats the step and virtual time of e.
func timing(e Event) string {
	return fmt.Sprintf(" (step %d, time %dns)", e.Step, e.Time)
}
