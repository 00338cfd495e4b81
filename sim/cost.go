package sim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Cost is the runtime's cost model: what any scenario's operations cost in
// virtual time. The zero Cost prices everything at zero, so that time never
// constrains which interleavings are possible; that is the default for
// checking. A protocol's own prices (an fsync, a server's request) are not
// the runtime's business: each protocol family keeps them in a cost type
// of its own, described by a CostModel like CostParams, and spends them
// with Sleep or Resource.Use.
//
// How time works: every actor has a time at which it is ready; an actor is
// enabled only when the global clock has reached it. When no actor is
// enabled but some wait only for time, the clock jumps to the earliest of
// them. Work and the per-operation CPU cost need one of CPUs processors; I/O
// (Sleep) needs none. An actor woken by a Signal, a Broadcast, a mutex
// hand-off or a Join runs only WakeLatency after the wakeup.
type Cost struct {
	// OpCPU is the CPU time every visible operation costs its actor.
	OpCPU Duration
	// WakeLatency is the time from a wakeup (Signal, Broadcast, mutex
	// hand-off to a blocked locker, Join) until the woken actor runs.
	WakeLatency Duration
	// CPUs limits how many actors make CPU progress at once; 0 is unlimited.
	CPUs int
}

// CostDoc documents one named cost parameter, as the command line names it
// (-cost name=value).
type CostDoc struct {
	Name string
	Doc  string
	// Reference is the value simrun bench uses, and Source says where it
	// comes from. Checking runs default to zero cost.
	Reference string
	Source    string
}

// CostParam is one named parameter of a cost model C: the runtime's (Cost)
// or a protocol family's own. It is generic so that each family can
// publish its prices, their reference values and their sources in the
// same form as the runtime without the runtime knowing its words.
type CostParam[C any] struct {
	CostDoc
	// Exactly one of Dur and Num is set: it returns the parameter's field
	// in a C.
	Dur func(c *C) *Duration
	Num func(c *C) *int
}

// CostModel lists the parameters of a cost model C.
type CostModel[C any] []CostParam[C]

// CostParams lists the parameters of the runtime's cost model, as named
// on the command line (-cost name=value).
var CostParams = CostModel[Cost]{
	{CostDoc: CostDoc{Name: "op", Doc: "CPU time of every visible operation",
		Reference: "1us", Source: "order of magnitude of a futex syscall plus the bookkeeping around one protocol step (a lock, a flag, a list link) on 2011-era x86; an estimate, not a measurement"},
		Dur: func(c *Cost) *Duration { return &c.OpCPU }},
	{CostDoc: CostDoc{Name: "wake", Doc: "latency from a wakeup (signal, broadcast, mutex hand-off, join) until the woken actor runs",
		Reference: "5us", Source: "half a round trip of `perf bench sched pipe` (two futex wakeups and context switches, about 10 us per round trip on x86 Linux servers)"},
		Dur: func(c *Cost) *Duration { return &c.WakeLatency }},
	{CostDoc: CostDoc{Name: "cpus", Doc: "processors: how many actors make CPU progress at once (0 = unlimited)",
		Reference: "12", Source: "the 12-core server of Kristian Nielsen's thread-scheduling benchmark (reference notes §2)"},
		Num: func(c *Cost) *int { return &c.CPUs }},
}

// Docs returns the documentation of every parameter, in order.
func (m CostModel[C]) Docs() []CostDoc {
	d := make([]CostDoc, len(m))
	for i, p := range m {
		d[i] = p.CostDoc
	}
	return d
}

// Names returns the parameter names, in order.
func (m CostModel[C]) Names() []string {
	n := make([]string, len(m))
	for i, p := range m {
		n[i] = p.Name
	}
	return n
}

// Has reports whether the model has a parameter called name.
func (m CostModel[C]) Has(name string) bool {
	for _, p := range m {
		if p.Name == name {
			return true
		}
	}
	return false
}

// Check reports whether FromMap accepts values: every name the model's,
// every value well-formed.
func (m CostModel[C]) Check(values map[string]string) error {
	_, err := m.FromMap(values)
	return err
}

// Reference returns the cost model with every parameter at its documented
// reference value: what simrun bench prices with unless told otherwise.
// The values are fixed; none is fitted to a published result.
func (m CostModel[C]) Reference() C {
	var c C
	for _, p := range m {
		if err := m.Set(&c, p.Name, p.Reference); err != nil {
			panic("sim: bad reference cost: " + err.Error())
		}
	}
	return c
}

// Set sets the named parameter of c from a string such as "2ms" or "4".
func (m CostModel[C]) Set(c *C, name, value string) error {
	for _, p := range m {
		if p.Name != name {
			continue
		}
		if p.Num != nil {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return fmt.Errorf("cost %s: want a whole number >= 0, got %q", name, value)
			}
			*p.Num(c) = n
			return nil
		}
		d, err := ParseDuration(value)
		if err != nil {
			return fmt.Errorf("cost %s: %w", name, err)
		}
		*p.Dur(c) = d
		return nil
	}
	return fmt.Errorf("unknown cost parameter %q (known: %s)", name, strings.Join(m.Names(), ", "))
}

// Map returns the non-zero parameters of c as strings, for trace headers;
// nil when every parameter is zero.
func (m CostModel[C]) Map(c C) map[string]string {
	out := map[string]string{}
	for _, p := range m {
		if p.Num != nil {
			if n := *p.Num(&c); n != 0 {
				out[p.Name] = strconv.Itoa(n)
			}
		} else if d := *p.Dur(&c); d != 0 {
			out[p.Name] = d.String()
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// FromMap is the inverse of Map: absent parameters are zero, and a name
// the model does not have is an error.
func (m CostModel[C]) FromMap(values map[string]string) (C, error) {
	var c C
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := m.Set(&c, k, values[k]); err != nil {
			return c, err
		}
	}
	return c, nil
}

// ReferenceCost returns the runtime's cost model with every parameter at
// its documented reference value (CostDoc.Reference).
func ReferenceCost() Cost { return CostParams.Reference() }

// Set sets the named parameter from a string such as "2ms" or "4".
func (c *Cost) Set(name, value string) error { return CostParams.Set(c, name, value) }

// ParseCostAssignments parses command-line cost assignments, "name=value"
// each (spaces around the name allowed), and passes them to set in order,
// stopping at the first error. It is the one parser of -cost, whatever
// set fills: a Cost (Cost.Set), a protocol's costs, every part of bench's.
func ParseCostAssignments(assignments []string, set func(name, value string) error) error {
	for _, a := range assignments {
		name, value, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("cost %q: want name=value", a)
		}
		if err := set(strings.TrimSpace(name), value); err != nil {
			return err
		}
	}
	return nil
}

// Map returns the non-zero parameters as strings, for trace headers.
func (c Cost) Map() map[string]string { return CostParams.Map(c) }

// CostFromMap is the inverse of Map. A name that is not the runtime's (a
// protocol's cost, such as a version-1 trace's "fsync") is an error: the
// protocol registry moves those into the protocol's configuration first.
func CostFromMap(m map[string]string) (Cost, error) { return CostParams.FromMap(m) }

// timed reports whether any latency is non-zero.
func (c *Cost) timed() bool { return c.OpCPU != 0 || c.WakeLatency != 0 }
