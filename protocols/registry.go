// Package protocols is the registry of the protocols simrun ships: each
// with its variants, their expected verdicts, its parameters and how to
// build a scenario from them. The protocols themselves live in the
// subpackages; this package only lists them, for the command line and for
// tests that sweep every variant.
package protocols

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/simrun/simrun/protocols/broadcast"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/groupdelay"
	"github.com/simrun/simrun/protocols/inorder"
	"github.com/simrun/simrun/protocols/lockfree"
	"github.com/simrun/simrun/protocols/mutexqueue"
	"github.com/simrun/simrun/protocols/replay"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
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
	// Doms are the domains of the random xenstore workload's clients
	// (client i is domain i mod Doms); 0, as in traces recorded before
	// the parameter, is the workload they were recorded with (see
	// replay.RegistryScenario). The command line gives 2.
	Doms int `json:"doms,omitempty"`
	// Workload names a fixed xenstore workload ("write-skew") instead of
	// the toolstack or random one; see replay.RegistryScenario.
	Workload string `json:"workload,omitempty"`
	// Cost holds the protocol family's own cost parameters, by their
	// -cost names ("fsync": "10ms"); the runtime's (op, wake, cpus) are
	// sim.Cost. nil takes the protocol's Defaults.Cost; a non-nil map, even
	// empty, is the whole of them (a parameter it leaves out is zero), as
	// -cost replaces the default cost model. A name the protocol's family
	// does not price is an error.
	Cost map[string]string `json:"cost,omitempty"`
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
	// Cost is the default runtime cost model (zero: untimed); the
	// protocol's own default costs are Defaults.Cost.
	Cost sim.Cost
	// Costs is the cost model of the protocol's family, beyond the
	// runtime's (sim.CostParams): what Params.Cost may name.
	Costs CostFamily
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
	if p.Uses("workload") {
		keep.Workload = ps.Workload
	}
	if p.Uses("doms") {
		keep.Doms = ps.Doms
	}
	if p.Uses("oracles") {
		keep.NoOracles = ps.NoOracles
	}
	keep.Cost = ps.Cost
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
		Costs:    groupcommit.CostParams,
		Runs:     200000,
		Build: func(v string, p Params) (sim.Scenario, error) {
			cost, err := groupcommit.CostParams.FromMap(p.Cost)
			if err != nil {
				return nil, err
			}
			return lockfree.Scenario(v, groupcommit.Config{Threads: p.Threads, Txns: p.Txns, Engines: 1, Cost: cost})
		},
	},
	groupCommit("mutexqueue",
		"MWL#116 approach 1: queue under LOCK_prepare_ordered; the review's final algorithm, what MariaDB shipped, the no-group-commit baseline, seeded bugs",
		mutexqueue.Variants, mutexqueue.Scenario),
	groupCommit("broadcast",
		"Sergei's one condition per queue: members wait on the group leader's COND_commit_ordered, one broadcast; literal, repaired, naive",
		broadcast.Variants, broadcast.Scenario),
	{
		Name:     "inorder",
		Doc:      "MariaDB in-order commit for parallel replication: worker i commits the stream's i-th transaction after the (i-1)-th (wait_for_commit, queued_by_other), kills during the prior-commit wait, the wait_for_commit's lifetime, binlog rotate and its delayed error, fsync errors, crash recovery across rotate (binlog checkpoints)",
		Variants: inorder.Variants,
		Params:   []string{"threads", "engines"},
		Defaults: Params{Threads: 3, Txns: 1, Engines: 1},
		Runs:     20000, // a checking model: its I/O is unpriced
		Build: func(v string, p Params) (sim.Scenario, error) {
			return inorder.Scenario(v, groupcommit.Config{Threads: p.Threads, Txns: 1, Engines: p.Engines})
		},
	},
	{
		Name:     "groupdelay",
		Doc:      "MariaDB's group commit delay (binlog_commit_wait_count/usec, timed wait on COND_prepare_ordered) with every transaction updating one row: has_waiter cut short by a row-lock waiter (184f718f), or not",
		Variants: groupdelay.Variants,
		Params:   []string{"threads", "txns"},
		Defaults: Params{Threads: 2, Txns: 1, Engines: 1},
		Runs:     20000,
		Build: func(v string, p Params) (sim.Scenario, error) {
			return groupdelay.Scenario(v, groupcommit.Config{Threads: p.Threads, Txns: p.Txns, Engines: 1})
		},
	},
	{
		Name:     "replay",
		Doc:      "oxenstored transactions: persistent store, lowpath merge, replay upon conflict; -vms N runs the xs_bench toolstack workload, else random workloads of -threads clients (dom0 and guests, -doms) with -txns units each, drawn per execution (or the one -workload-seed makes)",
		Variants: replay.SimVariants,
		Params:   []string{"vms", "threads", "txns", "workload-seed", "workload", "oracles", "doms"},
		// Requests are priced by default, so that clients interleave at
		// the server as they queue there.
		Defaults: Params{Cost: replay.CostParams.Map(replay.ReferenceCost())},
		Costs:    replay.CostParams,
		MaxSteps: 100_000_000, // merge-only at 301 VMs takes 6.5 million steps; liveness is the retry bound's job
		Runs:     20000,
		Build: func(v string, p Params) (sim.Scenario, error) {
			cost, err := replay.CostParams.FromMap(p.Cost)
			if err != nil {
				return nil, err
			}
			return replay.RegistryScenario(v, p.Workload, p.VMs, replay.RandomConfig{Clients: p.Threads, Units: p.Txns, Doms: p.Doms, Seed: p.WorkloadSeed}, p.NoOracles, cost)
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
		Costs:    groupcommit.CostParams,
		Runs:     100000,
		Build: func(v string, p Params) (sim.Scenario, error) {
			cost, err := groupcommit.CostParams.FromMap(p.Cost)
			if err != nil {
				return nil, err
			}
			return scenario(v, groupcommit.Config{Threads: p.Threads, Txns: p.Txns, Engines: p.Engines,
				Readers: p.Readers, Crash: p.Crash, XidErrors: p.XidErrors, Cost: cost})
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
	if err := proto.checkCost(p.Cost); err != nil {
		return nil, nil, p, err
	}
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
	if p.Cost == nil {
		p.Cost = maps.Clone(d.Cost)
	}
	return p
}

// CostFamily is a protocol family's cost model (the sim.CostModel of its
// cost type) seen without its type, as the registry needs it.
type CostFamily interface {
	Docs() []sim.CostDoc
	Names() []string
	Has(name string) bool
	Check(values map[string]string) error
}

// CostParam is one parameter of -cost: the runtime's or a protocol
// family's, with the protocols that take it.
type CostParam struct {
	sim.CostDoc
	// Protocols names the protocols that take the parameter; nil for the
	// runtime's, which every protocol takes.
	Protocols []string
}

// CostParams lists every parameter -cost takes, each once: the runtime's
// (sim.CostParams) first, then each protocol family's in the order of All.
func CostParams() []CostParam {
	var ps []CostParam
	for _, d := range sim.CostParams.Docs() {
		ps = append(ps, CostParam{CostDoc: d})
	}
	for _, proto := range All {
		if proto.Costs == nil {
			continue
		}
		for _, d := range proto.Costs.Docs() {
			i := slices.IndexFunc(ps, func(p CostParam) bool { return p.Name == d.Name })
			if i < 0 {
				i = len(ps)
				ps = append(ps, CostParam{CostDoc: d})
			}
			ps[i].Protocols = append(ps[i].Protocols, proto.Name)
		}
	}
	return ps
}

// CostNames returns the names of CostParams, comma-separated, for help
// texts and errors.
func CostNames() string {
	var names []string
	for _, p := range CostParams() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// takesCost reports whether name is one of the protocol family's own cost
// parameters.
func (proto *Protocol) takesCost(name string) bool {
	return proto.Costs != nil && proto.Costs.Has(name)
}

// checkCost rejects a protocol cost the protocol does not take, naming
// the protocols that do.
func (proto *Protocol) checkCost(m map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if proto.takesCost(name) {
			continue
		}
		var own []string
		if proto.Costs != nil {
			own = proto.Costs.Names()
		}
		takes := fmt.Sprintf("it takes %s", strings.Join(append(sim.CostParams.Names(), own...), ", "))
		for _, p := range CostParams() {
			if p.Name == name && p.Protocols != nil {
				return fmt.Errorf("protocol %s does not take cost %s, a cost of %s (%s)", proto.Name, name, strings.Join(p.Protocols, ", "), takes)
			}
		}
		return fmt.Errorf("unknown cost parameter %q (%s)", name, takes)
	}
	if proto.Costs != nil {
		return proto.Costs.Check(m)
	}
	return nil
}

// SplitCosts parses -cost assignments (name=value): the runtime's
// parameters into a sim.Cost, the others into a protocol cost map
// (Params.Cost), checked against the protocol proto, or against every
// protocol when proto is nil. Without assignments the map is nil (the
// protocol's default costs); with some it is non-nil, since -cost replaces
// the default cost model as a whole.
func SplitCosts(proto *Protocol, assignments []string) (sim.Cost, map[string]string, error) {
	var rt sim.Cost
	if len(assignments) == 0 {
		return rt, nil, nil
	}
	own := map[string]string{}
	err := sim.ParseCostAssignments(assignments, func(name, value string) error {
		if sim.CostParams.Has(name) {
			return rt.Set(name, value)
		}
		p := proto
		if p == nil {
			i := slices.IndexFunc(All, func(q *Protocol) bool { return q.takesCost(name) })
			if i < 0 {
				return fmt.Errorf("unknown cost parameter %q (known: %s)", name, CostNames())
			}
			p = All[i]
		}
		if err := p.checkCost(map[string]string{name: value}); err != nil {
			return err
		}
		own[name] = value
		return nil
	})
	if err != nil {
		return rt, nil, err
	}
	return rt, own, nil
}

// OwnCosts returns the entries of m that the protocol's family prices:
// what a run of every protocol (simrun run without -protocol) passes to
// each. nil stays nil.
func (proto *Protocol) OwnCosts(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	own := map[string]string{}
	for k, v := range m {
		if proto.takesCost(k) {
			own[k] = v
		}
	}
	return own
}

// ScenarioOf rebuilds the scenario a trace was recorded from: its
// protocol, variant and configuration. It returns the protocol and the
// merged parameters too.
//
// Before protocol costs moved out of the runtime, a trace kept them with
// the runtime's in options.cost ("fsync": "10ms" beside "op": "1us") and
// its configuration had no cost. ScenarioOf lifts them into the
// configuration, rewriting t, so that sim.Replay finds only the runtime's
// parameters there: the configuration's cost becomes the protocol's
// parameters found in options.cost (none if there are none: such a trace
// priced them at zero), and the parameters of another protocol's family,
// which the protocol never read, are dropped.
func ScenarioOf(t *traces.Trace) (*Protocol, sim.Scenario, Params, error) {
	var ps Params
	proto, err := Lookup(t.Protocol)
	if err != nil {
		return nil, nil, ps, fmt.Errorf("trace from another tool or build: %w", err)
	}
	if len(t.Config) > 0 {
		dec := json.NewDecoder(bytes.NewReader(t.Config))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ps); err != nil {
			return nil, nil, ps, fmt.Errorf("trace config: %w", err)
		}
	}
	if err := proto.liftCost(t, &ps); err != nil {
		return nil, nil, ps, err
	}
	_, s, ps, err := Scenario(proto.Name, t.Variant, ps)
	if err != nil {
		return nil, nil, ps, errors.Join(errors.New("trace does not match this build"), err)
	}
	return proto, s, ps, nil
}

// liftCost moves the protocol costs of a trace's options.cost into ps.Cost
// and t.Config (see ScenarioOf).
func (proto *Protocol) liftCost(t *traces.Trace, ps *Params) error {
	lifted := map[string]string{}
	for k, v := range t.Options.Cost {
		switch {
		case sim.CostParams.Has(k):
			continue
		case proto.takesCost(k):
			lifted[k] = v
		case !slices.ContainsFunc(CostParams(), func(p CostParam) bool { return p.Name == k }):
			continue // unknown: sim.Replay reports it
		}
		delete(t.Options.Cost, k)
	}
	if len(t.Options.Cost) == 0 {
		t.Options.Cost = nil
	}
	if ps.Cost != nil {
		if len(lifted) > 0 {
			return fmt.Errorf("trace has protocol costs both in its configuration and in options.cost (%v)", slices.Sorted(maps.Keys(lifted)))
		}
		return nil
	}
	ps.Cost = lifted
	t.Config = proto.Config(*ps)
	return nil
}
