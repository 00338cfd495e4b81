package sim

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/traces"
)

// Kind names a class of finding.
type Kind string

// The finding kinds the runtime itself reports. Checkers add their own
// (misorder, linearizability, ...).
const (
	Deadlock       Kind = "deadlock"       // a cycle of actors waiting for each other's mutexes or joins
	LostWakeup     Kind = "lost-wakeup"    // a cond waiter that no live actor can ever signal
	Livelock       Kind = "livelock"       // the step bound was reached
	Panic          Kind = "panic"          // actor code panicked
	BadUnlock      Kind = "bad-unlock"     // unlock of a mutex the actor does not hold
	Assertion      Kind = "assertion"      // Assert or Failf in actor code
	Divergence     Kind = "divergence"     // a replay did not follow its trace
	Nondeterminism Kind = "nondeterminism" // re-running the same decisions gave other steps
)

// Finding is a bug found in one execution.
type Finding struct {
	Kind    Kind
	Message string // one line
	Detail  string // an explanation: who waits on what, a stack, a diff
	Step    int    // the step at which it was found
	Actor   string // the actor it concerns, if any
	Cause   []int  // the steps of the events that caused it, if known (traces.Finding.Cause)

	// Set by Explore.
	Run   int    // the execution's number
	Seed  uint64 // the strategy's seed for that execution
	Steps int    // steps the execution took
	Trace *traces.Trace
}

func (f *Finding) String() string {
	if f.Detail == "" {
		return fmt.Sprintf("%s: %s", f.Kind, f.Message)
	}
	return fmt.Sprintf("%s: %s\n%s", f.Kind, f.Message, f.Detail)
}

// Event is a protocol-level event recorded by actor code with Record.
type Event struct {
	Step  int      // the visible step after which it was recorded
	Actor int      // who recorded it
	Time  Duration // virtual time
	Value any
}

// History is what checks read at the end of an execution.
type History struct {
	Events []Event
	Actors []string // names by id
	Steps  int
	Now    Duration // virtual time at the end
}

// History returns the history recorded so far.
// Like the execution, it is valid until the next execution of its runner
// (after OnExecution returns).
func (x *Execution) History() *History {
	h := &x.pool.hist
	names := h.Actors[:0]
	for _, a := range x.actors {
		names = append(names, a.name)
	}
	*h = History{Events: x.history, Actors: names, Steps: x.step, Now: max(x.now, x.end)}
	return h
}

// clone returns a copy of h that outlives its execution.
func (h *History) clone() *History {
	c := *h
	c.Events = slices.Clone(h.Events)
	c.Actors = slices.Clone(h.Actors)
	return &c
}

// explainStuck classifies a quiescent execution with unfinished actors:
// a cycle of waits is a deadlock; otherwise, if some chain of waits ends at
// a cond waiter, it is a lost wakeup; otherwise a deadlock (a mutex or join
// that can never be granted).
func (x *Execution) explainStuck() *Finding {
	if f := x.explainGo(); f != nil {
		return f
	}
	// waitsFor: the actor whose progress a blocked actor needs.
	waitsFor := func(a *actor) *actor {
		if a.req.wait == nil {
			return nil
		}
		return a.req.wait.holder(a)
	}
	detail := x.describeActors()
	live := x.unfinished()
	for _, a := range live {
		// Follow the chain from a; a cycle through a is a deadlock.
		seen := map[*actor]bool{}
		chain := []*actor{a}
		for b := waitsFor(a); b != nil && !b.done; b = waitsFor(b) {
			if b == a {
				names := make([]string, len(chain))
				var cause []int // the steps that took the cycle's mutexes
				for i, c := range chain {
					names[i] = c.name + " waits for " + x.blockedOn(c)
					if step := takenStep(c); step > 0 {
						cause = append(cause, step)
					}
				}
				sort.Ints(cause)
				return &Finding{Kind: Deadlock, Step: x.step, Actor: a.name, Cause: cause,
					Message: "cycle: " + strings.Join(names, "; "), Detail: detail}
			}
			if seen[b] {
				break
			}
			seen[b] = true
			chain = append(chain, b)
		}
	}
	for _, a := range live {
		if c, ok := x.sleepsOn(a); ok {
			msg := fmt.Sprintf("%s waits on %s forever: every other actor has finished or is blocked, so nobody can signal it", a.name, c.name)
			f := &Finding{Kind: LostWakeup, Step: x.step, Actor: a.name, Message: msg + "; " + c.lastSignal(), Detail: detail}
			if c.last.step > 0 {
				f.Cause = []int{c.last.step}
			}
			return f
		}
	}
	a := live[0]
	return &Finding{Kind: Deadlock, Step: x.step, Actor: a.name,
		Message: fmt.Sprintf("%s waits for %s, which can never be granted", a.name, x.blockedOn(a)), Detail: detail}
}

// takenStep returns the step at which the mutex blocked actor a waits for
// (to lock it, or to re-acquire it after a wait) was taken by its holder,
// or 0 if a waits for no mutex.
func takenStep(a *actor) int {
	switch w := a.req.wait.(type) {
	case *Mutex:
		return w.taken
	case *Cond:
		return w.L.taken
	}
	return 0
}

func (c *Cond) lastSignal() string {
	if c.last.step == 0 {
		return "nobody ever signalled " + c.name.String()
	}
	s := fmt.Sprintf("the last %s on %s was at step %d by %s", c.last.op, c.name, c.last.step, c.last.actor)
	if c.last.woke == 0 {
		s += ", when nobody waited (lost)"
	}
	return s
}

// blockedOn says what a blocked actor waits for.
func (x *Execution) blockedOn(a *actor) string {
	switch {
	case a.done:
		return "nothing (finished)"
	case a.req.wait != nil:
		return a.req.wait.describe(a)
	case a.readyAt > x.now:
		return fmt.Sprintf("time %v", a.readyAt)
	}
	return "nothing (runnable: " + a.req.kind.String() + ")"
}

// describeActors lists every unfinished actor and what it waits for, with
// the mutexes held.
func (x *Execution) describeActors() string {
	var b strings.Builder
	held := map[*actor][]string{}
	for _, m := range x.mutexList {
		if m.owner != nil {
			held[m.owner] = append(held[m.owner], m.name.String())
		}
	}
	for _, a := range x.actors {
		if a.done {
			continue
		}
		fmt.Fprintf(&b, "  %s: waits for %s", a.name, x.blockedOn(a))
		if h := held[a]; len(h) > 0 {
			sort.Strings(h)
			fmt.Fprintf(&b, "; holds %s", strings.Join(h, ", "))
		}
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (x *Execution) describeChoices(cs []scheduler.Choice) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, x.describeChoice(c))
	}
	return " (choices: " + strings.Join(parts, ", ") + ")"
}

func (x *Execution) describeChoice(c scheduler.Choice) string {
	name := "?"
	if c.Actor >= 0 && c.Actor < len(x.actors) {
		name = x.actors[c.Actor].name
	}
	s := name + " " + c.Op.String()
	if c.Object >= 0 && c.Object < len(x.objs) {
		s += " " + x.objs[c.Object].name.String()
	}
	return s
}
