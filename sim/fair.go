package sim

import (
	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
)

// Fair scheduling, in the manner of CHESS (Musuvathi and Qadeer, "Fair
// stateless model checking", PLDI 2008): an actor that yields is given a
// lower priority than every other enabled actor until one of them steps.
// CHESS takes an explicit yield as the sign that a thread cannot progress;
// simrun also takes a spin that has no effect: a run of consecutive steps
// of one actor that change nothing (a Yield, a read, a failed CAS or
// TryLock), with no step of another actor between them, in which fairSpin
// steps repeat an earlier step of the run (the same operation on the same
// object). Its next step is then offered only when no other actor is
// enabled. Only repeats count: nothing changed the shared state since the
// first of them, so a repeat returns what it returned before, while a run
// of reads of different objects (a leader walking a queue) is progress and
// is never cut.
//
// What it guarantees: a spin loop that waits for another actor (a CAS
// spinlock, with or without Yield, a flag poll) is never starved into a
// livelock finding, because the actor it waits for is scheduled after at
// most fairSpin idle steps; a real livelock — actors that keep each other
// from progressing under every fair schedule (two spinners waiting for
// each other, two actors backing off from each other with effects) — still
// reaches the step bound and is reported. What it prunes: only schedules
// in which one actor takes more than fairSpin idle steps in a row while
// another could step; after fairSpin idle steps the shared state is what
// it was, so another idle step only repeats a read of it. An actor that
// counts its retries (give up after n failed CASes) could behave
// differently after more than fairSpin of them: set Options.Unfair to
// explore those schedules too.
const fairSpin = 3

// idleStep is a step of a run of idle steps: an operation and its object.
type idleStep struct {
	kind op.Op
	obj  int
}

// idle reports whether a step changed no shared state.
func idle(kind op.Op, failed bool) bool {
	return failed || kind.ReadOnly() || kind == op.Yield
}

// noteStep tracks the run of idle steps at the end of the path and how
// many of its steps repeat an earlier one.
func (x *Execution) noteStep(a *actor, kind op.Op, obj int, failed bool) {
	st := idleStep{kind, obj}
	switch {
	case !idle(kind, failed):
		x.idleRun, x.idleSeenN = 0, 0
	case x.idleSeenN > 0 && x.idleActor == a.id:
		for _, s := range x.idleSeen[:x.idleSeenN] {
			if s == st {
				x.idleRun++
				return
			}
		}
		if x.idleSeenN < len(x.idleSeen) {
			x.idleSeen[x.idleSeenN] = st
			x.idleSeenN++
		}
	default:
		x.idleActor, x.idleRun = a.id, 0
		x.idleSeen[0], x.idleSeenN = st, 1
	}
}

// fair drops from cs the choice of an actor spinning idle when another
// actor can step, and the choice of an actor that slept (GoSleep) while a
// goroutine that could step when it went to sleep, or since, has not
// stepped: CHESS's rule for yields, which keeps a polling loop that sleeps
// from starving the goroutine it waits for under a priority strategy.
func (x *Execution) fair(cs []scheduler.Choice) []scheduler.Choice {
	if len(cs) < 2 || x.opts.Unfair {
		return cs
	}
	out := cs[:0]
	for _, c := range cs {
		if !x.deferred(c, cs) {
			out = append(out, c)
		}
	}
	if len(out) == 0 { // everyone defers to everyone: nobody is starved
		return cs[:len(cs)]
	}
	return out
}

// deferred reports whether c's actor gives way to another choice of cs.
func (x *Execution) deferred(c scheduler.Choice, cs []scheduler.Choice) bool {
	if x.idleRun >= fairSpin && c.Actor == x.idleActor {
		return true
	}
	a := x.actors[c.Actor]
	if a.sleptAt == 0 {
		return false
	}
	for _, o := range cs {
		b := x.actors[o.Actor]
		if b != a && !b.daemon && !x.steppedSince(b, a.sleptAt-1) {
			return true
		}
	}
	a.sleptAt = 0 // every other goroutine has had its turn
	x.sleptN--
	return false
}

// steppedSince reports whether a took a step after the path had n steps.
func (x *Execution) steppedSince(a *actor, n int) bool {
	for _, c := range x.path.Steps[n:] {
		if c.Actor == a.id {
			return true
		}
	}
	return false
}
