package replay

import (
	"testing"

	"github.com/simrun/simrun/sim"
)

// TestCostPricesReplaysAndThinkTime proves the two prices of issue 16 both
// ways on the toolstack workload at 10 VMs. The single server is busy for
// every request it serves, so the completion time is at least the service
// of every request handled plus every request replayed: a bound that holds
// when replays are priced and that the model with free replays breaks.
// Think time delays each client's next request: one client (one VM's
// toolstack) finishes no sooner than its requests after the first times
// the think time.
func TestCostPricesReplaysAndThinkTime(t *testing.T) {
	const req = 100 * sim.Microsecond
	for _, tc := range []struct {
		name     string
		vms      int
		cost     Cost
		busyHeld bool         // completion >= (requests + replayed) * req
		minTime  sim.Duration // a lower bound the run must meet
	}{
		{name: "replays priced", vms: 10, cost: Cost{Request: req, Replayed: req}, busyHeld: true},
		{name: "replays free (the old model)", vms: 10, cost: Cost{Request: req}, busyHeld: false},
		{name: "think time", vms: 1, cost: Cost{Request: req, Replayed: req, Think: 10 * sim.Millisecond}, busyHeld: true},
		{name: "no think time", vms: 1, cost: Cost{Request: req, Replayed: req}, busyHeld: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, f, err := Measure(Replay, Config{VMs: tc.vms, Cost: tc.cost}, sim.Cost{}, 1)
			if err != nil || f != nil {
				t.Fatalf("measure: %v, finding %v", err, f)
			}
			if m.Replayed == 0 && tc.vms > 1 {
				t.Fatalf("no request replayed at %d VMs: the bound proves nothing", tc.vms)
			}
			// Within one request: the measured run ends one request
			// short of the count (a slack far below the hundreds of
			// replayed requests the free model leaves out).
			busy := sim.Duration(m.Requests+m.Replayed-1) * req
			got := sim.Duration(m.VirtualSeconds * float64(sim.Second))
			if held := got >= busy; held != tc.busyHeld {
				t.Errorf("completion %v against the server's busy time %v (%d requests + %d replayed, less one): bound held %v, want %v",
					got, busy, m.Requests, m.Replayed, held, tc.busyHeld)
			}
			// One VM's clients run their requests one after another
			// in good part: the think time must show.
			if tc.cost.Think > 0 {
				if min := sim.Duration(m.Requests/4) * tc.cost.Think; got < min {
					t.Errorf("completion %v with think time %v over %d requests, want at least %v", got, tc.cost.Think, m.Requests, min)
				}
			} else if tc.vms == 1 && got >= sim.Duration(m.Requests/4)*10*sim.Millisecond {
				t.Errorf("completion %v without think time reaches the think-time bound", got)
			}
		})
	}
}
