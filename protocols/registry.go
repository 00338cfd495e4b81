// Package protocols is the registry of the protocols simrun ships: each
// with its variants, their expected verdicts, its parameters and how to
// build a scenario from them. The protocols themselves live in the
// subpackages; this package only lists them, for the command line and for
// tests that sweep every variant.
package protocols

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/simrun/simrun/protocols/broadcast"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/lockfree"
	"github.com/simrun/simrun/protocols/mutexqueue"
	"github.com/simrun/simrun/protocols/replay"
	"github.com/simrun/simrun/sim"
)

// Params are the command-line parameters of a scenario. A protocol uses the
// ones it lists in Protocol.Params and ignores the rest; a trace stores
// those it uses.
type Params struct {
	Threads   int  `json:"threads,omitempty"`    // group commit: client threads
	Txns      int  `json:"txns,omitempty"`       // group commit: transactions per thread
	Engines   int  `json:"engines,omitempty"`    // group commit: storage engines (1 or 2)
	Readers   int  `json:"readers,omitempty"`    // group commit: consistent-snapshot readers
	Crash     bool `json:"crash,omitempty"`      // group commit: crash at a chosen step, then recover
	XidErrors bool `json:"xid_errors,omitempty"` // group commit: group_log_xid may fail
	NoOracles bool `json:"no_oracles,omitempty"` // xenstore: record no per-request history and run no oracle (measurements at scale)
	VMs       int  `json:"vms,omitempty"`        // xenstore: simulated VMs (the toolstack workload)
	// xenstore, random workload (no VMs): Threads are its clients, Txns
	// its units (a transaction or a single request) per client, and
	// WorkloadSeed its generator seed (0: every execution draws its own
	// workload through the strategy; see replay.RegistryScenario).
	WorkloadSeed uint64 `json:"workload_seed,omitempty"`
}

// Protocol describes one protocol family.
type Protocol struct {
	Name     string
	Doc      string
	Variants []sim.Variant
	// Params names the parameters that apply, as on the command line
	// (threads, txns, engines, readers, crash, xid-errors, vms,
	// workload-seed, oracles).
	Params []string
	// Defaults are the parameters of a run that sets none.
	Defaults Params
	// Cost is the default cost model (zero: untimed).
	Cost sim.Cost
	// Runs is the default number of executions of `simrun run` per
	// strategy for one variant.
	Runs int
	// MaxSteps is the default step bound of one execution (0: the
	// runtime's default).
	MaxSteps int
	// Build makes the scenario of a variant.
	Build func(variant string, p Params) (sim.Scenario, error)
	// Stats, if set, summarizes one execution's history as named numbers
	// (commits, retries, ...); `simrun run` reports their means.
	Stats func(h *sim.History) map[string]float64
}

// Uses reports whether the protocol takes the named parameter.
func (p *Protocol) Uses(param string) bool {
	for _, q := range p.Params {
		if q == param {
			return true
		}
	}
	return false
}

// Config returns the JSON of the parameters the protocol uses, for traces.
func (p *Protocol) Config(ps Params) json.RawMessage {
	var keep Params
	if p.Uses("threads") {
		keep.Threads = ps.Threads
	}
	if p.Uses("txns") {
		keep.Txns = ps.Txns
	}
	if p.Uses("engines") {
		keep.Engines = ps.Engines
	}
	if p.Uses("readers") {
		keep.Readers = ps.Readers
	}
	if p.Uses("crash") {
		keep.Crash = ps.Crash
	}
	if p.Uses("xid-errors") {
		keep.XidErrors = ps.XidErrors
	}
	if p.Uses("vms") {
		keep.VMs = ps.VMs
	}
	if p.Uses("workload-seed") {
		keep.WorkloadSeed = ps.WorkloadSeed
	}
	if p.Uses("oracles") {
		keep.NoOracles = ps.NoOracles
	}
	b, _ := json.Marshal(keep)
	return b
}

// All lists every protocol, in the order the CLI shows them.
var All = []*Protocol{
	{
		Name:     "lockfree",
		Doc:      "MWL#116 draft: lock-free enqueue_atomic queue, per-thread LOCK_commit_ordered/COND_commit_ordered wakeup",
		Variants: lockfree.Variants,
		Params:   []string{"threads", "txns"},
		Defaults: Params{Threads: 4, Txns: 1, Engines: 1},
		Runs:     200000,
		Build: func(v string, p Params) (sim.Scenario, error) {
			return lockfree.Scenario(v, groupcommit.Config{Threads: p.Threads, Txns: p.Txns, Engines: 1})
		},
	},
	groupCommit("mutexqueue",
		"MWL#116 approach 1: queue under LOCK_prepare_ordered; the review's final algorithm, what MariaDB shipped, the no-group-commit baseline, seeded bugs",
		mutexqueue.Variants, mutexqueue.Scenario),
	groupCommit("broadcast",
		"Sergei's one condition per queue: members wait on the group leader's COND_commit_ordered, one broadcast; literal, repaired, naive",
		broadcast.Variants, broadcast.Scenario),
	{
		Name:     "replay",
		Doc:      "oxenstored transactions: persistent store, lowpath merge, replay upon conflict; -vms N runs the xs_bench toolstack workload, else random workloads of -threads clients with -txns units each, drawn per execution (or the one -workload-seed makes)",
		Variants: replay.SimVariants,
		Params:   []string{"vms", "threads", "txns", "workload-seed", "oracles"},
		Cost:     replay.DefaultCost,
		MaxSteps: 100_000_000, // merge-only at 301 VMs takes 6.5 million steps; liveness is the retry bound's job
		Runs:     20000,
		Build: func(v string, p Params) (sim.Scenario, error) {
			return replay.RegistryScenario(v, p.VMs, replay.RandomConfig{Clients: p.Threads, Units: p.Txns, Seed: p.WorkloadSeed}, p.NoOracles)
		},
		Stats: replay.StatsOf,
	},
}

// groupCommit is the entry of a group-commit protocol that takes every
// fault and reader option: the command-line parameters map one to one to
// its configuration.
func groupCommit(name, doc string, variants []sim.Variant, scenario func(string, groupcommit.Config) (sim.Scenario, error)) *Protocol {
	return &Protocol{
		Name:     name,
		Doc:      doc,
		Variants: variants,
		Params:   []string{"threads", "txns", "engines", "readers", "crash", "xid-errors"},
		Defaults: Params{Threads: 4, Txns: 2, Engines: 1},
		Runs:     100000,
		Build: func(v string, p Params) (sim.Scenario, error) {
			return scenario(v, groupcommit.Config{Threads: p.Threads, Txns: p.Txns, Engines: p.Engines,
				Readers: p.Readers, Crash: p.Crash, XidErrors: p.XidErrors})
		},
	}
}

// Lookup returns the protocol named name.
func Lookup(name string) (*Protocol, error) {
	var names []string
	for _, p := range All {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("unknown protocol %q (known: %s)", name, strings.Join(names, ", "))
}

// Scenario looks up a protocol and variant and builds the scenario from the
// protocol's defaults overridden by the non-zero fields of p.
func Scenario(protocol, variant string, p Params) (*Protocol, sim.Scenario, Params, error) {
	proto, err := Lookup(protocol)
	if err != nil {
		return nil, nil, p, err
	}
	if _, err := sim.FindVariant(proto.Variants, variant); err != nil {
		return nil, nil, p, fmt.Errorf("protocol %s: %w", protocol, err)
	}
	p = proto.Merge(p)
	s, err := proto.Build(variant, p)
	if err != nil {
		return nil, nil, p, fmt.Errorf("%s/%s: %w", protocol, variant, err)
	}
	return proto, s, p, nil
}

// Merge fills the zero fields of p from the protocol's defaults.
func (proto *Protocol) Merge(p Params) Params {
	d := proto.Defaults
	if p.Threads == 0 {
		p.Threads = d.Threads
	}
	if p.Txns == 0 {
		p.Txns = d.Txns
	}
	if p.Engines == 0 {
		p.Engines = d.Engines
	}
	if p.Readers == 0 {
		p.Readers = d.Readers
	}
	if p.VMs == 0 {
		p.VMs = d.VMs
	}
	return p
}
