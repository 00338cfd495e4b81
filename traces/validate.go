package traces

import (
	"fmt"

	"github.com/simrun/simrun/op"
)

// Validate checks the contents of a trace: the format and version, a
// protocol and variant, object ids equal to their index, events whose
// actor, object and op exist, whose steps and times do not go backwards and
// whose Arg and Failed fit their op (see the package doc), non-negative
// decisions, a run that is not negative, and a finding that names a kind
// and an actor that exists or -1.
// Its errors wrap ErrForeign, ErrVersion or ErrInvalid.
func (t *Trace) Validate() error {
	switch {
	case t.Format != Format:
		return fmt.Errorf("%w: format is %q, want %q", ErrForeign, t.Format, Format)
	case t.Version < MinVersion || t.Version > Version:
		return errVersion(t.Version)
	case t.Protocol == "":
		return fmt.Errorf("%w: no protocol", ErrInvalid)
	case t.Variant == "":
		return fmt.Errorf("%w: no variant", ErrInvalid)
	case t.Run < 0:
		return fmt.Errorf("%w: run %d is negative", ErrInvalid, t.Run)
	}
	for i, o := range t.Objects {
		if o.ID != i {
			return fmt.Errorf("%w: objects[%d] has id %d", ErrInvalid, i, o.ID)
		}
	}
	for i, d := range t.Decisions {
		if d < 0 {
			return fmt.Errorf("%w: decisions[%d] is negative (%d)", ErrInvalid, i, d)
		}
	}
	for i := range t.Events {
		if err := t.checkEvent(i); err != nil {
			return fmt.Errorf("%w: events[%d] (step %d): %s", ErrInvalid, i, t.Events[i].Step, err)
		}
	}
	return t.checkFinding()
}

// checkEvent checks Events[i] and that it does not go back from Events[i-1].
func (t *Trace) checkEvent(i int) error {
	e := t.Events[i]
	switch {
	case e.Step < 0:
		return fmt.Errorf("negative step")
	case i > 0 && e.Step < t.Events[i-1].Step:
		return fmt.Errorf("step goes back from %d", t.Events[i-1].Step)
	case e.Time < 0:
		return fmt.Errorf("negative time %d", e.Time)
	case e.Actor < -1 || e.Actor >= len(t.Actors):
		return fmt.Errorf("actor %d out of range (%d actors)", e.Actor, len(t.Actors))
	case e.Object < -1 || e.Object >= len(t.Objects):
		return fmt.Errorf("object %d out of range (%d objects)", e.Object, len(t.Objects))
	case !e.Op.Valid():
		return fmt.Errorf("unknown op %d", uint8(e.Op))
	case e.Failed && !canFail[e.Op]:
		return fmt.Errorf("%s cannot fail", e.Op)
	}
	return t.checkArg(e)
}

// canFail holds the ops whose Failed may be true.
var canFail = map[op.Op]bool{
	op.TryLock: true, op.CAS: true, op.Unlock: true, op.Wait: true, op.Signal: true, op.Broadcast: true,
	// Go's vocabulary: a step that blocks, a misuse found, a no-op.
	op.Send: true, op.Recv: true, op.Close: true, op.Select: true, op.GoLock: true, op.GoUnlock: true,
	op.RUnlock: true, op.Add: true, op.Timer: true, op.Fire: true, op.Cancel: true,
}

// checkArg checks that e's Arg is what its op takes: a mutex for wait and
// wake, an actor for join and for a signal that woke one, nothing
// otherwise. A version-1 trace's Arg is not checked: the format has none,
// and what Decode infers is a guess, -1 where it could not tell.
func (t *Trace) checkArg(e Event) error {
	if t.Version == 1 {
		return nil
	}
	switch {
	case e.Op == op.Wait || e.Op == op.Wake:
		if e.Arg < 0 || e.Arg >= len(t.Objects) || t.Objects[e.Arg].Kind != "mutex" {
			return fmt.Errorf("%s arg %d is not a mutex", e.Op, e.Arg)
		}
	case takesArg(e):
		if e.Arg < 0 || e.Arg >= len(t.Actors) {
			return fmt.Errorf("%s arg %d: actor out of range (%d actors)", e.Op, e.Arg, len(t.Actors))
		}
	case e.Arg != 0:
		return fmt.Errorf("%s takes no arg, has %d", e.Op, e.Arg)
	}
	return nil
}

// takesArg reports whether e has an Arg: a wait, a wake, a join, or a
// signal that woke an actor.
func takesArg(e Event) bool {
	switch e.Op {
	case op.Wait, op.Wake, op.Join:
		return true
	case op.Signal:
		return !e.Failed
	}
	return false
}

// checkFinding checks the finding, if there is one.
func (t *Trace) checkFinding() error {
	f := t.Finding
	switch {
	case f == nil:
		return nil
	case f.Kind == "":
		return fmt.Errorf("%w: finding has no kind", ErrInvalid)
	case f.Step < 0:
		return fmt.Errorf("%w: finding step %d is negative", ErrInvalid, f.Step)
	case f.Actor < -1 || f.Actor >= len(t.Actors):
		return fmt.Errorf("%w: finding actor %d out of range (%d actors)", ErrInvalid, f.Actor, len(t.Actors))
	}
	return nil
}
