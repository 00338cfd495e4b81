// Package commitlog is the sequential specification of the group-commit
// pipeline, as a porcupine model: the server is a set of committed
// transactions, Commit(txn) adds one (or fails and adds nothing), and
// Snapshot() returns, for every engine, the committed transactions, and
// the binlog position (how many there are).
//
// An operation whose caller never got an answer (the thread was cut off by
// a crash) has the Unknown outcome: it may or may not have taken effect,
// and any answer is accepted for it. Callers must give such operations a
// return time after every other operation (porcupine has no notion of a
// pending call: fed as-is, a call without a return makes a valid history
// look illegal).
//
// Commit order is not part of the state: it is checked by the
// commit-order checker, and leaving it out keeps the search small (sets,
// not permutations).
package commitlog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/anishathalye/porcupine"
)

// Txn identifies a transaction: its thread and its number in the thread.
type Txn struct {
	Thread int
	Seq    int
}

func (t Txn) String() string { return fmt.Sprintf("T%d.%d", t.Thread, t.Seq) }

// Kind is the kind of an operation.
type Kind int

// Operation kinds.
const (
	Commit   Kind = iota // Commit(Txn)
	Snapshot             // START TRANSACTION WITH CONSISTENT SNAPSHOT
	// Recovered is the state after crash recovery, read once at the end:
	// it must be a state of the specification like a snapshot.
	Recovered
)

// Input is an operation's call.
type Input struct {
	Kind Kind
	Txn  Txn // Commit
}

// Status is the outcome of a Commit.
type Status int

// Commit outcomes.
const (
	OK      Status = iota // committed
	Err                   // failed (xid_error): no effect
	Unknown               // never returned: either
)

// Output is an operation's answer.
type Output struct {
	Status  Status
	Engines [][]Txn // Snapshot, Recovered: what each engine holds
	Pos     int     // Snapshot, Recovered: the binlog position
}

// state is the set of committed transactions, as a canonical sorted,
// comma-separated string (comparable, so == is equality).
type state string

func add(s state, t Txn) state {
	set := members(s)
	for _, u := range set {
		if u == t.String() {
			return s
		}
	}
	return state(canonical(append(set, t.String())))
}

func members(s state) []string {
	if s == "" {
		return nil
	}
	return strings.Split(string(s), ",")
}

func canonical(names []string) string {
	sort.Strings(names)
	return strings.Join(names, ",")
}

func setOf(ts []Txn) state {
	names := make([]string, 0, len(ts))
	seen := map[string]bool{}
	for _, t := range ts {
		if n := t.String(); !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if len(names) != len(ts) {
		return "!duplicates"
	}
	return state(canonical(names))
}

func step(st, in, out any) []any {
	s, i, o := st.(state), in.(Input), out.(Output)
	switch i.Kind {
	case Commit:
		switch o.Status {
		case OK:
			return []any{add(s, i.Txn)}
		case Err:
			return []any{s}
		default:
			return []any{s, add(s, i.Txn)}
		}
	default: // Snapshot, Recovered
		if o.Pos != len(members(s)) {
			return nil
		}
		for _, view := range o.Engines {
			if setOf(view) != s {
				return nil
			}
		}
		return []any{s}
	}
}

// Model is the porcupine model of the commit pipeline.
var Model = (&porcupine.NondeterministicModel{
	Init: func() []any { return []any{state("")} },
	Step: step,
	DescribeOperation: func(in, out any) string {
		i, o := in.(Input), out.(Output)
		switch i.Kind {
		case Commit:
			return fmt.Sprintf("Commit(%v) -> %s", i.Txn, [...]string{"ok", "error", "unknown"}[o.Status])
		case Snapshot:
			return fmt.Sprintf("Snapshot() -> pos %d %v", o.Pos, o.Engines)
		default:
			return fmt.Sprintf("Recovered -> pos %d %v", o.Pos, o.Engines)
		}
	},
	DescribeState: func(st any) string { return "{" + string(st.(state)) + "}" },
}).ToModel()
