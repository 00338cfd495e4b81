package replay

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
)

// Config configures a scenario. The zero Config is usable: the toolstack
// workload with 2 VMs.
type Config struct {
	// Workload is "toolstack" (default), "random", "write-skew"
	// (WriteSkew, which takes no parameters) or "hostile" (Hostile(3, 5),
	// seed scenario 16).
	Workload string `json:"workload,omitempty"`
	// VMs is the toolstack workload's number of VMs (domids 0..VMs-1),
	// 2..301; default 2.
	VMs int `json:"vms,omitempty"`
	// Random shapes the random workload.
	Random RandomConfig `json:"random,omitzero"`
	// RetryBound is the liveness oracle's bound on the retries of one
	// transaction; default 1000.
	RetryBound int `json:"retry_bound,omitempty"`
	// MaxAttempts is when a client gives up a transaction; default
	// RetryBound+1, so that giving up is always a liveness finding.
	MaxAttempts int `json:"max_attempts,omitempty"`
	// PorcupineMaxOps is the largest partition the strict-serializability
	// oracle checks; larger ones are skipped (the other oracles still
	// run). Default 200.
	PorcupineMaxOps int `json:"porcupine_max_ops,omitempty"`
	// Unchecked records no per-request events and runs no oracle: for
	// performance measurements at scale, where merge-only executes
	// millions of requests.
	Unchecked bool `json:"unchecked,omitempty"`
	// Cost prices requests, retries, replayed requests and think time;
	// the zero Cost leaves them free.
	Cost Cost `json:"cost,omitzero"`
	// MaxRequests is quota-maxrequests, the requests a domU may make in
	// one transaction; 0 takes the workload's (Workload.MaxRequests, else
	// DefaultMaxRequests), negative disables the limit.
	MaxRequests int `json:"max_requests,omitempty"`
}

// RandomMaxRequests is quota-maxrequests for random workloads: oxenstored's
// 1024 scaled down with the workload, as the key space is, so that a
// domU's transaction of up to three requests reaches it.
const RandomMaxRequests = 2

// Cost is what the xenstored model's steps cost in virtual time: the
// protocol's part of the cost model, which the runtime's (sim.Cost: CPU,
// wakeups, processors) does not know.
type Cost struct {
	// Request is the service time of one request at the single-threaded
	// server; zero makes each request a plain step on the "xenstored"
	// object, without the server's resource.
	Request sim.Duration `json:"request,omitempty"`
	// Retry is a client's turnaround between a failed transaction and its
	// retry.
	Retry sim.Duration `json:"retry,omitempty"`
	// Replayed is the service time of one request a replay re-executes
	// at the server; zero leaves replays free (the model before issue 16,
	// which traces recorded then replay with), and so does a zero Request,
	// which makes the server no resource.
	Replayed sim.Duration `json:"replayed,omitempty"`
	// Think is a client's own time between a response and its next
	// request (reading the reply, building the next request); it holds
	// no server time.
	Think sim.Duration `json:"think,omitempty"`
}

// CostParams lists the parameters of Cost, as named on the command line
// (-cost name=value), with their reference values and sources.
var CostParams = sim.CostModel[Cost]{
	{CostDoc: sim.CostDoc{Name: "request", Doc: "service time of one request at a single-threaded server",
		Reference: "100us", Source: "order of magnitude of a Unix-socket round trip plus an in-memory tree operation in OCaml; ratios of request-bound runs do not depend on it"},
		Dur: func(c *Cost) *sim.Duration { return &c.Request }},
	{CostDoc: sim.CostDoc{Name: "retry", Doc: "client turnaround between a failed transaction and its retry",
		Reference: "0s", Source: "xs_bench re-runs the transaction closure at once on EAGAIN (reference notes §4); its round trips are priced as requests"},
		Dur: func(c *Cost) *sim.Duration { return &c.Retry }},
	{CostDoc: sim.CostDoc{Name: "replayed", Doc: "service time of one request a replay re-executes at the server (0 = replays free)",
		Reference: "100us", Source: "the request's: Transaction.replay re-runs each recorded request through the same request handler on the same single-threaded server (protocols.md §3); without the socket round trip it is an upper bound"},
		Dur: func(c *Cost) *sim.Duration { return &c.Replayed }},
	{CostDoc: sim.CostDoc{Name: "think", Doc: "client think time between a response and the client's next request (no server time)",
		Reference: "5us", Source: "the client's half of a Unix-socket round trip (a wakeup on its read, then its write): half a round trip of `perf bench sched pipe`, the runtime's wake source; xs_bench does no work of its own between requests (reference notes §4)"},
		Dur: func(c *Cost) *sim.Duration { return &c.Think }},
}

// ReferenceCost returns Cost with every parameter at its reference value
// (none fitted to the seed's figures): what simrun bench prices with, and
// what Measure and the command line use when given no cost.
func ReferenceCost() Cost { return CostParams.Reference() }

func (c Config) withDefaults() Config {
	if c.Workload == "" {
		c.Workload = "toolstack"
	}
	if c.VMs == 0 {
		c.VMs = 2
	}
	if c.RetryBound == 0 {
		c.RetryBound = 1000
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = c.RetryBound + 1
	}
	if c.PorcupineMaxOps == 0 {
		c.PorcupineMaxOps = 200
	}
	return c
}

// BuildWorkload builds the configured workload.
func (c Config) BuildWorkload() (Workload, error) {
	c = c.withDefaults()
	switch c.Workload {
	case "toolstack":
		if c.VMs < 1 || c.VMs > 1000 {
			return Workload{}, fmt.Errorf("replay: -vms %d out of range 1..1000", c.VMs)
		}
		return Toolstack(c.VMs), nil
	case "random":
		return Random(c.Random), nil
	case "write-skew":
		return WriteSkew(), nil
	case "hostile":
		return Hostile(3, 5), nil
	}
	return Workload{}, fmt.Errorf("replay: unknown workload %q (known: toolstack, random, write-skew, hostile)", c.Workload)
}

// Metrics is what one execution of the scenario measured; the scenario
// records it as an event once every client has finished.
type Metrics struct {
	VirtualSeconds float64 `json:"virtual_seconds"`
	Requests       int     `json:"requests"`
	Commits        int     `json:"commits"`
	FastPath       int     `json:"fast_path"`
	Merges         int     `json:"merges"`
	Conflicts      int     `json:"conflicts"`
	Replays        int     `json:"replays"`
	ReplayFailures int     `json:"replay_failures"`
	// Replayed counts the requests replays re-executed, each priced at
	// Cost.Replayed.
	Replayed int `json:"replayed_requests"`
	Retries  int `json:"retries"`
	ReadOnly int `json:"read_only"`
	GaveUp   int `json:"gave_up"`
	// FalseConflicts: failed replays in which only a listing's order
	// differed (ls-insertion-order): EAGAINs that cost a retry and
	// protect nothing.
	FalseConflicts int `json:"false_conflicts"`
	EQuota         int `json:"equota"`
	Blamed         int `json:"blamed"` // commits blamed for failed replays (XSA-206)
}

// String formats m on one line.
func (m Metrics) String() string {
	return fmt.Sprintf("virtual %.3fs requests=%d commits=%d fast_path=%d merges=%d conflicts=%d replays=%d replay_failures=%d retries=%d",
		m.VirtualSeconds, m.Requests, m.Commits, m.FastPath, m.Merges, m.Conflicts, m.Replays, m.ReplayFailures, m.Retries)
}

// Scenario returns the scenario of variant v under cfg. The workload is
// built for each execution: the hostile one keeps state between its
// clients.
func Scenario(v Variant, cfg Config) (sim.Scenario, error) {
	if _, err := cfg.BuildWorkload(); err != nil {
		return nil, err
	}
	return func(x *sim.Execution) {
		w, _ := cfg.BuildWorkload()
		ScenarioFor(v, w, cfg)(x)
	}, nil
}

// ScenarioFor returns the scenario of variant v running workload w: one
// single-threaded server, one actor per client, each request one visible
// step (preceded by cfg.Cost.Request of service on the server when non-zero),
// and at the end the oracles: replay divergence, serial replay in commit
// order, strict serializability (porcupine, partitions up to
// cfg.PorcupineMaxOps operations) and liveness (cfg.RetryBound).
func ScenarioFor(v Variant, w Workload, cfg Config) sim.Scenario {
	cfg = cfg.withDefaults()
	return func(x *sim.Execution) {
		srv := NewServer(v)
		srv.SetMaxRequests(cmp.Or(cfg.MaxRequests, w.MaxRequests, DefaultMaxRequests))
		init := xenstore.NewStore()
		for _, r := range w.Setup {
			srv.Handle(Conn{}, 0, r)
			init.Apply(0, r)
		}
		for _, wt := range w.Watches {
			if err := srv.Watch(Conn{ID: wt.Conn, Dom: wt.Dom}, wt.Path); err != nil {
				panic(err) // the workload builders' paths are valid
			}
		}
		s := &simServer{x: x, srv: srv, obj: sim.NewObject(x, "xenstored"), cpu: sim.NewResource(x, "xenstored-cpu", 1), record: !cfg.Unchecked, cost: cfg.Cost}
		if s.record {
			registerOracles(x, init, w.Watches, cfg)
		}
		clients := make([]*Client, len(w.Clients))
		actors := make([]*sim.Actor, len(w.Clients))
		for i, spec := range w.Clients {
			c := &Client{s: s, conn: Conn{ID: i, Dom: spec.Dom}, maxAttempts: cfg.MaxAttempts}
			clients[i] = c
			actors[i] = x.Go(spec.Name, func() { spec.Run(c) })
		}
		for _, a := range actors {
			a.Join()
		}
		st := srv.Stats()
		m := Metrics{VirtualSeconds: x.Now().Seconds(), Requests: st.Requests, Commits: st.Commits, FastPath: st.FastPath,
			Merges: st.Merges, Conflicts: st.Conflicts, Replays: st.Replays, ReplayFailures: st.ReplayFailures, Replayed: st.Replayed, ReadOnly: st.ReadOnly,
			FalseConflicts: st.FalseConflicts, EQuota: st.EQuota, Blamed: st.Blamed}
		for _, c := range clients {
			m.Retries += c.retries
			m.GaveUp += c.gaveUp
		}
		x.Record(m)
		if s.record {
			q, own := srv.Quota()
			x.Record(checkers.XenstoreFinalState{Dump: srv.Dump(), Quota: q, Owned: own})
		}
	}
}

// registerOracles registers the oracles (Oracles) as the execution's
// check.
func registerOracles(x *sim.Execution, init *xenstore.Store, watches []checkers.XenstoreWatch, cfg Config) {
	x.Check(func(h *sim.History) *sim.Finding {
		evs, final := checkers.XenstoreEvents(h)
		return Oracles(init, watches, cfg.PorcupineMaxOps, cfg.RetryBound, evs, final)
	})
}

// Oracles runs the oracles over a history's events, the first finding
// deciding the verdict: replay divergence first, so that that seeded bug
// is named as such; then serial replay (with the unreported effects),
// quota, watches (given the registered watches), strict serializability
// (partitions up to maxOps operations) and liveness (retryBound).
func Oracles(init *xenstore.Store, watches []checkers.XenstoreWatch, maxOps, retryBound int, evs []checkers.XenstoreEvent, final *checkers.XenstoreFinalState) *sim.Finding {
	if f := checkers.XenstoreReplayDivergence(evs); f != nil {
		return f
	}
	if f := checkers.XenstoreSerialReplay(init, evs, final); f != nil {
		return f
	}
	if f := checkers.XenstoreQuota(evs, final); f != nil {
		return f
	}
	if f := checkers.XenstoreWatchOracle(init, evs, watches); f != nil {
		return f
	}
	if f, _ := checkers.XenstoreStrictSerializability(init, evs, maxOps); f != nil {
		return f
	}
	return checkers.XenstoreLiveness(evs, retryBound)
}

// MetricsOf returns the metrics recorded in a history, if any.
func MetricsOf(h *sim.History) (Metrics, bool) {
	for i := len(h.Events) - 1; i >= 0; i-- {
		if m, ok := h.Events[i].Value.(Metrics); ok {
			return m, true
		}
	}
	return Metrics{}, false
}

// Measure runs one execution of variant v under cfg with the random
// strategy seeded by seed, the runtime cost model cost, cfg.Cost for the
// requests (ReferenceCost when zero) and no step bound, and returns its
// metrics and its finding (nil when clean).
func Measure(v Variant, cfg Config, cost sim.Cost, seed uint64) (Metrics, *sim.Finding, error) {
	if cfg.Cost == (Cost{}) {
		cfg.Cost = ReferenceCost()
	}
	sc, err := Scenario(v, cfg)
	if err != nil {
		return Metrics{}, nil, err
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return Metrics{}, nil, fmt.Errorf("replay: encoding config: %w", err)
	}
	var m Metrics
	rep, err := sim.Explore(sc, sim.Options{Seed: seed, Runs: 1, MaxSteps: math.MaxInt32, Cost: cost, NoSpurious: true,
		Meta:        sim.Meta{Protocol: "replay", Variant: string(v), Config: raw},
		OnExecution: func(_ int, h *sim.History, _ *sim.Finding) { m, _ = MetricsOf(h) }})
	if err != nil {
		return Metrics{}, nil, fmt.Errorf("replay: measuring %s: %w", v, err)
	}
	var f *sim.Finding
	if len(rep.Findings) > 0 {
		f = rep.Findings[0]
	}
	return m, f, nil
}

// SimVariants are the variants with their expected verdicts under the
// command line's default workload (no -vms: random workloads drawn per
// execution, see RegistryScenario). The faithful variants are expected
// clean apart from the known results of the package documentation, which
// random workloads reach within a few thousand executions: the write skew
// through untracked requests (XenstoreKindUntracked), the quota of a
// domain whose last node a merged transaction gave away or removed
// (XenstoreKindQuota, Quota.merge folds over the transaction's entries
// only) and, with replay, watch events filtered by the original
// transaction's roots instead of the committed ones (XenstoreKindWatch).
// Each historical variant is expected to show the kind of its own oracle;
// it may also show the faithful results. With -vms N (the toolstack
// workload, dom0 clients) quota-lost-on-merge is caught (a merged
// Domain.make or Device.add changes guests' counts), merge-only livelocks
// at scale, and the other variants are clean (10 VMs, 20 runs each).
var SimVariants = []sim.Variant{
	{Name: string(MergeOnly), Expected: sim.Clean, Also: []sim.Kind{checkers.XenstoreKindUntracked, checkers.XenstoreKindQuota},
		Doc: "conflict -> EAGAIN; the client retries the whole transaction (oxenstored before aef35b9877); known: write skew through untracked requests, quota kept for a domain a merge took the last node from"},
	{Name: string(Replay), Expected: sim.Clean, Also: []sim.Kind{checkers.XenstoreKindUntracked, checkers.XenstoreKindQuota, checkers.XenstoreKindWatch},
		Doc: "conflict -> replay the recorded requests on the current store; commit if every response is equal (aef35b9877); known: as merge-only, and a replayed commit's watch events filtered by the original transaction's roots"},
	{Name: string(ReplayErrorsOnly), Expected: checkers.XenstoreKindDivergence, Also: faithfulKinds,
		Doc: "seeded bug: the replay compares only whether each response was an error"},
	{Name: string(QuotaLostOnMerge), Expected: checkers.XenstoreKindQuota, Also: faithfulKinds,
		Doc: "historical (before f9cff088f4, 2014): a merge keeps the canonical quota, losing the transaction's node counts"},
	{Name: string(QuotaMergeNotFound), Expected: checkers.XenstoreKindUnreported, Also: faithfulKinds,
		Doc: "historical (before 82ff7cbed6, 2015): Quota.merge raises Not_found for a domain the transaction introduced; the commit answers ENOENT although installed"},
	{Name: string(MaxrequestsUnrecorded), Expected: checkers.XenstoreKindUnreported, Also: faithfulKinds,
		Doc: "historical (before XSA-326): a domU's request past quota-maxrequests runs, then answers EQUOTA unrecorded; merge or fast path commits it, replay drops it"},
	{Name: string(MkdirMarksPath), Expected: checkers.XenstoreKindSerialReplay, Also: append([]sim.Kind{checkers.XenstoreKindStrict}, faithfulKinds...),
		Doc: "historical (before 45dee7d92b, 2021): mkdir records its path, not its parent, in write_lowpath; a created node merges under a parent that changed"},
	{Name: string(LsInsertionOrder), Expected: sim.Clean, Also: faithfulKinds,
		Doc: "historical (before 3068dfd641, 2021): listings in insertion order; a replayed listing of a re-created child differs: false conflicts (stat false_conflicts), a cost"},
	{Name: string(WatchUnfiltered), Expected: checkers.XenstoreKindWatch, Also: faithfulKinds,
		Doc: "historical (before XSA-115): watch events fire without the permission check"},
	{Name: string(NoConflictCredit), Expected: sim.Livelock, Also: faithfulKinds,
		Doc: "historical (before XSA-206): no blame, no conflict credit; without -vms it runs the hostile workload (a guest writing in the toolstack's read set; -threads, -txns, -doms and -workload-seed do not apply), where the toolstack livelocks"},
}

// faithfulKinds are the known results of the faithful replay variant, which
// the historical variants built on it may show besides their own.
var faithfulKinds = []sim.Kind{checkers.XenstoreKindUntracked, checkers.XenstoreKindQuota, checkers.XenstoreKindWatch}

// RegistryScenario is the command line's scenario: workload, if not
// empty, names a fixed workload, which no other parameter shapes:
// "write-skew", or "hostile" (seed scenario 16, with the liveness bound
// HostileRetryBound); vms > 0 runs the
// toolstack workload with that many VMs; vms == 0 runs a random workload
// shaped by random (zero fields take RandomConfig's defaults: 3 clients, 3
// units of up to 3 requests over 3 keys). Its clients' domains are
// 0..random.Doms-1 round-robin; the command line gives CommandLineDoms
// (dom0 and a guest), and 0, the value of traces recorded before the
// parameter, is the workload they were recorded with: domains 0 and 1
// alternate, but dom0 only for the three variants older than quota and
// watches (see dom0Random). With random.Seed != 0 the
// workload is the one that seed generates, the same in every execution;
// with seed 0 every execution draws its own workload through
// Execution.Choose before its clients start, so that the strategy varies
// the workload with the schedule and the trace records both. Shaping the
// random workload and asking for the toolstack one is an error. cost
// prices requests, retries, replayed requests and think time (Cost).
func RegistryScenario(variant, workload string, vms int, random RandomConfig, unchecked bool, cost Cost) (sim.Scenario, error) {
	v, err := ParseVariant(variant)
	if err != nil {
		return nil, err
	}
	switch {
	case workload != "" && workload != "write-skew" && workload != "hostile":
		return nil, fmt.Errorf("replay: unknown workload %q (known: write-skew, hostile; -vms runs the toolstack workload, and without it a random one)", workload)
	case workload != "" && (vms != 0 || random != RandomConfig{}):
		return nil, fmt.Errorf("replay: workload %s is fixed: -vms, -threads, -txns, -doms and -workload-seed do not apply to it", workload)
	case workload == "hostile":
		// Seed scenario 16 for any variant: the conflict credit's side of
		// XSA-206 (replay: clean) beside no-conflict-credit's livelock.
		return Scenario(v, Config{Workload: workload, RetryBound: HostileRetryBound, Unchecked: unchecked, Cost: cost})
	case workload != "":
		return Scenario(v, Config{Workload: workload, Unchecked: unchecked, Cost: cost})
	}
	if vms != 0 {
		if random != (RandomConfig{}) {
			return nil, errors.New("replay: -threads, -txns, -doms and -workload-seed shape the random workload, and -vms runs the toolstack workload instead; give one or the other")
		}
		return Scenario(v, Config{Workload: "toolstack", VMs: vms, Unchecked: unchecked, Cost: cost})
	}
	if random.Clients < 0 || random.Clients > 1000 || random.Units < 0 || random.Units > 1000 {
		return nil, fmt.Errorf("replay: random workload of %d clients with %d units each: want 1..1000 of each", random.Clients, random.Units)
	}
	if random.Doms < 0 || random.Doms > 1000 {
		return nil, fmt.Errorf("replay: -doms %d out of range 1..1000", random.Doms)
	}
	if v == NoConflictCredit {
		// Its bug shows only against a hostile guest (seed scenario 16).
		// The workload is fixed: -threads, -txns, -doms and -workload-seed
		// do not apply to it (simrun explore always passes the first two
		// and the last, simrun run -doms).
		return Scenario(v, Config{Workload: "hostile", RetryBound: HostileRetryBound, Unchecked: unchecked, Cost: cost})
	}
	if random.Doms == 0 && !v.dom0Random() {
		random.Doms = 2
	}
	cfg := Config{Workload: "random", Random: random, Unchecked: unchecked, Cost: cost}
	if random.Seed != 0 {
		return Scenario(v, cfg)
	}
	return func(x *sim.Execution) {
		w := RandomFrom(random, func(n int) int { return x.Choose("workload", n) })
		ScenarioFor(v, w, cfg)(x)
	}, nil
}

// CommandLineDoms is the command line's -doms: dom0 and one guest
// alternate among the random workload's clients, so that permissions,
// quota and quota-maxrequests apply to requests as they do in a real
// xenstored, where most connections are guests'.
const CommandLineDoms = 2

// dom0Random reports whether v's random workload with Doms 0 (a trace
// recorded before -doms) has only dom0 clients: the variants that predate
// quota and watches, whose recorded traces (protocols/testdata) must still
// replay. The others had a domU client for every other one (Doms 2), the
// command line's default since.
func (v Variant) dom0Random() bool { return v == MergeOnly || v == Replay || v == ReplayErrorsOnly }

// StatsOf summarizes one execution for the command line: the counters of
// Metrics by their JSON names.
func StatsOf(h *sim.History) map[string]float64 {
	m, ok := MetricsOf(h)
	if !ok {
		return nil
	}
	return map[string]float64{"commits": float64(m.Commits), "fast_path": float64(m.FastPath), "merges": float64(m.Merges),
		"conflicts": float64(m.Conflicts), "replays": float64(m.Replays), "replay_failures": float64(m.ReplayFailures), "replayed_requests": float64(m.Replayed),
		"retries": float64(m.Retries), "requests": float64(m.Requests), "false_conflicts": float64(m.FalseConflicts), "equota": float64(m.EQuota), "blamed": float64(m.Blamed)}
}
