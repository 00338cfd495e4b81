package checkers

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/simrun/simrun/sim"
)

// XenstoreQuota is the quota oracle: after every transaction end that
// carries the server's counts, and at the end of the execution (final, if
// not nil), each domain's quota (oxenstored's per-domain node count,
// Quota.t) equals the number of nodes the domain owns in the server's
// tree. A domain with no entry counts zero.
func XenstoreQuota(evs []XenstoreEvent, final *XenstoreFinalState) *sim.Finding {
	for _, e := range evs {
		if e.Quota == nil && e.Owned == nil {
			continue
		}
		if d := quotaDiff(e.Quota, e.Owned); d != "" {
			return &sim.Finding{Kind: XenstoreKindQuota, Step: e.Step, Actor: fmt.Sprintf("client%d", e.Client),
				Message: fmt.Sprintf("after transaction %d of client %d (%s, %s) the quota differs from the nodes owned: %s", e.Tid, e.Client, e.Outcome, e.Resp, d),
				Detail:  fmt.Sprintf("  quota: %v\n  owned: %v\n", e.Quota, e.Owned)}
		}
	}
	if final != nil {
		if d := quotaDiff(final.Quota, final.Owned); d != "" {
			return &sim.Finding{Kind: XenstoreKindQuota, Message: "at the end the quota differs from the nodes owned: " + d}
		}
	}
	return nil
}

// quotaDiff describes the domains whose counts differ, in domain order,
// or returns "".
func quotaDiff(quota, owned map[int]int) string {
	doms := slices.Sorted(maps.Keys(quota))
	for d := range owned {
		if _, ok := quota[d]; !ok {
			doms = append(doms, d)
		}
	}
	slices.Sort(doms)
	var b []string
	for _, d := range doms {
		if quota[d] != owned[d] {
			b = append(b, fmt.Sprintf("domain %d has quota %d and owns %d nodes", d, quota[d], owned[d]))
		}
	}
	return strings.Join(b, "; ")
}
