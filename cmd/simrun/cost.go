package main

import (
	"github.com/simrun/simrun/bench"
	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/sim"
)

// costNames lists every -cost parameter, the runtime's and each protocol
// family's, for the flags' help.
func costNames() string { return protocols.CostNames() }

// parseCosts splits the -cost flags of simrun run: the runtime's
// parameters are returned as a sim.Cost, the protocol's go to f.params.Cost
// (left nil without -cost: the protocol's default costs). They are checked
// against -protocol when it is given, else against every protocol: a name
// no protocol prices, or one only another protocol prices, is a usage
// error.
func (f *runFlags) parseCosts() (sim.Cost, error) {
	var proto *protocols.Protocol
	if f.protocol != "" {
		p, err := protocols.Lookup(f.protocol)
		if err != nil {
			return sim.Cost{}, usageError{err}
		}
		proto = p
	}
	cost, own, err := protocols.SplitCosts(proto, f.costs)
	if err != nil {
		return cost, usageError{err}
	}
	f.params.Cost = own
	return cost, nil
}

// forProtocol returns the flags of one protocol's variants in a run of
// every protocol: its protocol costs are those of the -cost flags its
// family prices.
func (f *runFlags) forProtocol(p *protocols.Protocol) *runFlags {
	g := *f
	g.params.Cost = p.OwnCosts(f.params.Cost)
	return &g
}

// benchCosts applies the -cost flags of simrun bench over the reference
// cost model.
func benchCosts(assignments []string) (bench.Costs, error) {
	cost := bench.ReferenceCosts()
	if err := sim.ParseCostAssignments(assignments, cost.Set); err != nil {
		return cost, usageError{err}
	}
	return cost, nil
}
