package traces

import (
	"slices"
	"strings"

	"github.com/simrun/simrun/op"
)

// unknown is the Arg of a version-1 event whose argument upgradeV1 could
// not infer.
const unknown = -1

// upgradeV1 fills in, on a decoded version-1 trace, the structure that
// version 2 records and version 1 only wrote as prose: every event's Failed
// and Arg, and Finding.Actor -1 for "none". It is the only code that reads
// meaning out of Event.Value or names; everything after it, renderers
// included, reads structure. The rules are those of the package doc; an
// argument it cannot infer is -1. It keeps Version 1: what it infers is a
// guess, which replay must not compare.
//
// It only reads Value and the trace's names and never an Arg or Failed, so
// that it gives the same result on the same version-1 document, whatever
// was encoded from it.
func (t *Trace) upgradeV1() {
	st := newOwnership(t)
	condMutex := map[int]int{}              // the mutex a condition variable was last used with
	waitMutex := make([]int, len(t.Actors)) // per actor, the mutex its pending wait released
	for i := range waitMutex {
		waitMutex[i] = unknown
	}
	for i := range t.Events {
		e := &t.Events[i]
		e.Failed = failedV1(*e)
		e.Arg = 0
		a := e.Actor
		actor := a >= 0 && a < len(t.Actors) // Validate has not run yet
		switch e.Op {
		case op.Signal:
			if !e.Failed {
				e.Arg = unknown
				if woken, ok := strings.CutPrefix(e.Value, "wakes "); ok {
					e.Arg = indexOr(t.Actors, woken)
				}
			}
		case op.Join:
			e.Arg = t.actorOfObject(e.Object)
		case op.Wait:
			e.Arg = unknown
			if actor && !e.Failed {
				e.Arg = guessWaitMutex(t, st.held[a], e.Object, condMutex)
				if e.Arg >= 0 {
					condMutex[e.Object] = e.Arg
				}
			}
			if actor {
				waitMutex[a] = e.Arg
			}
		case op.Wake:
			e.Arg = unknown
			if actor {
				e.Arg, waitMutex[a] = waitMutex[a], unknown
			}
		}
		st.apply(*e)
	}
	if f := t.Finding; f != nil && f.Actor == 0 && !namesFirstActor(t, f.Message) {
		f.Actor = -1
	}
}

// failedV1 reads whether a version-1 event failed from its value, as the
// runtime wrote it then.
func failedV1(e Event) bool {
	switch e.Op {
	case op.TryLock:
		return e.Value != "true"
	case op.CAS:
		return strings.HasSuffix(e.Value, " fails")
	case op.Unlock, op.Wait:
		return strings.HasPrefix(e.Value, "not held")
	case op.Signal, op.Broadcast:
		return strings.HasPrefix(e.Value, "lost")
	}
	return false
}

// indexOr returns the index of the only element of list equal to s, or -1.
func indexOr(list []string, s string) int {
	i := slices.Index(list, s)
	if i < 0 || slices.Index(list[i+1:], s) >= 0 {
		return unknown
	}
	return i
}

// actorOfObject returns the actor whose object is id: the runtime creates
// one object of kind "actor" per actor, in the order of the actors.
func (t *Trace) actorOfObject(id int) int {
	if id < 0 || id >= len(t.Objects) || t.Objects[id].Kind != "actor" {
		return unknown
	}
	n := 0
	for _, o := range t.Objects[:id] {
		if o.Kind == "actor" {
			n++
		}
	}
	if n >= len(t.Actors) {
		return unknown
	}
	return n
}

// guessWaitMutex guesses the mutex that a wait on cond released, given the
// mutexes held, in the order taken: the one the condition variable was used
// with before, the only one held, the one whose name matches the condition
// variable's after the first "_" (LOCK_wakeup[t2] for COND_wakeup[t2]), or
// the last taken; -1 if none is held.
func guessWaitMutex(t *Trace, held []int, cond int, condMutex map[int]int) int {
	if m, ok := condMutex[cond]; ok && slices.Contains(held, m) {
		return m
	}
	switch len(held) {
	case 0:
		return unknown
	case 1:
		return held[0]
	}
	suffix := func(name string) string {
		if _, s, ok := strings.Cut(name, "_"); ok {
			return s
		}
		return name
	}
	want, found := suffix(objectName(t, cond)), -1
	for _, m := range held {
		if suffix(objectName(t, m)) == want {
			if found >= 0 {
				found = -2 // ambiguous
				break
			}
			found = m
		}
	}
	if found >= 0 {
		return found
	}
	return held[len(held)-1]
}

// namesFirstActor reports whether msg starts with the first actor's name as
// a word, which is how a version-1 finding about actor 0 reads (its Actor 0
// could also mean none).
func namesFirstActor(t *Trace, msg string) bool {
	if len(t.Actors) == 0 || t.Actors[0] == "" {
		return false
	}
	rest, ok := strings.CutPrefix(msg, t.Actors[0])
	return ok && (rest == "" || strings.IndexAny(rest[:1], " :,") == 0)
}
