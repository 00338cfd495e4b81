package sim_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// goPrograms are small programs on Go's primitives: each buggy one must
// give its kind (with its words in the message), each correct one nothing.
type goProgram struct {
	name  string
	want  sim.Kind // "" for a correct program
	words string   // in the finding's message
	s     sim.Scenario
}

var goPrograms = []goProgram{
	{"unbuffered handoff", "", "", func(x *sim.Execution) {
		ch := sim.NewChan[int](x, "ch", 0)
		x.Go("sender", func() { ch.Send(42) })
		x.Assert(ch.Recv() == 42, "wrong value")
	}},
	{"send without receiver", sim.Deadlock, "all goroutines are asleep", func(x *sim.Execution) {
		ch := sim.NewChan[int](x, "ch", 0)
		ch.Send(1)
	}},
	{"leaked sender", sim.Leak, "goroutine leak", func(x *sim.Execution) {
		ch := sim.NewChan[int](x, "results", 0)
		x.Go("worker", func() { ch.Send(1) })
		sim.Select(x, ch.RecvCase(nil), sim.Default(nil))
	}},
	{"buffered fixes the leak", "", "", func(x *sim.Execution) {
		ch := sim.NewChan[int](x, "results", 1)
		x.Go("worker", func() { ch.Send(1) })
		sim.Select(x, ch.RecvCase(nil), sim.Default(nil))
	}},
	{"send on closed", sim.SendOnClosed, "send on closed channel", func(x *sim.Execution) {
		ch := sim.NewChan[int](x, "ch", 1)
		x.Go("closer", func() { ch.Close() })
		x.Go("sender", func() { ch.Send(1) })
	}},
	{"double close", sim.CloseOfClosed, "close of closed channel", func(x *sim.Execution) {
		ch := sim.NewChan[int](x, "done", 0)
		x.Go("a", func() { ch.Close() })
		x.Go("b", func() { ch.Close() })
	}},
	{"close nil", sim.CloseOfNil, "close of nil channel", func(x *sim.Execution) {
		sim.NewNilChan[int](x, "ch").Close()
	}},
	{"range until closed", "", "", func(x *sim.Execution) {
		ch := sim.NewChan[int](x, "ch", 2)
		x.Go("producer", func() {
			for i := range 3 {
				ch.Send(i)
			}
			ch.Close()
		})
		sum := 0
		for v := range ch.Range() {
			sum += v
		}
		x.Assert(sum == 3, "sum %d", sum)
		_, ok := ch.RecvOK()
		x.Assert(!ok && ch.Cap() == 2 && ch.Len() == 0, "closed channel")
	}},
	{"negative waitgroup", sim.NegativeWaitGroup, "negative WaitGroup counter", func(x *sim.Execution) {
		wg := sim.NewWaitGroup(x, "wg")
		wg.Add(1)
		x.Go("a", func() { wg.Done() })
		x.Go("b", func() { wg.Done() })
		wg.Wait()
	}},
	{"waitgroup go", "", "", func(x *sim.Execution) {
		wg := sim.NewWaitGroup(x, "wg")
		n := sim.NewAtomicInt(x, "n", 0)
		for _, name := range []string{"a", "b"} {
			wg.Go(name, func() { n.Add(1) })
		}
		wg.Wait()
		x.Assert(n.Load() == 2, "n")
	}},
	{"waitgroup missing done", sim.Deadlock, "sync.WaitGroup.Wait", func(x *sim.Execution) {
		wg := sim.NewWaitGroup(x, "wg")
		wg.Add(2)
		x.Go("a", func() { wg.Done() })
		wg.Wait()
	}},
	{"handoff unlock", "", "", func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		mu.Lock()
		x.Go("other", func() { mu.Unlock() })
		mu.Lock()
		mu.Unlock()
	}},
	{"unlock of unlocked", sim.BadUnlock, "unlock of unlocked mutex", func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		x.Go("a", func() { mu.Lock(); mu.Unlock() })
		x.Go("b", func() { mu.Unlock() })
	}},
	{"runlock without rlock", sim.BadUnlock, "RUnlock of unlocked RWMutex", func(x *sim.Execution) {
		sim.NewRWMutex(x, "rw").RUnlock()
	}},
	{"recursive rlock with writer", sim.Deadlock, "sync.RWMutex", func(x *sim.Execution) {
		rw := sim.NewRWMutex(x, "rw")
		x.Go("writer", func() { rw.Lock(); rw.Unlock() })
		rw.RLock()
		x.Yield()
		rw.RLock()
		rw.RUnlock()
		rw.RUnlock()
	}},
	{"once", "", "", func(x *sim.Execution) {
		o := sim.NewOnce(x, "once")
		v := sim.NewVar(x, "v", 0)
		wg := sim.NewWaitGroup(x, "wg")
		for _, name := range []string{"a", "b"} {
			wg.Go(name, func() {
				o.Do(func() { v.Write(v.Read() + 1) })
				x.Assert(v.Read() == 1, "once ran %d times", v.Read())
			})
		}
		wg.Wait()
	}},
	{"go cond no spurious", "", "", func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		c := sim.NewGoCond(x, "c", mu)
		ready := sim.NewVar(x, "ready", false)
		x.Go("producer", func() { mu.Lock(); ready.Write(true); c.Signal(); mu.Unlock() })
		mu.Lock()
		if !ready.Read() { // an if is enough without spurious wakeups
			c.Wait()
		}
		x.Assert(ready.Read(), "woke without ready")
		mu.Unlock()
	}},
	{"go cond lost signal", sim.Deadlock, "nobody waited (lost)", func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		c := sim.NewGoCond(x, "c", mu)
		x.Go("producer", func() { c.Signal() })
		mu.Lock()
		c.Wait()
		mu.Unlock()
	}},
	{"semaphore", "", "", func(x *sim.Execution) {
		s := sim.NewSemaphore(x, "sem", 1)
		v := sim.NewVar(x, "v", 0)
		wg := sim.NewWaitGroup(x, "wg")
		for _, name := range []string{"a", "b"} {
			wg.Go(name, func() { s.Acquire(1); v.Write(v.Read() + 1); s.Release(1) })
		}
		wg.Wait()
		x.Assert(v.Read() == 2, "lost update")
	}},
	{"channel as lock", "", "", func(x *sim.Execution) {
		sem := sim.NewChan[struct{}](x, "sem", 1)
		v := sim.NewVar(x, "v", 0)
		wg := sim.NewWaitGroup(x, "wg")
		for _, name := range []string{"a", "b"} {
			wg.Go(name, func() { sem.Send(struct{}{}); v.Write(v.Read() + 1); sem.Recv() })
		}
		wg.Wait()
		x.Assert(v.Read() == 2, "lost update")
	}},
	{"race without sync", sim.Race, "data race", func(x *sim.Execution) {
		v := sim.NewVar(x, "v", 0)
		done := sim.NewChan[bool](x, "done", 1)
		x.Go("a", func() { v.Write(1); done.Send(true) })
		v.Write(2)
		done.Recv()
	}},
	{"select both ready", "", "", func(x *sim.Execution) {
		a := sim.NewChan[int](x, "a", 1)
		b := sim.NewChan[int](x, "b", 1)
		a.Send(1)
		b.Send(2)
		got := 0
		sim.Select(x, a.RecvCase(func(v int, _ bool) { got = v }), b.RecvCase(func(v int, _ bool) { got = v }))
		x.Assert(got == 1 || got == 2, "got %d", got)
	}},
	{"select blocks then served", "", "", func(x *sim.Execution) {
		a := sim.NewChan[int](x, "a", 0)
		b := sim.NewChan[int](x, "b", 0)
		x.Go("sa", func() { sim.Select(x, a.SendCase(1, nil), sim.Default(nil)) })
		x.Go("sb", func() { b.Send(2) })
		got := 0
		sim.Select(x, a.RecvCase(func(v int, _ bool) { got = v }), b.RecvCase(func(v int, _ bool) { got = v }))
		x.Assert(got == 1 || got == 2, "got %d", got)
		if got == 1 {
			b.Recv()
		}
	}},
	{"atomics", "", "", func(x *sim.Execution) {
		v := sim.NewAtomicInt[int64](x, "v", 0b0110)
		x.Assert(v.And(0b0011) == 0b0110 && v.Or(0b1000) == 0b0010 && v.Swap(7) == 0b1010, "and/or/swap")
		x.Assert(v.CompareAndSwap(7, 8) && !v.CompareAndSwap(7, 9) && v.Add(2) == 10, "cas/add")
	}},
}

func TestGoPrimitives(t *testing.T) {
	strategies := []struct {
		name string
		new  func() scheduler.Strategy
		runs int
	}{
		{"random", func() scheduler.Strategy { return scheduler.NewRandom(1) }, 300},
		{"dpor", func() scheduler.Strategy { return scheduler.NewDPOR() }, 5000},
	}
	for _, p := range goPrograms {
		for _, st := range strategies {
			t.Run(p.name+"/"+st.name, func(t *testing.T) {
				rep, err := sim.Explore(p.s, sim.Options{Strategy: st.new(), Runs: st.runs, Races: true, StopOnFinding: true})
				if err != nil {
					t.Fatal(err)
				}
				if p.want == "" {
					if len(rep.Findings) > 0 {
						t.Fatalf("correct program: %v", rep.Findings[0])
					}
					return
				}
				if len(rep.Findings) == 0 {
					t.Fatalf("want %s, found nothing in %d runs", p.want, rep.Runs)
				}
				f := rep.Findings[0]
				if f.Kind != p.want || !strings.Contains(f.String(), p.words) {
					t.Fatalf("want %s with %q, got %v", p.want, p.words, f)
				}
			})
		}
	}
}

// TestGoDeterministicTraces: every Go primitive, timers and select
// included, gives byte-identical traces for the same seed, and a trace
// replays to the same bytes and verdict.
func TestGoDeterministicTraces(t *testing.T) {
	for _, p := range goPrograms {
		for seed := uint64(1); seed <= 20; seed++ {
			assertDeterministic(t, p.name, p.s, func() sim.Options {
				return sim.Options{Strategy: scheduler.NewRandom(seed), Races: true, MaxSteps: 2000, Meta: sim.Meta{Protocol: "test", Variant: p.name}}
			})
		}
	}
}

// assertDeterministic runs s twice under o and replays the trace: the
// three traces must be byte-identical and the verdicts the same.
func assertDeterministic(t *testing.T, name string, s sim.Scenario, o func() sim.Options) {
	t.Helper()
	seed := o().Strategy.Info().Seed
	_, t1, err := sim.Run(s, o(), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, t2, _ := sim.Run(s, o(), 0)
	b1, err := t1.Encode()
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := t2.Encode()
	if !bytes.Equal(b1, b2) {
		t.Fatalf("%s seed %d: two runs gave different traces", name, seed)
	}
	f, t3, err := sim.Replay(s, t1)
	if err != nil {
		t.Fatalf("%s seed %d: replay: %v", name, seed, err)
	}
	if (f == nil) != (t1.Finding == nil) {
		t.Fatalf("%s seed %d: replay verdict differs", name, seed)
	}
	b3, _ := t3.Encode()
	if !bytes.Equal(b1, b3) {
		t.Fatalf("%s seed %d: replayed trace differs", name, seed)
	}
}

// TestGoWorkersAgree: the report does not depend on the worker count.
func TestGoWorkersAgree(t *testing.T) {
	for _, p := range goPrograms {
		var counts [2]string
		for i, w := range []int{1, 2} {
			rep, err := sim.Explore(p.s, sim.Options{Strategy: scheduler.NewDPOR(), Runs: 2000, Workers: w, Races: true})
			if err != nil {
				t.Fatal(err)
			}
			counts[i] = fmt.Sprint(rep.Runs, rep.Counts, rep.TerminalStates)
		}
		if counts[0] != counts[1] {
			t.Errorf("%s: 1 worker %s, 2 workers %s", p.name, counts[0], counts[1])
		}
	}
}

// TestGoDPORMatchesDFS: on every small program with Go's primitives, DPOR
// reaches the same terminal states and the same finding kinds as
// brute-force DFS (no preemption bound), so the labels of the new
// operations (wide channel ops, timers) make it sound.
func TestGoDPORMatchesDFS(t *testing.T) {
	for _, p := range goPrograms {
		for _, unfair := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/unfair=%v", p.name, unfair), func(t *testing.T) {
				o := func(s scheduler.Strategy) sim.Options {
					return sim.Options{Strategy: s, Runs: 20000, Races: true, MaxSteps: 300, Unfair: unfair}
				}
				dfs, err := sim.Explore(p.s, o(scheduler.NewDFS(-1)))
				if err != nil {
					t.Fatal(err)
				}
				if !dfs.Exhausted {
					t.Skipf("DFS did not finish in %d runs", dfs.Runs)
				}
				dpor, err := sim.Explore(p.s, o(scheduler.NewDPOR()))
				if err != nil {
					t.Fatal(err)
				}
				if !dpor.Exhausted || dpor.TerminalStates != dfs.TerminalStates || fmt.Sprint(sortedKinds(dpor)) != fmt.Sprint(sortedKinds(dfs)) {
					t.Fatalf("DFS: %d runs, %d terminal states, kinds %v; DPOR: %d runs, %d terminal states, kinds %v",
						dfs.Runs, dfs.TerminalStates, sortedKinds(dfs), dpor.Runs, dpor.TerminalStates, sortedKinds(dpor))
				}
				t.Logf("DFS %d runs, DPOR %d runs, %d terminal states", dfs.Runs, dpor.Runs, dfs.TerminalStates)
			})
		}
	}
}

func sortedKinds(r *sim.Report) []string {
	var ks []string
	for k := range r.Counts {
		ks = append(ks, string(k))
	}
	sort.Strings(ks)
	return ks
}

func init() {
	// Programs with several outcomes, for the DPOR-versus-DFS test.
	goPrograms = append(goPrograms, []goProgram{
		{"who sends first", "", "", func(x *sim.Execution) {
			a := sim.NewChan[int](x, "a", 1)
			b := sim.NewChan[int](x, "b", 0)
			first := sim.NewVar(x, "first", 0)
			x.Go("sa", func() { a.Send(1) })
			x.Go("sb", func() { sim.Select(x, b.SendCase(2, nil), sim.Default(nil)) })
			for range 2 {
				sim.Select(x,
					a.RecvCase(func(v int, _ bool) { first.Write(first.Read()*10 + v) }),
					b.RecvCase(func(v int, _ bool) { first.Write(first.Read()*10 + v) }),
					sim.Default(nil))
			}
		}},
		{"timeout or reply", "", "", func(x *sim.Execution) {
			reply := sim.NewChan[int](x, "reply", 1)
			won := sim.NewVar(x, "won", "")
			x.Go("server", func() { reply.Send(1) })
			sim.Select(x, reply.RecvCase(func(int, bool) { won.Write("reply") }),
				sim.After(x, 5).RecvCase(func(sim.Duration, bool) { won.Write("timeout") }))
		}},
		{"cancel or err", "", "", func(x *sim.Execution) {
			ctx, cancel := sim.WithCancel(sim.Background(x))
			seen := sim.NewVar(x, "seen", "")
			x.Go("canceller", cancel)
			x.Go("watcher", func() { seen.Write(fmt.Sprint(ctx.Err())) })
		}},
	}...)
}
