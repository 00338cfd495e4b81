// Package scheduler holds the strategies that decide which enabled step of a
// simulated execution runs next: random walk, PCT, and replay of a recorded
// decision list.
//
// A strategy sees only a Decision: the enabled choices, each labelled with
// the actor, the kind of operation and the object it touches. It knows
// nothing of actors, protocols or checkers, so one strategy serves every
// protocol, and exhaustive strategies can be added without touching the
// runtime.
//
// # Decisions
//
// The runtime asks for a decision only where there is a real choice (two or
// more choices). There are three kinds:
//
//   - Schedule: which actor performs its pending operation next. Choices are
//     ordered: the actor that ran the previous step first (if it is still
//     enabled), then the other enabled actors by ascending id, then the
//     spurious wakeups on offer. Index 0 therefore always means "no
//     preemption", and a decision list of zeros is the schedule with the
//     fewest preemptions.
//   - Choose: a nondeterministic value asked for by actor code (fault
//     injection); choice i is value i.
//   - Wake: which waiter a condition-variable signal wakes.
package scheduler

import (
	"fmt"

	"github.com/simrun/simrun/op"
)

// Choice is one enabled alternative of a decision.
type Choice struct {
	Actor  int // the actor that performs the step (for Wake: the waiter woken)
	Op     op.Op
	Object int // the object the step touches; -1 for none
	Arg    int // Choose: the value; Wake: the waiter; Wait and op.Wake: the mutex's object; Join: the actor joined; otherwise 0
}

// Conflicts reports whether two steps may not commute: they touch the same
// object and at least one of them is not read-only. Steps of the same actor
// always conflict (program order).
func Conflicts(a, b Choice) bool {
	if a.Actor == b.Actor {
		return true
	}
	if a.Op.Local() || b.Op.Local() || a.Object < 0 || a.Object != b.Object {
		return false
	}
	return !(a.Op.ReadOnly() && b.Op.ReadOnly())
}

func (c Choice) String() string {
	return fmt.Sprintf("a%d:%s#%d", c.Actor, c.Op, c.Object)
}

// Kind says what a decision decides.
type Kind uint8

const (
	Schedule Kind = iota // which actor steps next
	Choose               // a value for actor code
	Wake                 // which waiter a Signal wakes
)

func (k Kind) String() string {
	switch k {
	case Schedule:
		return "schedule"
	case Choose:
		return "choose"
	case Wake:
		return "wake"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Decision is what a strategy is asked: pick one of Choices.
type Decision struct {
	Kind    Kind
	Step    int      // the number of steps executed so far in this execution
	Index   int      // the number of decisions made so far in this execution
	Current int      // the actor that ran the previous step, or -1
	Choices []Choice // at least two; valid only during the call
	Path    *Path    // the execution so far (Steps, Records); valid only during the call
}

// Strategy picks the next step of an execution. One Strategy drives a
// sequence of executions: Begin(run) starts execution number run, Next is
// called at every decision of it, and End reports how it went.
type Strategy interface {
	// Begin prepares execution number run (0, 1, 2, ...). It returns false
	// when the strategy has nothing left to explore.
	Begin(run int) bool
	// Next returns the index of the chosen element of d.Choices.
	Next(d *Decision) int
	// End reports the finished execution.
	End(p *Path)
	// Info describes the strategy as configured for the current execution,
	// for the trace header: enough to re-create it.
	Info() Info
}

// Cloner is implemented by strategies whose runs are independent of each
// other, so that several workers can each drive a copy.
type Cloner interface {
	Clone() Strategy
}

// Info is what a strategy reports of itself: its Spec as configured for
// the current execution (Seed is that execution's seed), so that a trace
// header can re-create it with Spec.New.
type Info = Spec

// Path is the record of a finished execution that a strategy may learn
// from. Its slices are reused for the next execution: a strategy that keeps
// them must copy them.
type Path struct {
	Steps     []Choice // the label of every executed step, in order
	Decisions []int    // the index chosen at every decision, in order
	Found     bool     // the execution produced a finding
	Records   []int    // ascending indices into Steps of the steps that recorded history events (Execution.Record)
	Pending   []Choice // at the end: the pending operation of every unfinished actor (and its spurious wakeup if it waits)
}
