// Package traces defines the simrun trace file: a versioned JSON document
// that records everything needed to re-run one execution exactly (the
// scenario, its configuration, the strategy and every decision) and what
// happened in it (the labelled events and the finding). It encodes and
// decodes traces, validates them, and renders them as a text timeline, an
// HTML page, or a Chrome Trace Event Format file for Perfetto.
//
// The package runs nothing itself: replay is done by the runtime, which
// reads Decisions back through a replay strategy and compares the events it
// produces with Events.
//
// # Format, version 2
//
// A trace is one JSON object. Its header fields are format ("simrun-trace"),
// version (2), tool, protocol, variant, config (the protocol's parameters,
// as the protocol encodes them), options, strategy, run and finding; then
// actors (names by id), objects (id, kind, name; id equal to the index),
// decisions (the index chosen at every decision point) and events. Encode
// writes one header field per line and one object or event per line, so
// that two traces diff well.
//
// An event has a step (1-based, never decreasing), an actor (-1: the
// runtime), an op (an op.Op by name: "lock", "wait", "event"...), an object
// (-1: none), a time (virtual nanoseconds) and a value, which is for people
// only: no program reads meaning out of it. What a renderer or another tool
// needs is structure:
//
//   - arg: for wait and wake, the object id of the mutex the wait releases
//     and the wake re-acquires; for signal, the id of the actor it woke;
//     for join, the id of the actor joined. Every other op has no arg (0,
//     left out).
//   - failed: true when a trylock or cas failed, an unlock or a wait found
//     the mutex not held by its actor, or a signal or broadcast was lost
//     because nobody waited. A lost signal has no arg. Other ops never fail.
//
// The finding has a kind, a message, a detail, the step it was found at
// (0: unknown), an actor: the id of the actor it is about, -1 for none, and
// optionally cause: the steps of the events that caused it. Version 2
// always writes the finding's actor.
//
// # Version 1
//
// Version 1 had no arg and no failed, and left the finding's actor out when
// it was 0, so 0 meant either the first actor or none. Decode still reads
// version 1 and upgrades it in memory, in one place (upgradeV1): it infers
// failed and arg from the values the runtime wrote then ("false" for a
// trylock, "... fails" for a cas, "not held: ..." for an unlock or wait,
// "lost: ..." and "wakes NAME" for a signal or broadcast), the mutex a wait
// released from the mutexes its actor held (the one its condition variable
// was used with before, the only one held, the one whose name matches the
// condition variable's after the first "_", else the last taken; -1 if
// none), the joined actor from the join's actor object, and a finding actor
// 0 as none unless the message starts with the first actor's name. An arg
// that cannot be inferred is -1, which only a version-1 trace may hold.
//
// The upgraded trace keeps Version 1, so that the runtime knows to compare
// neither arg nor failed when it replays it (they are guesses), and Encode
// writes it back as version 1, without them. Renderers read structure only,
// whatever the version.
package traces

import (
	"encoding/json"

	"github.com/simrun/simrun/op"
)

// Format and Version identify the file format. Version changes whenever a
// trace written by an older simrun could replay differently or mean
// something else; Decode also reads MinVersion and later.
const (
	Format     = "simrun-trace"
	Version    = 2
	MinVersion = 1
)

// Trace is one recorded execution.
type Trace struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Tool    string `json:"tool"` // the simrun version that wrote it

	Protocol string          `json:"protocol"`
	Variant  string          `json:"variant"`
	Config   json.RawMessage `json:"config,omitempty"` // protocol parameters, as the protocol encodes them
	Options  Options         `json:"options"`          // runtime options that change the execution
	Strategy Strategy        `json:"strategy"`
	Run      int             `json:"run"` // the execution's number in its exploration

	Finding *Finding `json:"finding,omitempty"`

	Actors  []string `json:"actors"`  // actor names by id
	Objects []Object `json:"objects"` // shared objects by id: Objects[i].ID == i

	// Decisions holds the index chosen at every decision point, in order:
	// scheduling choices, spurious wakeups, Choose values and Signal targets.
	Decisions []int   `json:"decisions"`
	Events    []Event `json:"events"`
}

// Options are the runtime options recorded in a trace.
type Options struct {
	Spurious     bool              `json:"spurious"`                // spurious wakeups on offer
	MaxSpurious  int               `json:"max_spurious,omitempty"`  // per execution
	MaxSteps     int               `json:"max_steps"`               // livelock bound
	Races        bool              `json:"races,omitempty"`         // the data-race detector was on
	Unfair       bool              `json:"unfair,omitempty"`        // the fair scheduling rule was off
	TimerHorizon int64             `json:"timer_horizon,omitempty"` // ns; timers due later than this fired only when no goroutine could progress
	Cost         map[string]string `json:"cost,omitempty"`          // cost-model parameters that differ from zero
}

// Strategy identifies the strategy that produced the trace. It has the
// fields of scheduler.Spec, in the same order, so that each converts to the
// other (scheduler.Spec(t.Strategy)) without traces importing scheduler.
type Strategy struct {
	Name  string `json:"name"`
	Seed  uint64 `json:"seed"`
	Depth int    `json:"depth,omitempty"` // pct: bug depth d
	Steps int    `json:"steps,omitempty"` // pct: expected steps k
	Bound *int   `json:"bound,omitempty"` // dfs, dpor: preemption bound (nil: none)
	// surw: estimated steps per object and actor, "3:0/2/2;7:1/1/1"
	Events string `json:"events,omitempty"`
}

// UnmarshalJSON reads a strategy, including one written before Bound
// existed: such a DFS or DPOR trace stored its preemption bound in depth
// (negative for none). An old DFS trace of bound 0 stored nothing and reads
// as unbounded; the strategy is only the trace's header, replay follows
// the decisions.
func (s *Strategy) UnmarshalJSON(b []byte) error {
	type plain Strategy
	var p struct {
		plain
		Depth *int `json:"depth"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*s = Strategy(p.plain)
	if p.Depth == nil {
		return nil
	}
	s.Depth = *p.Depth
	if (s.Name == "dfs" || s.Name == "dpor") && s.Bound == nil {
		if s.Depth >= 0 {
			bound := s.Depth
			s.Bound = &bound
		}
		s.Depth = 0
	}
	return nil
}

// Object is a shared object of the execution.
type Object struct {
	ID   int    `json:"id"`
	Kind string `json:"kind"` // mutex, cond, atomic, var, actor, object, resource, choose
	Name string `json:"name"`
}

// Event is one labelled thing that happened: a visible step, a spurious
// wakeup, a Choose value, or a protocol event recorded by actor code.
type Event struct {
	Step   int    `json:"step"`             // the visible step it belongs to (1-based)
	Actor  int    `json:"actor"`            // actor id, -1 for the runtime itself
	Op     op.Op  `json:"op"`               // the operation; op.Event for Record
	Object int    `json:"object"`           // object id, -1 for none
	Arg    int    `json:"arg,omitempty"`    // Wait/Wake: the mutex's object; Signal: the actor woken; Join: the actor joined
	Failed bool   `json:"failed,omitempty"` // TryLock or CAS failed, Unlock or Wait of a mutex not held, Signal or Broadcast lost
	Value  string `json:"value,omitempty"`  // for people: values read, written or recorded; never parsed
	Time   int64  `json:"time,omitempty"`   // virtual time, in nanoseconds
}

// Finding is the verdict recorded with the trace.
type Finding struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
	Step    int    `json:"step,omitempty"`
	Actor   int    `json:"actor"` // the actor it is about, -1 for none; always written
	// Cause holds the steps of the events that caused the finding, as the
	// runtime knows them: a race's two accesses, the lost signal of a lost
	// wakeup. Viewers open there. Optional (added in version 2 without a
	// version change: older readers ignore it).
	Cause []int `json:"cause,omitempty"`
}
