package gort

import (
	"os"
	"strings"
	"testing"
	"time"
)

// Package-level objects made outside any execution, as a translated
// package's variable initialisers make them at process start.
var (
	outsideCh   = MakeChan[int](1, "vars.go:1")
	outsideMu   Mutex
	outsideOnce Once
	outsideN    int32
	outsideCtx  Context
	outsideStop CancelFunc
	outsideTick = NewTicker(time.Second)
)

// TestOutside checks that package initialisation (no execution) works
// with the non-blocking operations, that a blocking one panics with a
// clear message, and that the objects then bind to each execution.
func TestOutside(t *testing.T) {
	outsideMu.Lock()
	outsideMu.Unlock()
	ran := 0
	outsideOnce.Do(func() { ran++ })
	outsideOnce.Do(func() { ran++ })
	AddInt32(&outsideN, 2)
	Go("background", func() { panic("a goroutine started outside an execution") })
	Sleep(time.Second)
	AfterFunc(time.Second, func() { panic("an AfterFunc outside an execution") }).Stop()
	outsideTick.Reset(time.Minute)
	outsideCtx, outsideStop = WithTimeout(Background(), time.Second)
	if ran != 1 || LoadInt32(&outsideN) != 2 || !Now().Equal(Epoch) || outsideCtx.Err() != nil || RandIntn(100) < 0 {
		t.Fatalf("outside an execution: once ran %d times, n %d, now %v, err %v", ran, outsideN, Now(), outsideCtx.Err())
	}
	func() {
		defer func() {
			r := recover()
			if s, _ := r.(string); !strings.Contains(s, "channel send outside a simrun execution") {
				t.Errorf("send outside an execution: panic %v", r)
			}
		}()
		Send(outsideCh, 1)
	}()
	res, msg := runTest(t, testConfig(t), "example.com/p", "Test", func(t *T) {
		Go("sender", func() {
			outsideMu.Lock()
			Send(outsideCh, 1)
			outsideMu.Unlock()
		})
		outsideMu.Lock()
		outsideMu.Unlock()
		if Len(outsideCh) > 1 {
			t.Error("channel holds a value of an earlier execution")
		}
		Recv(outsideCh)
		Recv(outsideCtx.Done()) // the deadline, on virtual time
		outsideStop()
	})
	if res.Verdict != "clean" {
		t.Fatalf("package objects in executions: %s\n%s", res.Verdict, msg)
	}
}

// foreignCtx is a Context of the user's own.
type foreignCtx struct {
	Context
	done *Chan[struct{}]
}

func (f *foreignCtx) Done() *Chan[struct{}] { return f.done }
func (f *foreignCtx) Err() error {
	if Select(true, Recving(f.done)) == 0 { // closed
		return Canceled
	}
	return nil
}

func TestMorePrograms(t *testing.T) {
	cases := []struct {
		name string
		want string
		body func(t *T)
	}{
		{"trylock", "", func(t *T) {
			var rw RWMutex
			rw.RLock()
			if rw.TryLock() {
				t.Error("TryLock of a read-locked RWMutex")
			}
			if !rw.TryRLock() {
				t.Error("TryRLock of a read-locked RWMutex")
			}
			rw.RUnlock()
			rw.RUnlock()
			var mu Mutex
			if !mu.TryLock() || mu.TryLock() {
				t.Error("Mutex.TryLock")
			}
		}},
		{"bad-unlock", "bad-unlock", func(t *T) {
			var mu Mutex
			mu.Unlock()
		}},
		{"atomic-value", "", func(t *T) {
			var v Value
			if v.Load() != nil {
				t.Error("fresh Value")
			}
			v.Store(1)
			if !v.CompareAndSwap(1, 2) || v.Swap(3) != 2 || v.Load() != 3 {
				t.Error("Value")
			}
			var p Pointer[int]
			x := 5
			p.Store(&x)
			if *p.Load() != 5 || !p.CompareAndSwap(&x, nil) {
				t.Error("Pointer")
			}
			var u Uint64
			u.Or(6)
			if u.And(3) != 6 || u.Load() != 2 {
				t.Error("Uint64 And/Or")
			}
		}},
		{"foreign-parent", "", func(t *T) {
			parent := &foreignCtx{done: MakeChan[struct{}](0, "fctx.go:1")}
			ctx, cancel := WithCancel(parent)
			defer cancel()
			Go("canceller", func() { Close(parent.done) })
			Recv(ctx.Done())
			if ctx.Err() != Canceled {
				t.Errorf("err %v", ctx.Err())
			}
		}},
		{"afterfunc-stop", "", func(t *T) {
			ctx, cancel := WithCancel(Background())
			ran := false
			stop := AfterFuncCtx(ctx, func() { ran = true })
			if !stop() {
				t.Error("stop before cancel")
			}
			cancel()
			Sleep(time.Millisecond)
			if ran {
				t.Error("a stopped AfterFunc ran")
			}
			cctx, ccancel := WithCancelCause(Background())
			ccancel(errBoom)
			if Cause(cctx) != errBoom || cctx.Err() != Canceled {
				t.Errorf("cause %v err %v", Cause(cctx), cctx.Err())
			}
		}},
		{"cond-lost-wakeup", "deadlock", func(t *T) {
			var mu Mutex
			c := NewCond(&mu)
			ready := false
			Go("signaller", func() {
				ready = true // bug: not under the lock, and the waiter may miss it
				c.Signal()
			})
			mu.Lock()
			if !ready {
				c.Wait()
			}
			mu.Unlock()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, msg := runTest(t, Config{Runs: 40, TracesDir: t.TempDir(), NoRaces: true}, "example.com/p", "Test", c.body)
			if res.Kind != c.want {
				t.Fatalf("verdict %s %s, want %q\n%s", res.Verdict, res.Kind, c.want, msg)
			}
		})
	}
}

var errBoom = &boom{}

type boom struct{}

func (*boom) Error() string { return "boom" }

// TestNames checks that objects are named by kind and the user's site of
// their first use, as traces and findings show them.
func TestNames(t *testing.T) {
	res, msg := runTest(t, Config{Runs: 1, TracesDir: t.TempDir()}, "example.com/p", "Test", func(t *T) {
		var m Map
		var p Pool
		var n int64
		var mu Mutex
		c := NewCond(&mu)
		var once Once
		m.Store(1, 1)
		p.Put(1)
		AddInt64(&n, 1)
		c.Signal()
		once.Do(func() {})
		Send(MakeChan[int](1, "names.go:9"), 1)
		t.Error("stop")
	})
	b, err := os.ReadFile(res.Trace)
	if err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	for _, name := range []string{"sync.Map@outside_test.go:", "sync.Pool@outside_test.go:", "atomic@outside_test.go:",
		"sync.Cond@outside_test.go:", "sync.Once@outside_test.go:", "chan@names.go:9"} {
		if !strings.Contains(string(b), name) {
			t.Errorf("the trace does not name %s", name)
		}
	}
}

func TestPackageOf(t *testing.T) {
	if got := packageOf(TestPackageOf); got != "github.com/simrun/simrun/gort" {
		t.Errorf("packageOf a test of gort: %s", got)
	}
	saved := packages
	defer func() { packages = saved }()
	RegisterPackage("example.com/cmd/tool", func() {})
	RegisterPackage("example.com/cmd/tool [test]", func() {})
	for _, name := range []string{"main.simrunTestX", "main_test.simrunTestX"} {
		if got := packageOfName(name); got != "example.com/cmd/tool" {
			t.Errorf("packageOfName(%s): %s", name, got)
		}
	}
	if got := packageOfName("example.com/a.b/c_test.simrunTestX"); got != "example.com/a.b/c" {
		t.Errorf("packageOfName of an external test package: %s", got)
	}
}
