package sim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/simrun/simrun/op"
)

// This file is coverage: what a clean verdict covered. Every execution
// marks, per shared object, the kinds of visible operation that were
// performed on it, and keeps the largest value of each probe (Probe); the
// exploration unions them over the executions it numbers, so the result
// does not depend on the worker count. A correct protocol whose condition
// wait was never reached, or whose groups never grew beyond one thread,
// passes vacuously: Coverage.Warnings says so. All of it is off unless
// Options.Coverage asks for it: marking costs work on every step, and
// keeping an execution's marks until it is numbered costs a copy.

// covRec is one execution's coverage.
type covRec struct {
	ops    []uint64 // by object id: bit op.Op set when performed on it (every op fits: see below)
	probes []probeMax
}

// This fails to compile once an op.Op (GoWait is the last) no longer fits
// a bit of covRec.ops.
var _ = [1]struct{}{}[op.GoWait/64]

// probeMax is a probe's largest value and its goal.
type probeMax struct {
	Name string
	Max  int
	Goal int
}

// cover marks op kind as performed on object obj.
func (c *covRec) cover(obj int, kind op.Op) {
	if obj < 0 {
		return
	}
	for len(c.ops) <= obj {
		c.ops = append(c.ops, 0)
	}
	c.ops[obj] |= 1 << kind
}

// Probe reports a value of a named quantity of the protocol, such as the
// size of a commit group: the exploration reports its largest value over
// all executions (Report.Coverage). goal, if positive, is the value a
// meaningful exploration must reach: a clean verdict whose probe stayed
// below it is reported as vacuous (Coverage.Warnings). Probe is not a
// visible operation, and does nothing unless Options.Coverage is set.
func (x *Execution) Probe(name string, value, goal int) {
	if !x.opts.Coverage {
		return
	}
	for i := range x.covRec.probes {
		if p := &x.covRec.probes[i]; p.Name == name {
			p.Max, p.Goal = max(p.Max, value), max(p.Goal, goal)
			return
		}
	}
	x.covRec.probes = append(x.covRec.probes, probeMax{Name: name, Max: value, Goal: goal})
}

// Coverage is what an exploration reached: per shared object the
// operations performed on it and those of its kind never performed, the
// largest value of each probe, and warnings of a vacuous pass.
type Coverage struct {
	Objects  []ObjectCoverage `json:"objects"`
	Probes   []ProbeCoverage  `json:"probes,omitempty"`
	Warnings []string         `json:"warnings,omitempty"`
}

// ObjectCoverage is one object's reached and unreached operations.
type ObjectCoverage struct {
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	Reached   []string `json:"reached"`
	Unreached []string `json:"unreached,omitempty"`
}

// ProbeCoverage is a probe's largest value over the exploration.
type ProbeCoverage struct {
	Name string `json:"name"`
	Max  int    `json:"max"`
	Goal int    `json:"goal,omitempty"`
}

// kindOps are the operations an object of each kind offers, for
// "unreached": each entry is reached when any of its ops is (a mutex's
// lock is a Lock, a TryLock or a Cond wakeup's re-acquire; an atomic's
// write is a Store, a CAS or a Swap).
var kindOps = map[string][][]op.Op{
	"mutex":  {{op.Lock, op.TryLock}, {op.Unlock}},
	"cond":   {{op.Wait}, {op.Wake}, {op.Signal, op.Broadcast}},
	"var":    {{op.Read}, {op.Write}},
	"atomic": {{op.Load, op.CAS, op.Swap}, {op.Store, op.CAS, op.Swap}},
	"object": {{op.Call}},
}

// coverSet accumulates coverage over the numbered executions.
type coverSet struct {
	ops    []uint64
	objs   []objInfo // by object id, from the first execution that made it
	probes []probeMax
}

// snapshot copies an execution's coverage, for an execution numbered
// later.
func (c *covRec) snapshot() *covRec {
	return &covRec{ops: slices.Clone(c.ops), probes: slices.Clone(c.probes)}
}

// add folds an execution's coverage in.
func (s *coverSet) add(c *covRec) {
	for len(s.ops) < len(c.ops) {
		s.ops = append(s.ops, 0)
	}
	for i, m := range c.ops {
		s.ops[i] |= m
	}
	for _, p := range c.probes {
		i := slices.IndexFunc(s.probes, func(q probeMax) bool { return q.Name == p.Name })
		if i < 0 {
			s.probes = append(s.probes, p)
			continue
		}
		s.probes[i].Max, s.probes[i].Goal = max(s.probes[i].Max, p.Max), max(s.probes[i].Goal, p.Goal)
	}
}

// names keeps the kinds and names of objects not seen before.
func (s *coverSet) names(objs []objInfo) {
	if len(objs) > len(s.objs) {
		s.objs = append(s.objs, objs[len(s.objs):]...)
	}
}

// coverage formats the accumulated coverage. Actors and Choose sites are
// left out: they are not shared objects.
func (s *coverSet) coverage() *Coverage {
	c := &Coverage{Objects: []ObjectCoverage{}}
	for id, o := range s.objs {
		want, ok := kindOps[o.kind]
		if !ok {
			continue
		}
		var m uint64
		if id < len(s.ops) {
			m = s.ops[id]
		}
		oc := ObjectCoverage{Kind: o.kind, Name: o.name.String(), Reached: []string{}}
		for k := op.Op(0); k.Valid(); k++ {
			if m&(1<<k) != 0 {
				oc.Reached = append(oc.Reached, k.String())
			}
		}
		for _, any := range want {
			hit := false
			var names []string
			for _, k := range any {
				hit = hit || m&(1<<k) != 0
				names = append(names, k.String())
			}
			if !hit {
				oc.Unreached = append(oc.Unreached, strings.Join(names, "|"))
			}
		}
		if o.kind == "cond" && m&(1<<op.Wait) == 0 {
			c.Warnings = append(c.Warnings, fmt.Sprintf("cond %s: no execution reached its wait (the condition variable is dead code here)", oc.Name))
		}
		if o.kind == "mutex" && m&(1<<op.Lock|1<<op.TryLock) == 0 {
			c.Warnings = append(c.Warnings, fmt.Sprintf("mutex %s: never locked", oc.Name))
		}
		c.Objects = append(c.Objects, oc)
	}
	for _, p := range s.probes {
		c.Probes = append(c.Probes, ProbeCoverage(p))
		if p.Goal > 0 && p.Max < p.Goal {
			c.Warnings = append(c.Warnings, fmt.Sprintf("probe %q reached at most %d, below its goal %d: the protocol's point was not exercised", p.Name, p.Max, p.Goal))
		}
	}
	return c
}

// MergeCoverage is the coverage of several explorations together (a
// hunt's strategies): operations reached in any, each probe's largest
// value, and the warnings that still hold.
func MergeCoverage(reps []*Report) *Coverage {
	var s coverSet
	for _, r := range reps {
		if r == nil || r.covSet == nil {
			continue
		}
		s.names(r.covSet.objs)
		s.add(&covRec{ops: r.covSet.ops, probes: r.covSet.probes})
	}
	return s.coverage()
}
