package bench

import (
	"fmt"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/sim"
)

// GroupCommitSeries are the protocol variants the group-commit benchmark
// prices: the no-group-commit baseline first, the one the ratios divide by.
var GroupCommitSeries = []struct{ Protocol, Variant string }{
	{"mutexqueue", "no-group-commit"},
	{"mutexqueue", "final-review"},
	{"mutexqueue", "shipped"},
	{"broadcast", "repaired"},
	{"lockfree", "clear-before-enqueue"},
}

// Published is a throughput figure from a source, at a thread count.
type Published struct {
	Source   string
	Threads  int
	Without  float64 // no group commit
	With     float64 // group commit
	Unit     string
	Workload string
}

// PublishedGroupCommit are the published group-commit figures (reference
// notes §2; the review in seed 004).
var PublishedGroupCommit = []Published{
	{"Percona", 1, 21.5, 22.0, "tps", "sysbench OLTP read/write, RAID10 of 8 disks, write cache off"},
	{"Percona", 64, 60.05, 633.89, "tps", "sysbench OLTP read/write, RAID10 of 8 disks, write cache off"},
	{"Percona", 256, 57.6, 1669, "tps", "sysbench OLTP read/write, RAID10 of 8 disks, write cache off"},
	{"review", 64, 25, 650, "q/s", "64 threads of single-row transactions (MWL#116 proof of concept)"},
}

// gcStats is what one group-commit execution measured.
type gcStats struct {
	commits   int
	fsyncs    int
	end       sim.Duration
	latencies []float64 // ms, Begin to Returned
	prepares  []float64 // ms, Begin to the last engine's Prepared
}

func groupCommitRun(protocol, variant string, threads, txns int, cost Costs, runs int, seed uint64) (gcStats, error) {
	own := groupcommit.CostParams.Map(cost.GroupCommit)
	if own == nil {
		own = map[string]string{} // unpriced, not the protocol's default
	}
	_, s, _, err := protocols.Scenario(protocol, variant, protocols.Params{Threads: threads, Txns: txns, Engines: 1, Cost: own})
	if err != nil {
		return gcStats{}, err
	}
	var st gcStats
	var bad *sim.Finding
	_, err = sim.Explore(s, sim.Options{Runs: runs, Seed: seed, Cost: cost.Runtime, NoSpurious: true, MaxSteps: 1 << 30,
		OnExecution: func(_ int, h *sim.History, f *sim.Finding) {
			if f != nil {
				bad = f
				return
			}
			begin, prepared := map[checkers.Txn]sim.Duration{}, map[checkers.Txn]sim.Duration{}
			for _, e := range h.Events {
				switch ev := e.Value.(type) {
				case checkers.Begin:
					begin[ev.Txn] = e.Time
				case checkers.Prepared:
					prepared[ev.Txn] = e.Time // the last engine's
				case checkers.Returned:
					if !ev.Err {
						st.commits++
						st.latencies = append(st.latencies, ms(e.Time-begin[ev.Txn]))
						st.prepares = append(st.prepares, ms(prepared[ev.Txn]-begin[ev.Txn]))
					}
				case checkers.BinlogSync:
					if !ev.Err {
						st.fsyncs++
					}
				}
			}
			st.end += h.Now
		}})
	if err == nil && bad != nil {
		err = fmt.Errorf("%s/%s at %d threads: %v", protocol, variant, threads, bad)
	}
	return st, err
}

// GroupCommit is the group-commit benchmark: for each of GroupCommitSeries
// at 1, 8, 64 and 256 client threads, each committing a run of
// transactions: commits per virtual second, p50 and p99 commit latency
// (Begin to the return to the client), p99 of its prepare part (Begin to
// Prepared: the engine's log flush), and binlog fsyncs per commit; the
// published figures beside them, and the simulated ratios beside the
// published ones.
func GroupCommit(opts Options) (*Result, error) {
	cost := opts.cost()
	threads, txns := []int{1, 8, 64, 256}, 8
	if opts.Quick {
		threads, txns = []int{1, 8, 64}, 2
	}
	runs := opts.runs(1, 2)
	r := &Result{Bench: "groupcommit", Title: fmt.Sprintf("binlog group commit priced in virtual time (%d transactions per thread)", txns)}
	tput := Plot{Title: "Group commit: throughput against client threads", XLabel: "client threads", YLabel: "commits per second (virtual; published: measured)", LogX: true, LogY: true}
	lat := Plot{Title: "Group commit: p99 commit latency", XLabel: "client threads", YLabel: "p99 latency, Begin to return (virtual ms)", LogX: true, LogY: true}
	fs := Plot{Title: "Group commit: binlog fsyncs per commit", XLabel: "client threads", YLabel: "binlog fsyncs per commit", LogX: true, LogY: true}
	thr := map[string]map[int]float64{}
	for _, sr := range GroupCommitSeries {
		name := sr.Protocol + "/" + sr.Variant
		thr[name] = map[int]float64{}
		var ts, ls, fss Series
		ts.Name, ls.Name, fss.Name = name, name, name
		for _, n := range threads {
			st, err := groupCommitRun(sr.Protocol, sr.Variant, n, txns, cost, runs, opts.seed())
			if err != nil {
				return nil, err
			}
			perSec := float64(st.commits) / (float64(st.end) / float64(sim.Second))
			thr[name][n] = perSec
			p50, p99 := percentile(st.latencies, 50), percentile(st.latencies, 99)
			fpc := float64(st.fsyncs) / float64(st.commits)
			r.Points = append(r.Points, Point{Bench: "groupcommit", Fields: []Field{
				{Name: "series", Value: name},
				{Name: "threads", Value: n},
				{Name: "commits", Value: st.commits},
				{Name: "commits_per_s", Value: perSec},
				{Name: "p50_latency", Value: p50, Unit: "ms"},
				{Name: "p99_latency", Value: p99, Unit: "ms"},
				{Name: "p99_prepare", Value: percentile(st.prepares, 99), Unit: "ms"},
				{Name: "fsyncs_per_commit", Value: fpc},
				{Name: "group_size", Value: 1 / fpc},
			}})
			ts.X, ts.Y = append(ts.X, float64(n)), append(ts.Y, perSec)
			ls.X, ls.Y = append(ls.X, float64(n)), append(ls.Y, p99)
			fss.X, fss.Y = append(fss.X, float64(n)), append(fss.Y, fpc)
		}
		tput.Series = append(tput.Series, ts)
		lat.Series = append(lat.Series, ls)
		fs.Series = append(fs.Series, fss)
	}
	base, best := "mutexqueue/no-group-commit", "mutexqueue/shipped"
	r.Notes = append(r.Notes, costNote(cost)+fmt.Sprintf("; %d random schedule(s) per point, times summed over them", runs))
	pw := Series{Name: "Percona, without fix (tps)", Published: true}
	pf := Series{Name: "Percona, with fix (tps)", Published: true}
	rv := Series{Name: "review, 25 -> 650 q/s at 64", Published: true}
	for _, p := range PublishedGroupCommit {
		if p.Source == "Percona" {
			pw.X, pw.Y = append(pw.X, float64(p.Threads)), append(pw.Y, p.Without)
			pf.X, pf.Y = append(pf.X, float64(p.Threads)), append(pf.Y, p.With)
		} else {
			rv.X, rv.Y = append(rv.X, float64(p.Threads), float64(p.Threads)), append(rv.Y, p.Without, p.With)
		}
		sb, sg := thr[base][p.Threads], thr[best][p.Threads]
		simulated := "not run at this size"
		if sb > 0 {
			simulated = fmt.Sprintf("simulated %.0f -> %.0f commits/s = %.1fx (%s over %s)", sb, sg, sg/sb, best, base)
		}
		r.Notes = append(r.Notes, fmt.Sprintf("%s at %d threads: %g -> %g %s = %.1fx published; %s",
			p.Source, p.Threads, p.Without, p.With, p.Unit, p.With/p.Without, simulated))
	}
	tput.Series = append(tput.Series, pw, pf, rv)
	r.Plots = []Plot{tput, lat, fs}
	return r, nil
}
