// Package traces defines the simrun trace file: a versioned JSON document
// that records everything needed to re-run one execution exactly (the
// scenario, its configuration, the strategy and every decision) and what
// happened in it (the labelled events and the finding). It encodes and
// decodes traces, validates them, and renders them as a text timeline.
//
// The package runs nothing itself: replay is done by the runtime, which
// reads Decisions back through a replay strategy and compares the events it
// produces with Events.
package traces

import (
	"encoding/json"

	"github.com/simrun/simrun/op"
)

// Format and Version identify the file format. Version changes whenever a
// trace written by an older simrun could replay differently.
const (
	Format  = "simrun-trace"
	Version = 1
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
	Spurious    bool              `json:"spurious"`               // spurious wakeups on offer
	MaxSpurious int               `json:"max_spurious,omitempty"` // per execution
	MaxSteps    int               `json:"max_steps"`              // livelock bound
	Races       bool              `json:"races,omitempty"`        // the data-race detector was on
	Cost        map[string]string `json:"cost,omitempty"`         // cost-model parameters that differ from zero
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
	Failed bool   `json:"failed,omitempty"` // TryLock or CAS failed, Unlock of a mutex not held, Signal or Broadcast lost
	Value  string `json:"value,omitempty"`  // for people: values read, written or recorded; never parsed
	Time   int64  `json:"time,omitempty"`   // virtual time, in nanoseconds
}

// Finding is the verdict recorded with the trace.
type Finding struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
	Step    int    `json:"step,omitempty"`
	Actor   int    `json:"actor,omitempty"`
}
