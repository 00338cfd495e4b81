package main

import (
	"maps"
	"strings"
	"testing"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/sim"
)

// TestCostFlags: -cost keeps its syntax; each name goes to its owner (the
// runtime or the protocol), a name no protocol prices or only another one
// prices is a usage error, and version-1 traces with protocol costs in
// options.cost still replay to their finding.
func TestCostFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want int
		msg  string // in stderr
	}{
		{"protocol and runtime costs", []string{"run", "-protocol", "mutexqueue", "-variant", "shipped", "-runs", "50", "-out", dir,
			"-cost", "fsync=1ms", "-cost", "engine-fsync=2ms", "-cost", "op=1us"}, exitClean, ""},
		{"replay's own costs", []string{"run", "-protocol", "replay", "-variant", "replay", "-vms", "2", "-runs", "20", "-out", dir,
			"-cost", "request=50us", "-cost", "retry=1ms"}, exitClean, ""},
		{"another protocol's cost", []string{"run", "-protocol", "replay", "-variant", "replay", "-cost", "fsync=1ms"}, exitUsage,
			"protocol replay does not take cost fsync, a cost of lockfree, mutexqueue, broadcast"},
		{"unknown cost", []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-cost", "disk=1"}, exitUsage, `unknown cost parameter "disk"`},
		{"unknown cost, every protocol", []string{"run", "-cost", "disk=1"}, exitUsage, `unknown cost parameter "disk"`},
		{"bench: protocol cost", []string{"bench", "-quick", "-cost", "request=1ms", "wakeup"}, exitClean, ""},
		{"bench: unknown cost", []string{"bench", "-cost", "disk=3", "wakeup"}, exitUsage, "unknown cost parameter"},
		{"version-1 trace, fsync in options", []string{"replay", "../../protocols/testdata/v1-mutexqueue-fsync-engine-fsync.json"}, exitFinding, ""},
		{"version-1 trace, request in options", []string{"replay", "../../protocols/testdata/v1-replay-request.json"}, exitFinding, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, c.args...)
			if code != c.want || !strings.Contains(stderr, c.msg) {
				t.Fatalf("exit %d, want %d with %q; stderr:\n%s", code, c.want, c.msg, stderr)
			}
		})
	}
}

// TestCostsPerProtocol: in a run of every protocol, each gets the protocol
// costs its family prices and the runtime's cost is shared; without -cost
// every protocol keeps its defaults (nil).
func TestCostsPerProtocol(t *testing.T) {
	f := runFlags{costs: costFlags{"fsync=2ms", "request=1ms", "wake=3us"}}
	cost, err := f.parseCosts()
	if err != nil || cost != (sim.Cost{WakeLatency: 3 * sim.Microsecond}) {
		t.Fatalf("runtime cost %+v, %v", cost, err)
	}
	for name, want := range map[string]map[string]string{
		"lockfree": {"fsync": "2ms"}, "mutexqueue": {"fsync": "2ms"}, "replay": {"request": "1ms"}} {
		p, err := protocols.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.forProtocol(p).params.Cost; !maps.Equal(got, want) {
			t.Errorf("%s: protocol costs %v, want %v", name, got, want)
		}
		var none runFlags
		if _, err := none.parseCosts(); err != nil || none.forProtocol(p).params.Cost != nil {
			t.Errorf("%s without -cost: %v, %v; want nil (the protocol's defaults)", name, none.forProtocol(p).params.Cost, err)
		}
	}
}
