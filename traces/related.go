package traces

import (
	"fmt"
	"slices"

	"github.com/simrun/simrun/op"
)

// This file reads relations between events out of a trace's structure (Op,
// Object, Arg, Failed): who holds which mutex when, who waits, which signal
// woke which wait, which lost signal a wait missed, and which events are
// the cause of the finding. The HTML page and the Perfetto export draw
// them.

// span is an interval of events [from, to] of one actor on one object.
type span struct {
	actor, object int
	from, to      int  // event indices, inclusive
	slot          int  // for holds: the band's position among the mutexes held
	open          bool // not released by the end of the trace
}

// mutexStep is what event e does to the mutexes its actor holds: it takes
// (take) or releases mutex m, or, !ok, neither. The rule, stated here
// only: a lock or trylock that did not fail takes its object, and a wake
// takes its Arg (the mutex the wait gave up); an unlock that did not fail
// releases its object, and a wait that did not fail releases its Arg. m
// may not be a mutex in a hostile trace: see isMutex.
func mutexStep(e Event) (m int, take, ok bool) {
	switch {
	case (e.Op == op.Lock || e.Op == op.TryLock) && !e.Failed:
		return e.Object, true, true
	case e.Op == op.Wake:
		return e.Arg, true, true
	case e.Op == op.Unlock && !e.Failed:
		return e.Object, false, true
	case e.Op == op.Wait && !e.Failed:
		return e.Arg, false, true
	}
	return 0, false, false
}

// isMutex reports whether object id of t is a mutex.
func isMutex(t *Trace, id int) bool {
	return id >= 0 && id < len(t.Objects) && t.Objects[id].Kind == "mutex"
}

// holdSpans returns the intervals over which actors hold mutexes: from the
// event that takes a mutex to the one that releases it (see mutexStep),
// both included. They are in the order they end.
func holdSpans(t *Trace) []span {
	held := make([][]span, len(t.Actors))
	var out []span
	take := func(a, m, j int) {
		if !isMutex(t, m) || slices.ContainsFunc(held[a], func(s span) bool { return s.object == m }) {
			return
		}
		slot := 0
		for slices.ContainsFunc(held[a], func(s span) bool { return s.slot == slot }) {
			slot++
		}
		held[a] = append(held[a], span{actor: a, object: m, from: j, slot: slot})
	}
	drop := func(a, m, j int) {
		if i := slices.IndexFunc(held[a], func(s span) bool { return s.object == m }); i >= 0 {
			s := held[a][i]
			s.to = j
			out = append(out, s)
			held[a] = slices.Delete(held[a], i, i+1)
		}
	}
	for j, e := range t.Events {
		a := e.Actor
		if a < 0 || a >= len(held) {
			continue
		}
		switch m, takes, ok := mutexStep(e); {
		case ok && takes:
			take(a, m, j)
		case ok:
			drop(a, m, j)
		}
	}
	for _, h := range held {
		for _, s := range h {
			s.to, s.open = len(t.Events)-1, true
			out = append(out, s)
		}
	}
	return out
}

// waitSpans returns the intervals over which actors wait on a condition
// variable: the events after their wait and before their wake (or the end).
func waitSpans(t *Trace) []span {
	waiting := make([]int, len(t.Actors)) // the wait's event index, or -1
	for i := range waiting {
		waiting[i] = -1
	}
	var out []span
	for j, e := range t.Events {
		a := e.Actor
		if a < 0 || a >= len(waiting) {
			continue
		}
		switch {
		case e.Op == op.Wait && !e.Failed:
			waiting[a] = j
		case e.Op == op.Wake && waiting[a] >= 0:
			if w := waiting[a]; w+1 <= j-1 {
				out = append(out, span{actor: a, object: t.Events[w].Object, from: w + 1, to: j - 1})
			}
			waiting[a] = -1
		}
	}
	for a, w := range waiting {
		if w >= 0 && w+1 <= len(t.Events)-1 {
			out = append(out, span{actor: a, object: t.Events[w].Object, from: w + 1, to: len(t.Events) - 1, open: true})
		}
	}
	return out
}

// link relates one event to another: Row is the other's event index (a row
// index once the page has mapped it).
type link struct {
	Row   int
	Label string
}

// wakeFlow is a signal or broadcast (From) and the wake it caused (To),
// or, Missed, a lost signal and a wait that came too late for it.
type wakeFlow struct {
	From, To int
	Missed   bool
}

// relations walks t once and returns, per event index, its links to related
// events (a lock and the release by its previous holder, a signal and the
// wake it caused, a lost signal and the waits that missed it), and the
// signal-to-wake and lost-signal-to-wait flows in the order of their ends.
func relations(t *Trace) (map[int][]link, []wakeFlow) {
	links := map[int][]link{}
	var flows []wakeFlow
	add := func(from, to int, label string) { links[from] = append(links[from], link{to, label}) }
	at := func(j int) string {
		e := t.Events[j]
		return fmt.Sprintf("%s at step %d", actorName(t, e.Actor), e.Step)
	}
	released := map[int]int{} // mutex -> event index of its last release
	lost := map[int]int{}     // cond -> its last lost signal since a successful one
	woken := map[int]int{}    // actor -> the signal that will wake it
	waitingOn := map[int]int{}
	acquired := func(j, m int) {
		if r, ok := released[m]; ok && t.Events[r].Actor != t.Events[j].Actor {
			add(j, r, "previous holder: "+at(r))
			add(r, j, "next holder: "+at(j))
		}
	}
	for j, e := range t.Events {
		switch {
		case e.Op == op.Wait && !e.Failed:
			waitingOn[e.Actor] = e.Object
			if s, ok := lost[e.Object]; ok {
				add(j, s, "missed the lost signal: "+at(s))
				add(s, j, "missed by the wait: "+at(j))
				flows = append(flows, wakeFlow{From: s, To: j, Missed: true})
			}
		case e.Op == op.Signal && !e.Failed:
			delete(lost, e.Object)
			woken[e.Arg] = j
		case e.Op == op.Broadcast && !e.Failed:
			delete(lost, e.Object)
			for _, a := range sortedKeys(waitingOn) {
				if waitingOn[a] == e.Object {
					woken[a] = j
				}
			}
		case (e.Op == op.Signal || e.Op == op.Broadcast) && e.Failed:
			lost[e.Object] = j
		case e.Op == op.Wake:
			delete(waitingOn, e.Actor)
			if s, ok := woken[e.Actor]; ok {
				add(s, j, "woke: "+at(j))
				add(j, s, "woken by: "+at(s))
				flows = append(flows, wakeFlow{From: s, To: j})
				delete(woken, e.Actor)
			}
		}
		// After the wake's own links: a wake links to its signal first.
		switch m, take, ok := mutexStep(e); {
		case ok && take:
			acquired(j, m)
		case ok:
			released[m] = j
		}
	}
	return links, flows
}

// sortedKeys returns m's keys in increasing order, so that walking a map
// stays deterministic.
func sortedKeys(m map[int]int) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// causeEvents returns the indices of the events that caused t's finding,
// in order: the events of the steps in Finding.Cause (the first that is not
// a protocol event at each step), and what the structure shows whatever
// the runtime recorded (a deadlock's: the steps that took the mutexes of
// its cycle); for a deadlock without them, the lock events of the mutexes
// still held at the end; for a lost wakeup or a deadlock, the wait the
// finding's actor never woke from and the last signal or broadcast on its
// condition variable (the lost one if any).
// Empty if t has no finding or nothing points at a cause.
func causeEvents(t *Trace) []int {
	f := t.Finding
	if f == nil {
		return nil
	}
	var out []int
	for _, s := range f.Cause {
		i, ok := slices.BinarySearchFunc(t.Events, s, func(e Event, s int) int { return e.Step - s })
		if !ok {
			continue
		}
		first := i
		for ; i < len(t.Events) && t.Events[i].Step == s && t.Events[i].Op == op.Event; i++ {
		}
		if i == len(t.Events) || t.Events[i].Step != s {
			i = first
		}
		out = append(out, i)
	}
	if f.Kind == "deadlock" && len(f.Cause) == 0 { // a trace from before Cause
		for _, h := range holdSpans(t) {
			if h.open {
				out = append(out, h.from)
			}
		}
	}
	if f.Kind == "lost-wakeup" || f.Kind == "deadlock" {
		if a := f.Actor; a >= 0 {
			wait := -1
			for j, e := range t.Events {
				switch {
				case e.Actor == a && e.Op == op.Wait:
					wait = j
				case e.Actor == a && e.Op == op.Wake:
					wait = -1
				}
			}
			if wait >= 0 {
				out = append(out, wait)
				c, last := t.Events[wait].Object, -1
				for j, e := range t.Events {
					if (e.Op == op.Signal || e.Op == op.Broadcast) && e.Object == c && (last < 0 || e.Failed || !t.Events[last].Failed) {
						last = j
					}
				}
				if last >= 0 {
					out = append(out, last)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ownership follows which mutexes every actor holds, event by event, from
// the structure of the events (see mutexStep); upgradeV1 uses it to infer
// a version-1 wait's mutex.
type ownership struct {
	t    *Trace
	held [][]int // per actor, the mutexes it holds in the order it took them
}

func newOwnership(t *Trace) *ownership {
	n := len(t.Actors)
	return &ownership{t: t, held: make([][]int, n)}
}

// apply applies what e takes or releases.
func (st *ownership) apply(e Event) {
	a := e.Actor
	m, take, ok := mutexStep(e)
	if !ok || a < 0 || a >= len(st.held) {
		return
	}
	switch i := slices.Index(st.held[a], m); {
	case take && i < 0 && isMutex(st.t, m):
		st.held[a] = append(st.held[a], m)
	case !take && i >= 0:
		st.held[a] = slices.Delete(st.held[a], i, i+1)
	}
}
