package sim_test

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/simrun/simrun/sim"
)

// keptScenario returns a scenario that creates a primitive with mk in its
// first execution, keeps it (the misuse), and hands it to use in every
// later one.
func keptScenario[T any](mk func(x *sim.Execution) T, use func(x *sim.Execution, v T)) sim.Scenario {
	var kept T
	first := true
	return func(x *sim.Execution) {
		if first {
			first = false
			kept = mk(x)
			return
		}
		x.Go("user", func() {
			use(x, kept)
			x.Failf(sim.Assertion, "the stale primitive returned: nothing stopped its use")
		})
	}
}

// The misuse scenarios of issue 14: each must be a finding of the given
// kind whose message says what went wrong, never a crash, a hang or a clean
// run (an actor that silently stops would pass).
var misuses = []struct {
	name string
	want sim.Kind
	msg  string // in the finding's message
	s    sim.Scenario
}{
	{"mutex of an earlier execution", sim.Misuse, "mutex m of execution #",
		keptScenario(func(x *sim.Execution) *sim.Mutex { return sim.NewMutex(x, "m") },
			func(_ *sim.Execution, m *sim.Mutex) { m.Lock() })},
	{"var of an earlier execution", sim.Misuse, "var v of execution #",
		keptScenario(func(x *sim.Execution) *sim.Var[int] { return sim.NewVar(x, "v", 0) },
			func(_ *sim.Execution, v *sim.Var[int]) { v.Write(1) })},
	{"atomic of an earlier execution", sim.Misuse, "atomic a of execution #",
		keptScenario(func(x *sim.Execution) *sim.Atomic[int] { return sim.NewAtomic(x, "a", 0) },
			func(_ *sim.Execution, a *sim.Atomic[int]) { a.Load() })},
	{"cond of an earlier execution", sim.Misuse, "cond c of execution #",
		keptScenario(func(x *sim.Execution) *sim.Cond { return sim.NewCond(x, "c", sim.NewMutex(x, "m")) },
			func(_ *sim.Execution, c *sim.Cond) { c.Signal() })},
	{"object of an earlier execution", sim.Misuse, "object o of execution #",
		keptScenario(func(x *sim.Execution) *sim.Object { return sim.NewObject(x, "o") },
			func(_ *sim.Execution, o *sim.Object) { o.Do(func() {}) })},
	{"resource of an earlier execution", sim.Misuse, "resource r of execution #",
		keptScenario(func(x *sim.Execution) *sim.Resource { return sim.NewResource(x, "r", 1) },
			func(_ *sim.Execution, r *sim.Resource) { r.Use(1) })},
	{"actor of an earlier execution", sim.Misuse, "Join of an actor of execution #",
		keptScenario(func(x *sim.Execution) *sim.Actor { x.Go("a", func() {}); return x.Go("b", func() {}) },
			func(_ *sim.Execution, a *sim.Actor) { a.Join() })},
	// The later executions create a primitive of the same type first, so
	// a recycled slot would alias the kept handle: primitives are never
	// recycled, and the kept one is still caught.
	{"mutex kept while the next execution makes one", sim.Misuse, "mutex m of execution #",
		keptScenario(func(x *sim.Execution) *sim.Mutex { return sim.NewMutex(x, "m") },
			func(x *sim.Execution, m *sim.Mutex) { sim.NewMutex(x, "fresh"); m.Lock() })},
	{"actor kept while the next execution spawns one", sim.Misuse, "Join of an actor of execution #",
		keptScenario(func(x *sim.Execution) *sim.Actor { return x.Go("a", func() {}) },
			func(_ *sim.Execution, a *sim.Actor) { a.Join() })},
	// Go's vocabulary: the same check, for every kind of handle.
	{"channel of an earlier execution", sim.Misuse, "chan ch of execution #",
		keptScenario(func(x *sim.Execution) *sim.Chan[int] { return sim.NewChan[int](x, "ch", 1) },
			func(_ *sim.Execution, ch *sim.Chan[int]) { ch.Send(1) })},
	{"channel of an earlier execution in a select", sim.Misuse, "chan ch of execution #",
		keptScenario(func(x *sim.Execution) *sim.Chan[int] { return sim.NewChan[int](x, "ch", 1) },
			func(x *sim.Execution, ch *sim.Chan[int]) { sim.Select(x, ch.SendCase(1, nil)) })},
	{"Go mutex of an earlier execution", sim.Misuse, "gomutex m of execution #",
		keptScenario(func(x *sim.Execution) *sim.GoMutex { return sim.NewGoMutex(x, "m") },
			func(_ *sim.Execution, m *sim.GoMutex) { m.Lock() })},
	{"wait group of an earlier execution", sim.Misuse, "waitgroup wg of execution #",
		keptScenario(func(x *sim.Execution) *sim.WaitGroup { return sim.NewWaitGroup(x, "wg") },
			func(_ *sim.Execution, wg *sim.WaitGroup) { wg.Wait() })},
	{"semaphore of an earlier execution", sim.Misuse, "semaphore s of execution #",
		keptScenario(func(x *sim.Execution) *sim.Semaphore { return sim.NewSemaphore(x, "s", 1) },
			func(_ *sim.Execution, s *sim.Semaphore) { s.Acquire(1) })},
	{"atomic integer of an earlier execution", sim.Misuse, "atomic n of execution #",
		keptScenario(func(x *sim.Execution) *sim.AtomicInt[int] { return sim.NewAtomicInt(x, "n", 0) },
			func(_ *sim.Execution, n *sim.AtomicInt[int]) { n.Add(1) })},
	{"RW mutex of an earlier execution", sim.Misuse, "rwmutex m of execution #",
		keptScenario(func(x *sim.Execution) *sim.RWMutex { return sim.NewRWMutex(x, "m") },
			func(_ *sim.Execution, m *sim.RWMutex) { m.RLock() })},
	{"once of an earlier execution", sim.Misuse, "once o of execution #",
		keptScenario(func(x *sim.Execution) *sim.Once { return sim.NewOnce(x, "o") },
			func(_ *sim.Execution, o *sim.Once) { o.Do(func() {}) })},
	{"Go cond of an earlier execution", sim.Misuse, "gocond c of execution #",
		keptScenario(func(x *sim.Execution) *sim.GoCond { return sim.NewGoCond(x, "c", sim.NewGoMutex(x, "m")) },
			func(_ *sim.Execution, c *sim.GoCond) { c.Signal() })},
	{"timer of an earlier execution", sim.Misuse, "timer timer1 of execution #",
		keptScenario(func(x *sim.Execution) *sim.Timer { return sim.NewTimer(x, 5) },
			func(_ *sim.Execution, t *sim.Timer) { t.Stop() })},
	// Primitives come from chunks that hold many of a type (see alloc):
	// the later executions make one of the kept one's type first, which
	// would take the kept one's slot if slots were recycled.
	{"var kept while the next execution makes one", sim.Misuse, "var v of execution #",
		keptScenario(func(x *sim.Execution) *sim.Var[int] { return sim.NewVar(x, "v", 0) },
			func(x *sim.Execution, v *sim.Var[int]) { sim.NewVar(x, "fresh", 0); v.Write(1) })},
	{"atomic kept while the next execution makes one", sim.Misuse, "atomic a of execution #",
		keptScenario(func(x *sim.Execution) *sim.Atomic[int] { return sim.NewAtomic(x, "a", 0) },
			func(x *sim.Execution, a *sim.Atomic[int]) { sim.NewAtomic(x, "fresh", 0); a.Store(1) })},
	{"cond kept while the next execution makes one", sim.Misuse, "cond c of execution #",
		keptScenario(func(x *sim.Execution) *sim.Cond { return sim.NewCond(x, "c", sim.NewMutex(x, "m")) },
			func(x *sim.Execution, c *sim.Cond) { sim.NewCond(x, "fresh", sim.NewMutex(x, "fm")); c.Broadcast() })},
	{"object kept while the next execution makes one", sim.Misuse, "object o of execution #",
		keptScenario(func(x *sim.Execution) *sim.Object { return sim.NewObject(x, "o") },
			func(x *sim.Execution, o *sim.Object) { sim.NewObject(x, "fresh"); o.Do(func() {}) })},
	{"channel kept while the next execution makes one", sim.Misuse, "chan ch of execution #",
		keptScenario(func(x *sim.Execution) *sim.Chan[int] { return sim.NewChan[int](x, "ch", 1) },
			func(x *sim.Execution, ch *sim.Chan[int]) { sim.NewChan[int](x, "fresh", 1); ch.Send(1) })},
	{"Go mutex kept while the next execution makes one", sim.Misuse, "gomutex m of execution #",
		keptScenario(func(x *sim.Execution) *sim.GoMutex { return sim.NewGoMutex(x, "m") },
			func(x *sim.Execution, m *sim.GoMutex) { sim.NewGoMutex(x, "fresh"); m.Lock() })},
	{"cond on a mutex of an earlier execution", sim.Misuse, "NewCond with mutex m of execution #",
		keptScenario(func(x *sim.Execution) *sim.Mutex { return sim.NewMutex(x, "m") },
			func(x *sim.Execution, m *sim.Mutex) { sim.NewCond(x, "c", m) })},
	{"a check panics", sim.Panic, "a check panicked: boom", func(x *sim.Execution) {
		x.Check(func(*sim.History) *sim.Finding { panic("boom") })
	}},
	{"Goexit in an actor", sim.Misuse, "a called runtime.Goexit", func(x *sim.Execution) {
		v := sim.NewVar(x, "v", 0)
		x.Go("a", func() {
			v.Write(1)
			runtime.Goexit()
		})
		x.Go("b", func() { v.Write(2) })
	}},
	{"Goexit in main", sim.Misuse, "main called runtime.Goexit", func(x *sim.Execution) {
		runtime.Goexit()
	}},
	{"a visible operation inside Do", sim.Panic, "sim: lock inside Do of object o", func(x *sim.Execution) {
		o, m := sim.NewObject(x, "o"), sim.NewMutex(x, "m")
		x.Go("a", func() { o.Do(func() { m.Lock() }) })
	}},
	{"Choose inside Do", sim.Panic, "sim: choose inside Do of object o", func(x *sim.Execution) {
		o := sim.NewObject(x, "o")
		x.Go("a", func() { o.Do(func() { x.Choose("c", 2) }) })
	}},
	{"Choose of nothing", sim.Panic, `sim: Choose("c", 0): n must be at least 1`, func(x *sim.Execution) {
		x.Choose("c", 0)
	}},
	{"Choose of a negative n", sim.Panic, `sim: Choose("c", -3)`, func(x *sim.Execution) {
		x.Choose("c", -3)
	}},
	{"negative Sleep", sim.Panic, "sim: Sleep(-1ns): negative duration", func(x *sim.Execution) {
		x.Sleep(-1)
	}},
	{"negative Work", sim.Panic, "sim: Work(-1ns): negative duration", func(x *sim.Execution) {
		x.Work(-1)
	}},
	{"negative Use", sim.Panic, "sim: Resource.Use(-1ns): negative duration", func(x *sim.Execution) {
		sim.NewResource(x, "r", 1).Use(-1)
	}},
}

func TestMisuse(t *testing.T) {
	for _, c := range misuses {
		t.Run(c.name, func(t *testing.T) {
			rep, err := sim.Explore(c.s, sim.Options{Runs: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) != 1 || rep.Findings[0].Kind != c.want {
				t.Fatalf("findings %v, want one %s", rep.Kinds(), c.want)
			}
			f := rep.Findings[0]
			if !strings.Contains(f.Message, c.msg) {
				t.Errorf("message %q does not say %q", f.Message, c.msg)
			}
			if f.Detail == "" {
				t.Errorf("no stack in the finding")
			}
			if f.Trace == nil || f.Trace.Finding == nil || sim.Kind(f.Trace.Finding.Kind) != c.want {
				t.Errorf("the finding's trace does not replay to it")
			}
		})
	}
}

// A primitive of another exploration's execution, which has ended, used by
// an actor: the actor must not stop silently.
func TestMisuseOtherExploration(t *testing.T) {
	var m *sim.Mutex
	if _, err := sim.Explore(func(x *sim.Execution) { m = sim.NewMutex(x, "m") }, sim.Options{Runs: 1}); err != nil {
		t.Fatal(err)
	}
	rep, err := sim.Explore(func(x *sim.Execution) {
		x.Go("user", func() {
			m.Lock()
			x.Failf(sim.Assertion, "the foreign mutex returned")
		})
	}, sim.Options{Runs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Kind != sim.Misuse ||
		!strings.Contains(rep.Findings[0].Message, "called a primitive of another execution") {
		t.Fatalf("findings %v, want a misuse: %v", rep.Kinds(), rep.Findings)
	}
}

// The correct counterpart of the misuse table: the same primitives, made
// in each execution, give no finding.
func TestNoMisuse(t *testing.T) {
	s := func(x *sim.Execution) {
		m := sim.NewMutex(x, "m")
		c := sim.NewCond(x, "c", m)
		v, a, o, r := sim.NewVar(x, "v", 0), sim.NewAtomic(x, "a", 0), sim.NewObject(x, "o"), sim.NewResource(x, "r", 1)
		h := x.Go("w", func() {
			m.Lock()
			v.Write(a.Load() + 1)
			c.Signal()
			m.Unlock()
			o.Do(func() {})
			r.Use(0)
			x.Sleep(0)
			x.Work(0)
			x.Choose("one", 1)
		})
		h.Join()
		x.Check(func(*sim.History) *sim.Finding { return nil })
	}
	rep, err := sim.Explore(s, sim.Options{Runs: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 {
		t.Fatalf("findings in a correct scenario: %v", rep.Findings)
	}
}

// A real go statement in actor code whose goroutine calls a primitive
// after the execution ended: the process stops with a sim: message that
// says what is wrong (a goroutine of the scenario's own cannot be turned
// into a finding: nothing in the simulator runs on it). Run in a child
// process, which it crashes.
func TestMisuseRealGoroutine(t *testing.T) {
	if os.Getenv("SIM_TEST_REAL_GO") == "1" {
		done := make(chan struct{})
		sim.Explore(func(x *sim.Execution) {
			v := sim.NewVar(x, "v", 0)
			x.Go("a", func() {
				go func() {
					time.Sleep(50 * time.Millisecond) // the execution is over by then
					v.Write(1)
					close(done)
				}()
			})
		}, sim.Options{Runs: 1})
		<-done
		return
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMisuseRealGoroutine$")
	cmd.Env = append(os.Environ(), "SIM_TEST_REAL_GO=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child passed:\n%s", out)
	}
	if !strings.Contains(string(out), "panic: sim: a visible operation after its execution ended: called from a real goroutine") {
		t.Fatalf("the child's crash does not say what is wrong:\n%s", out)
	}
}
