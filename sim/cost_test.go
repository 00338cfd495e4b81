package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/simrun/simrun/sim"
)

// endTimes runs s for runs random executions and returns each execution's
// virtual end time and the times of its recorded events.
func endTimes(t *testing.T, s sim.Scenario, cost sim.Cost, runs int) (ends []sim.Duration, events [][]sim.Event) {
	t.Helper()
	rep, err := sim.Explore(s, sim.Options{Runs: runs, Cost: cost, NoSpurious: true,
		OnExecution: func(_ int, h *sim.History, f *sim.Finding) {
			if f != nil {
				t.Errorf("unexpected finding: %v", f)
			}
			ends = append(ends, h.Now)
			events = append(events, append([]sim.Event(nil), h.Events...))
		}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Runs != runs {
		t.Fatalf("ran %d executions, want %d", rep.Runs, runs)
	}
	return ends, events
}

// TestCostSingleActorSum: one actor's virtual time is the sum of its priced
// operations: each visible operation's CPU cost plus what it does (work,
// sleep, service), whatever the CPU limit.
func TestCostSingleActorSum(t *testing.T) {
	const op = 1 * sim.Microsecond
	type step struct {
		do    func(x *sim.Execution, m *sim.Mutex, r *sim.Resource)
		price sim.Duration // beyond the op cost
	}
	work := step{func(x *sim.Execution, _ *sim.Mutex, _ *sim.Resource) { x.Work(3 * sim.Millisecond) }, 3 * sim.Millisecond}
	sleep := step{func(x *sim.Execution, _ *sim.Mutex, _ *sim.Resource) { x.Sleep(2 * sim.Millisecond) }, 2 * sim.Millisecond}
	use := step{func(_ *sim.Execution, _ *sim.Mutex, r *sim.Resource) { r.Use(5 * sim.Millisecond) }, 5 * sim.Millisecond}
	lock := step{func(_ *sim.Execution, m *sim.Mutex, _ *sim.Resource) { m.Lock() }, 0}
	unlock := step{func(_ *sim.Execution, m *sim.Mutex, _ *sim.Resource) { m.Unlock() }, 0}
	yield := step{func(x *sim.Execution, _ *sim.Mutex, _ *sim.Resource) { x.Yield() }, 0}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"work", []step{work}},
		{"sleep", []step{sleep}},
		{"use", []step{use}},
		{"lock-unlock", []step{lock, unlock}},
		{"mixed", []step{lock, work, sleep, unlock, use, yield, sleep, work}},
		{"sleeps", []step{sleep, sleep, sleep}},
	} {
		for _, cpus := range []int{0, 1, 4} {
			t.Run(fmt.Sprintf("%s/cpus=%d", tc.name, cpus), func(t *testing.T) {
				var want sim.Duration
				for _, s := range tc.steps {
					want += op + s.price
				}
				scenario := func(x *sim.Execution) {
					m := sim.NewMutex(x, "m")
					r := sim.NewResource(x, "disk", 1)
					for _, s := range tc.steps {
						s.do(x, m, r)
					}
					x.Record("end")
				}
				ends, events := endTimes(t, scenario, sim.Cost{OpCPU: op, CPUs: cpus, WakeLatency: 7 * sim.Microsecond}, 1)
				if ends[0] != want {
					t.Errorf("end time %v, want the sum of the priced operations %v", ends[0], want)
				}
				if got := events[0][0].Time; got != want {
					t.Errorf("event stamped %v, want %v", got, want)
				}
			})
		}
	}
}

// TestCostBroadcastSerializesHandoffs: one broadcast to k waiters of one
// mutex wakes them all at once, but they re-acquire the mutex one after
// another, each after a hand-off: the last runs k wake latencies after the
// broadcast. Per-thread signals (each waiter its own mutex and condition)
// let every waiter run one wake latency after its signal.
func TestCostBroadcastSerializesHandoffs(t *testing.T) {
	const wake = 10 * sim.Microsecond
	const start = sim.Millisecond // the waiters are all waiting by then
	for _, tc := range []struct {
		broadcast bool
		k         int
	}{
		{true, 1}, {true, 2}, {true, 8}, {true, 32},
		{false, 1}, {false, 2}, {false, 8}, {false, 32},
	} {
		name := fmt.Sprintf("signal/k=%d", tc.k)
		want := start + wake
		if tc.broadcast {
			name = fmt.Sprintf("broadcast/k=%d", tc.k)
			want = start + sim.Duration(tc.k)*wake
		}
		t.Run(name, func(t *testing.T) {
			scenario := func(x *sim.Execution) {
				n := 1
				if !tc.broadcast {
					n = tc.k
				}
				ms := make([]*sim.Mutex, n)
				cs := make([]*sim.Cond, n)
				flags := make([]*sim.Var[bool], n)
				for i := range ms {
					ms[i] = sim.NewMutex(x, fmt.Sprint("m", i))
					cs[i] = sim.NewCond(x, fmt.Sprint("c", i), ms[i])
					flags[i] = sim.NewVar(x, fmt.Sprint("ready", i), false)
				}
				for w := 0; w < tc.k; w++ {
					i := min(w, n-1)
					x.Go(fmt.Sprint("w", w), func() {
						ms[i].Lock()
						for !flags[i].Read() {
							cs[i].Wait()
						}
						x.Record("runs")
						ms[i].Unlock()
					})
				}
				x.Sleep(start)
				for i := range ms {
					ms[i].Lock()
					flags[i].Write(true)
					if tc.broadcast {
						cs[i].Broadcast()
					} else {
						cs[i].Signal()
					}
					ms[i].Unlock()
				}
			}
			_, events := endTimes(t, scenario, sim.Cost{WakeLatency: wake}, 20)
			for run, evs := range events {
				var last sim.Duration
				for _, e := range evs {
					last = max(last, e.Time)
				}
				if len(evs) != tc.k || last != want {
					t.Errorf("run %d: %d waiters ran, the last at %v; want %d, the last at %v", run, len(evs), last, tc.k, want)
				}
			}
		})
	}
}

// TestCostCPULimit: n actors each doing d of work finish after
// ceil(n/cpus)*d; unlimited CPUs run them all in parallel. I/O (Sleep)
// needs no CPU.
func TestCostCPULimit(t *testing.T) {
	const d = 10 * sim.Millisecond
	for _, tc := range []struct {
		actors, cpus int
		sleep        bool
		want         sim.Duration
	}{
		{4, 0, false, d},
		{4, 1, false, 4 * d},
		{4, 2, false, 2 * d},
		{4, 3, false, 2 * d},
		{4, 4, false, d},
		{8, 4, false, 2 * d},
		{8, 1, true, d}, // sleeping needs no processor
	} {
		t.Run(fmt.Sprintf("actors=%d/cpus=%d/sleep=%v", tc.actors, tc.cpus, tc.sleep), func(t *testing.T) {
			scenario := func(x *sim.Execution) {
				for i := 0; i < tc.actors; i++ {
					x.Go(fmt.Sprint("a", i), func() {
						if tc.sleep {
							x.Sleep(d)
						} else {
							x.Work(d)
						}
					})
				}
			}
			ends, _ := endTimes(t, scenario, sim.Cost{CPUs: tc.cpus}, 20)
			for run, end := range ends {
				if end != tc.want {
					t.Errorf("run %d: end %v, want %v", run, end, tc.want)
				}
			}
		})
	}
}

// TestCostHandoffOnlyBlocked: a locker still busy before its Lock when the
// mutex is released finds it free and pays no wake latency.
func TestCostHandoffOnlyBlocked(t *testing.T) {
	const wake = 5 * sim.Millisecond
	scenario := func(x *sim.Execution) {
		m := sim.NewMutex(x, "m")
		x.Go("late", func() {
			x.Sleep(2 * sim.Millisecond) // arrives at the lock at 2ms, long after the release at 1ms
			m.Lock()
			x.Record("locked")
			m.Unlock()
		})
		m.Lock()
		x.Sleep(sim.Millisecond)
		m.Unlock()
	}
	_, events := endTimes(t, scenario, sim.Cost{WakeLatency: wake}, 10)
	for run, evs := range events {
		if got := evs[0].Time; got != 2*sim.Millisecond {
			t.Errorf("run %d: the late locker locked at %v, want 2ms (no hand-off: the mutex was free when it came)", run, got)
		}
	}
}

// TestReferenceCost: every parameter of the runtime's cost model has a
// documented reference value and source, and the values parse.
func TestReferenceCost(t *testing.T) {
	c := sim.ReferenceCost()
	for _, p := range sim.CostParams {
		if p.Reference == "" || p.Source == "" || p.Doc == "" {
			t.Errorf("cost parameter %s: missing doc, reference value or source", p.Name)
		}
	}
	if want := (sim.Cost{OpCPU: sim.Microsecond, WakeLatency: 5 * sim.Microsecond, CPUs: 12}); c != want {
		t.Errorf("reference cost %+v, want %+v", c, want)
	}
}

// TestCostAssignments: the runtime takes its own parameters, by name, and
// rejects a protocol's (they belong to the protocol's configuration) and
// malformed values; Map and CostFromMap round-trip.
func TestCostAssignments(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    sim.Cost
		wantErr string
	}{
		{in: "op=2us", want: sim.Cost{OpCPU: 2 * sim.Microsecond}},
		{in: "wake = 1.5ms", want: sim.Cost{WakeLatency: 1500 * sim.Microsecond}},
		{in: "cpus=4", want: sim.Cost{CPUs: 4}},
		{in: "op=250", want: sim.Cost{OpCPU: 250}},
		{in: "fsync=10ms", wantErr: `unknown cost parameter "fsync" (known: op, wake, cpus)`},
		{in: "request=1ms", wantErr: `unknown cost parameter "request"`},
		{in: "cpus=-1", wantErr: "cost cpus: want a whole number >= 0"},
		{in: "op=soon", wantErr: "cost op: bad duration"},
		{in: "op", wantErr: "want name=value"},
	} {
		var c sim.Cost
		err := sim.ParseCostAssignments([]string{tc.in}, c.Set)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want one containing %q", tc.in, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || c != tc.want):
			t.Errorf("%q: %+v, %v; want %+v", tc.in, c, err, tc.want)
		case tc.wantErr == "":
			back, err := sim.CostFromMap(c.Map())
			if err != nil || back != c {
				t.Errorf("%q: Map %v gives back %+v, %v", tc.in, c.Map(), back, err)
			}
		}
	}
	if m := (sim.Cost{}).Map(); m != nil {
		t.Errorf("zero cost maps to %v, want nil (no cost in the trace)", m)
	}
}

// ExampleParseCostAssignments: -cost flags into the runtime's cost model.
func ExampleParseCostAssignments() {
	var c sim.Cost
	if err := sim.ParseCostAssignments([]string{"op=2us", "cpus = 4"}, c.Set); err != nil {
		fmt.Println(err)
	}
	fmt.Println(c.Map())
	fmt.Println(sim.ParseCostAssignments([]string{"op"}, c.Set))
	// Output:
	// map[cpus:4 op:2µs]
	// cost "op": want name=value
}
