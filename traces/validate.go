package traces

import (
	"fmt"
)

// Validate checks the contents of a trace: the format and version, a
// protocol and variant, object ids equal to their index, events whose
// actor, object and op exist and whose steps and times do not go backwards,
// non-negative decisions, and a finding that names a kind. Its errors wrap
// ErrForeign, ErrVersion or ErrInvalid.
func (t *Trace) Validate() error {
	switch {
	case t.Format != Format:
		return fmt.Errorf("%w: format is %q, want %q", ErrForeign, t.Format, Format)
	case t.Version != Version:
		return fmt.Errorf("%w: version %d, this simrun reads version %d", ErrVersion, t.Version, Version)
	case t.Protocol == "":
		return fmt.Errorf("%w: no protocol", ErrInvalid)
	case t.Variant == "":
		return fmt.Errorf("%w: no variant", ErrInvalid)
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
	}
	return nil
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
	case f.Actor < -1 || f.Actor > 0 && f.Actor >= len(t.Actors): // 0 may mean none
		return fmt.Errorf("%w: finding actor %d out of range (%d actors)", ErrInvalid, f.Actor, len(t.Actors))
	}
	return nil
}
