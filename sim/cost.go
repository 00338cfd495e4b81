package sim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Cost is the cost model: what operations cost in virtual time. The zero
// Cost prices everything at zero, so that time never constrains which
// interleavings are possible; that is the default for checking.
//
// How time works: every actor has a time at which it is ready; an actor is
// enabled only when the global clock has reached it. When no actor is
// enabled but some wait only for time, the clock jumps to the earliest of
// them. Work and the per-operation CPU cost need one of CPUs processors; I/O
// (Sleep, fsync) needs none. An actor woken by a Signal, a Broadcast, a
// mutex hand-off or a Join runs only WakeLatency after the wakeup.
type Cost struct {
	// OpCPU is the CPU time every visible operation costs its actor.
	OpCPU Duration
	// WakeLatency is the time from a wakeup (Signal, Broadcast, mutex
	// hand-off to a blocked locker, Join) until the woken actor runs.
	WakeLatency Duration
	// CPUs limits how many actors make CPU progress at once; 0 is unlimited.
	CPUs int
	// Fsync is the latency of one fsync of a log (no CPU).
	Fsync Duration
	// Request is the service time of one request at a single-threaded
	// server (xenstored).
	Request Duration
	// Retry is a client's turnaround between a failed transaction and its
	// retry.
	Retry Duration
	// EngineFsync is the latency of a storage engine's own log fsync in
	// prepare() (innodb_flush_log_at_trx_commit=1), no CPU. Zero leaves
	// prepare() without a step of its own.
	EngineFsync Duration
}

// CostParam describes one named parameter of the cost model.
type CostParam struct {
	Name string
	Doc  string
	// Reference is the value simrun bench uses (ReferenceCost), and Source
	// says where it comes from. Checking runs default to zero cost.
	Reference string
	Source    string
	dur       func(c *Cost) *Duration
	num       func(c *Cost) *int
}

// CostParams lists the parameters of the cost model, as named on the
// command line (-cost name=value).
var CostParams = []CostParam{
	{Name: "op", Doc: "CPU time of every visible operation", dur: func(c *Cost) *Duration { return &c.OpCPU },
		Reference: "1us", Source: "order of magnitude of a futex syscall plus the bookkeeping around one protocol step (a lock, a flag, a list link) on 2011-era x86; an estimate, not a measurement"},
	{Name: "wake", Doc: "latency from a wakeup (signal, broadcast, mutex hand-off, join) until the woken actor runs", dur: func(c *Cost) *Duration { return &c.WakeLatency },
		Reference: "5us", Source: "half a round trip of `perf bench sched pipe` (two futex wakeups and context switches, about 10 us per round trip on x86 Linux servers)"},
	{Name: "cpus", Doc: "processors: how many actors make CPU progress at once (0 = unlimited)", num: func(c *Cost) *int { return &c.CPUs },
		Reference: "12", Source: "the 12-core server of Kristian Nielsen's thread-scheduling benchmark (reference notes §2)"},
	{Name: "fsync", Doc: "latency of one log fsync (no CPU)", dur: func(c *Cost) *Duration { return &c.Fsync },
		Reference: "10ms", Source: "a rotating disk with its write cache off (Percona's RAID10, reference notes §2): about one revolution (8.3 ms at 7200 rpm) plus settle, the usual ~100 synchronous writes/s"},
	{Name: "request", Doc: "service time of one request at a single-threaded server", dur: func(c *Cost) *Duration { return &c.Request },
		Reference: "100us", Source: "order of magnitude of a Unix-socket round trip plus an in-memory tree operation in OCaml; ratios of request-bound runs do not depend on it"},
	{Name: "retry", Doc: "client turnaround between a failed transaction and its retry", dur: func(c *Cost) *Duration { return &c.Retry },
		Reference: "0s", Source: "xs_bench re-runs the transaction closure at once on EAGAIN (reference notes §4); its round trips are priced as requests"},
	{Name: "engine-fsync", Doc: "latency of a storage engine's own log fsync in prepare() (innodb_flush_log_at_trx_commit=1; no CPU)", dur: func(c *Cost) *Duration { return &c.EngineFsync },
		Reference: "10ms", Source: "the same disk as fsync: every published benchmark ran with innodb_flush_log_at_trx_commit=1 (reference notes §2)"},
}

// ReferenceCost returns the cost model with every parameter at its
// documented reference value (CostParam.Reference): what simrun bench
// prices with unless told otherwise. The values are fixed; none is fitted
// to a published result.
func ReferenceCost() Cost {
	var c Cost
	for _, p := range CostParams {
		if err := c.Set(p.Name, p.Reference); err != nil {
			panic("sim: bad reference cost: " + err.Error())
		}
	}
	return c
}

// Set sets the named parameter from a string such as "2ms" or "4".
func (c *Cost) Set(name, value string) error {
	for _, p := range CostParams {
		if p.Name != name {
			continue
		}
		if p.num != nil {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return fmt.Errorf("cost %s: want a whole number >= 0, got %q", name, value)
			}
			*p.num(c) = n
			return nil
		}
		d, err := ParseDuration(value)
		if err != nil {
			return fmt.Errorf("cost %s: %w", name, err)
		}
		*p.dur(c) = d
		return nil
	}
	names := make([]string, len(CostParams))
	for i, p := range CostParams {
		names[i] = p.Name
	}
	return fmt.Errorf("unknown cost parameter %q (known: %s)", name, strings.Join(names, ", "))
}

// ParseAssignment applies "name=value" to c.
func (c *Cost) ParseAssignment(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("cost %q: want name=value", s)
	}
	return c.Set(strings.TrimSpace(name), value)
}

// Map returns the non-zero parameters as strings, for trace headers.
func (c Cost) Map() map[string]string {
	m := map[string]string{}
	for _, p := range CostParams {
		if p.num != nil {
			if n := *p.num(&c); n != 0 {
				m[p.Name] = strconv.Itoa(n)
			}
		} else if d := *p.dur(&c); d != 0 {
			m[p.Name] = d.String()
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// FromMap is the inverse of Map.
func CostFromMap(m map[string]string) (Cost, error) {
	var c Cost
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := c.Set(k, m[k]); err != nil {
			return c, err
		}
	}
	return c, nil
}

// timed reports whether any latency is non-zero.
func (c *Cost) timed() bool { return c.OpCPU != 0 || c.WakeLatency != 0 }
