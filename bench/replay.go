package bench

import (
	"fmt"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/protocols/replay"
	"github.com/simrun/simrun/sim"
)

// Published seed figures for the 300-VM workload (seed 000): the
// oxenstored replay patch's commit message.
const (
	PublishedMergeOnlySeconds = 268.92
	PublishedReplaySeconds    = 3.80
)

// replayRun runs one execution of the toolstack workload at vms VMs under
// variant v, unchecked (the oracles are not what is measured, and
// merge-only runs hundreds of thousands of requests).
func replayRun(v replay.Variant, vms int, cost Costs, seed uint64) (replay.Metrics, error) {
	s, err := replay.Scenario(v, replay.Config{VMs: vms, Unchecked: true, Cost: cost.Xenstore})
	if err != nil {
		return replay.Metrics{}, err
	}
	var m replay.Metrics
	var found bool
	var bad *sim.Finding
	_, err = sim.Explore(s, sim.Options{Runs: 1, Seed: seed, Cost: cost.Runtime, NoSpurious: true, MaxSteps: 1 << 30,
		OnExecution: func(_ int, h *sim.History, f *sim.Finding) {
			bad = f
			m, found = replay.MetricsOf(h)
		}})
	switch {
	case err != nil:
		return m, err
	case bad != nil:
		return m, fmt.Errorf("replay %s at %d VMs: %v", v, vms, bad)
	case !found:
		return m, fmt.Errorf("replay %s at %d VMs: the scenario recorded no metrics", v, vms)
	}
	return m, nil
}

// served is the requests the server spent service time on: those
// handled and, when priced, those its replays re-executed.
func served(m replay.Metrics, c replay.Cost) int {
	if c.Replayed == 0 {
		return m.Requests
	}
	return m.Requests + m.Replayed
}

// Replay is the xenstored benchmark: the toolstack workload (301 VMs is
// the seed's "300": domids 0..300) under merge-only and replay, its
// virtual completion time, requests, conflicts, replays, the requests
// they re-executed and retries, beside
// the seed's 268.92 s against 3.80 s.
func Replay(opts Options) (*Result, error) {
	if _, err := protocols.Lookup("replay"); err != nil {
		return nil, fmt.Errorf("the xenstored replay protocol is not registered (issue 4): %w", err)
	}
	cost := opts.cost()
	sizes := []int{10, 30, 100, 301}
	if opts.Quick {
		sizes = []int{10, 30}
	}
	r := &Result{Bench: "replay", Title: "xenstored transactions, toolstack workload: merge-only against replay (virtual time)"}
	plot := Plot{Title: "xenstored: parallel VM start/shutdown completion time", XLabel: "VMs started and shut down in parallel", YLabel: "completion time (virtual s; published: measured s)", LogX: true, LogY: true}
	got := map[replay.Variant]map[int]replay.Metrics{}
	for _, v := range []replay.Variant{replay.MergeOnly, replay.Replay} {
		got[v] = map[int]replay.Metrics{}
		s := Series{Name: string(v)}
		for _, n := range sizes {
			m, err := replayRun(v, n, cost, opts.seed())
			if err != nil {
				return nil, err
			}
			got[v][n] = m
			r.Points = append(r.Points, Point{Bench: "replay", Fields: []Field{
				{Name: "variant", Value: string(v)},
				{Name: "vms", Value: n},
				{Name: "completion", Value: m.VirtualSeconds, Unit: "s"},
				{Name: "requests", Value: m.Requests},
				{Name: "commits", Value: m.Commits},
				{Name: "conflicts", Value: m.Conflicts},
				{Name: "replays", Value: m.Replays},
				{Name: "replay_failures", Value: m.ReplayFailures},
				{Name: "replayed", Value: m.Replayed},
				{Name: "retries", Value: m.Retries},
			}})
			s.X, s.Y = append(s.X, float64(n)), append(s.Y, m.VirtualSeconds)
		}
		plot.Series = append(plot.Series, s)
	}
	plot.Series = append(plot.Series,
		Series{Name: "seed: without replay (268.92 s)", X: []float64{301}, Y: []float64{PublishedMergeOnlySeconds}, Published: true},
		Series{Name: "seed: with replay (3.80 s)", X: []float64{301}, Y: []float64{PublishedReplaySeconds}, Published: true})
	r.Notes = append(r.Notes, costNote(cost)+"; one random schedule per point; oracles off (unchecked) for scale")
	big := sizes[len(sizes)-1]
	mo, rp := got[replay.MergeOnly][big], got[replay.Replay][big]
	r.Notes = append(r.Notes,
		fmt.Sprintf("seed (300 parallel VM starts and shutdowns, domids 0..300): %.2f s -> %.2f s = %.1fx published", PublishedMergeOnlySeconds, PublishedReplaySeconds, PublishedMergeOnlySeconds/PublishedReplaySeconds),
		fmt.Sprintf("simulated at %d VMs: %.2f s -> %.2f s = %.1fx; requests served (handled, and replayed when priced) %d -> %d = %.1fx (the server is the bottleneck, so the time ratio follows the ratio of requests served and not the request price)",
			big, mo.VirtualSeconds, rp.VirtualSeconds, mo.VirtualSeconds/rp.VirtualSeconds, served(mo, cost.Xenstore), served(rp, cost.Xenstore), float64(served(mo, cost.Xenstore))/float64(served(rp, cost.Xenstore))))
	r.Plots = []Plot{plot}
	return r, nil
}
