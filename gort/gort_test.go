package gort

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simrun/simrun/traces"
)

// The programs below are what the translator produces from plain Go
// tests: every channel, go statement, sync and time operation calls gort.

// testConfig is a small exploration: enough executions for every bug
// below under the default portfolio, few enough for -short.
func testConfig(t *testing.T) Config {
	return Config{Runs: 40, TracesDir: t.TempDir()}
}

var counter int // package state of the reset case

// valueOf copies *p, as translated code that copies a lock does (go vet
// would flag a plain assignment here).
func valueOf[T any](p *T) T { return *p }

func TestPrograms(t *testing.T) {
	cases := []struct {
		name string
		want string // finding kind; "" clean
		in   string // the message contains it
		body func(t *T)
	}{
		{"producer-consumer", "", "", func(t *T) {
			ch := MakeChan[int](2, "pc.go:1")
			done := MakeChan[int](0, "pc.go:2")
			Go("consumer", func() {
				sum := 0
				for {
					v, ok := RecvOK(ch)
					if !ok {
						break
					}
					sum += v
				}
				Send(done, sum)
			})
			for i := 1; i <= 3; i++ {
				Send(ch, i)
			}
			Close(ch)
			if s := Recv(done); s != 6 {
				t.Errorf("sum %d, want 6", s)
			}
		}},
		{"leak-after-timeout", "leak", "worker [chan send]", func(t *T) {
			result := MakeChan[int](0, "leak.go:1") // bug: unbuffered
			Go("worker", func() {
				Sleep(5 * time.Millisecond)
				Send(result, 42)
			})
			Select(false, Recving(result), Recving(After(time.Millisecond)))
		}},
		{"leak-fixed", "", "", func(t *T) {
			result := MakeChan[int](1, "leak.go:1")
			Go("worker", func() {
				Sleep(5 * time.Millisecond)
				Send(result, 42)
			})
			Select(false, Recving(result), Recving(After(time.Millisecond)))
		}},
		{"waitgroup-copied", "deadlock", "Done was never called", func(t *T) {
			var wg WaitGroup
			wg.Add(1)
			Go("worker", func() {
				c := wg // bug: Done on a copy (go vet's copylocks)
				c.Done()
			})
			wg.Wait()
		}},
		{"waitgroup-shared", "", "", func(t *T) {
			var wg WaitGroup
			wg.Add(1)
			p := &wg
			Go("worker", func() { p.Done() })
			wg.Wait()
		}},
		{"locked-mutex-copied", "deadlock", "(copy)", func(t *T) {
			var mu Mutex
			mu.Lock()
			c := valueOf(&mu) // a copy of a locked mutex is locked
			c.Lock()
		}},
		{"deadlock", "deadlock", "all goroutines are asleep", func(t *T) {
			ch := MakeChan[int](0, "dl.go:1")
			Go("sender", func() { Recv(ch) })
			Recv(ch)
		}},
		{"abba", "deadlock", "waits for sync.Mutex@gort_test.go:", func(t *T) {
			var a, b Mutex
			var wg WaitGroup
			wg.Add(2)
			Go("t1", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock(); wg.Done() })
			Go("t2", func() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock(); wg.Done() })
			wg.Wait()
		}},
		{"abba-fixed", "", "", func(t *T) {
			var a, b Mutex
			var wg WaitGroup
			wg.Add(2)
			Go("t1", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock(); wg.Done() })
			Go("t2", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock(); wg.Done() })
			wg.Wait()
		}},
		{"race", "race", "data race on n (race.go:", func(t *T) {
			n := 0
			var wg WaitGroup
			wg.Go(func() { *Write(&n, "n (race.go:2)")++ })
			*Write(&n, "n (race.go:3)")++
			wg.Wait()
			_ = *Read(&n, "n (race.go:5)")
		}},
		{"race-mutex", "", "", func(t *T) {
			n := 0
			var mu Mutex
			var wg WaitGroup
			wg.Go(func() { mu.Lock(); *Write(&n, "n (race.go:2)")++; mu.Unlock() })
			mu.Lock()
			*Write(&n, "n (race.go:3)")++
			mu.Unlock()
			wg.Wait()
			if *Read(&n, "n (race.go:5)") != 2 {
				t.Error("lost update")
			}
		}},
		{"atomic-flag", "", "", func(t *T) {
			data := 0
			var ready Bool
			Go("writer", func() {
				*Write(&data, "data (flag.go:1)") = 42
				ready.Store(true)
			})
			for !ready.Load() {
				Gosched()
			}
			if *Read(&data, "data (flag.go:2)") != 42 {
				t.Error("data not published")
			}
		}},
		{"plain-flag", "race", "data race", func(t *T) {
			data, ready := 0, false
			Go("writer", func() {
				*Write(&data, "data (flag.go:1)") = 42
				*Write(&ready, "ready (flag.go:2)") = true
			})
			for !*Read(&ready, "ready (flag.go:3)") {
				Gosched()
			}
			_ = *Read(&data, "data (flag.go:4)")
		}},
		{"atomic-counter", "", "", func(t *T) {
			var n int64
			var wg WaitGroup
			for range 3 {
				wg.Go(func() { AddInt64(&n, 1) })
			}
			wg.Wait()
			if LoadInt64(&n) != 3 {
				t.Error("lost add")
			}
		}},
		{"atomic-mixed-plain", "race", "data race on applied (mixed.go:2)", func(t *T) {
			var applied uint64
			done := MakeChan[struct{}](0, "mixed.go:1")
			Go("applier", func() { AddUint64(&applied, 1); Close(done) })
			_ = *Read(&applied, "applied (mixed.go:2)") // bug: a plain read of an atomic word
			Recv(done)
		}},
		{"atomic-after-plain", "race", "data race on", func(t *T) {
			var n int64
			done := MakeChan[struct{}](0, "mixed.go:1")
			Go("writer", func() { *Write(&n, "n (mixed.go:2)") = 1; Close(done) })
			StoreInt64(&n, 2) // races with the plain write
			Recv(done)
		}},
		{"atomic-then-join", "", "", func(t *T) {
			var n int64
			done := MakeChan[struct{}](0, "mixed.go:1")
			Go("adder", func() { AddInt64(&n, 1); Close(done) })
			AddInt64(&n, 1)
			Recv(done)
			if *Read(&n, "n (mixed.go:2)") != 2 { // ordered by the close
				t.Error("lost add")
			}
		}},
		{"select-default", "", "", func(t *T) {
			ch := MakeChan[int](0, "sel.go:1")
			var nilch *Chan[int]
			if Select(true, Recving(ch), Recving(nilch)) != -1 {
				t.Error("select with nobody ready did not take the default")
			}
			Go("sender", func() { Send(ch, 1) })
			for {
				r := Recving(ch)
				if Select(true, r, Sending(nilch, 2)) == 0 {
					if r.Value() != 1 || !r.OK() {
						t.Errorf("got %d %v", r.Value(), r.OK())
					}
					break
				}
				Gosched()
			}
		}},
		{"timers", "", "", func(t *T) {
			start := Now()
			if !start.Equal(Epoch) {
				t.Errorf("start %v, want the epoch", start)
			}
			Sleep(10 * time.Millisecond)
			if d := Since(start); d != 10*time.Millisecond {
				t.Errorf("slept %v", d)
			}
			tm := NewTimer(time.Second)
			tm.Stop() // it may have fired: a timer can fire at any step
			if Select(true, Recving(tm.C)) != -1 {
				t.Error("a stopped timer's channel holds a value")
			}
			fired := MakeChan[bool](1, "timer.go:1")
			AfterFunc(time.Millisecond, func() { Send(fired, true) })
			Recv(fired)
			tk := NewTicker(time.Millisecond)
			got := Recv(tk.C)
			got2 := Recv(tk.C)
			tk.Stop()
			if !got2.After(got) {
				t.Errorf("ticks %v then %v", got, got2)
			}
		}},
		{"context-cancel", "", "", func(t *T) {
			ctx, cancel := WithCancel(Background())
			ctx = WithValue(ctx, "k", "v")
			done := MakeChan[error](0, "ctx.go:1")
			Go("worker", func() {
				Recv(ctx.Done())
				Send(done, ctx.Err())
			})
			cancel()
			if err := Recv(done); !errors.Is(err, Canceled) {
				t.Errorf("err %v", err)
			}
			if ctx.Value("k") != "v" {
				t.Error("value lost")
			}
			tctx, tcancel := WithTimeout(Background(), time.Millisecond)
			defer tcancel()
			Recv(tctx.Done())
			if !errors.Is(tctx.Err(), DeadlineExceeded) {
				t.Errorf("timeout err %v", tctx.Err())
			}
			ran := MakeChan[bool](1, "ctx.go:2")
			AfterFuncCtx(tctx, func() { Send(ran, true) })
			Recv(ran)
		}},
		{"context-ignored", "leak", "worker", func(t *T) {
			ctx, cancel := WithTimeout(Background(), time.Millisecond)
			defer cancel()
			out := MakeChan[int](0, "ctx.go:1")
			Go("worker", func() { Sleep(2 * time.Millisecond); Send(out, 1) })
			Select(false, Recving(out), Recving(ctx.Done()))
		}},
		{"waitgroup-negative", "negative-waitgroup", "on sync.WaitGroup@gort_test.go:", func(t *T) {
			var wg WaitGroup
			wg.Add(1)
			Go("worker", func() { wg.Done(); wg.Done() })
			wg.Wait()
		}},
		{"fatal-in-goroutine", "test-failed", "gort_test.go:", func(t *T) {
			done := MakeChan[bool](0, "fatal.go:1")
			Go("checker", func() {
				defer Send(done, true)
				if NumGoroutine() == 2 {
					t.Fatal("boom")
				}
			})
			Recv(done)
		}},
		{"panic", "panic", "gort_test.go:", func(t *T) {
			Go("worker", func() { panic("oops") })
		}},
		{"send-on-closed", "send-on-closed", "send on closed channel", func(t *T) {
			ch := MakeChan[int](1, "closed.go:1")
			Go("closer", func() { Close(ch) })
			Send(ch, 1)
			Recv(ch)
		}},
		{"nil-channel", "deadlock", "nil chan", func(t *T) {
			var ch *Chan[int]
			Recv(ch)
		}},
		{"goexit-in-main", "leak", "stuck", func(t *T) {
			ch := MakeChan[int](0, "exit.go:1")
			Go("stuck", func() { Recv(ch) })
			Goexit()
		}},
		{"verify-none", "leak", "goleak", func(t *T) {
			defer VerifyNone(t)
			ch := MakeChan[int](0, "goleak.go:1")
			Go("ok", func() { Sleep(time.Millisecond) })
			Go("stuck", func() { Recv(ch) })
		}},
		{"verify-none-clean", "", "", func(t *T) {
			defer VerifyNone(t)
			Go("ok", func() { Sleep(time.Millisecond) })
		}},
		{"sync-kit", "", "", func(t *T) {
			var once Once
			var rw RWMutex
			var m Map
			p := Pool{New: func() any { return 7 }}
			mu := &Mutex{}
			c := NewCond(mu)
			ready := false
			var wg WaitGroup
			for i := range 2 {
				wg.Go(func() {
					once.Do(func() { m.Store("once", i) })
					rw.RLock()
					m.LoadOrStore(i, i)
					rw.RUnlock()
					mu.Lock()
					for !ready {
						c.Wait()
					}
					mu.Unlock()
				})
			}
			rw.Lock()
			rw.Unlock()
			mu.Lock()
			ready = true
			c.Broadcast()
			mu.Unlock()
			wg.Wait()
			n := 0
			m.Range(func(k, v any) bool { n++; return true })
			if n != 3 {
				t.Errorf("map has %d entries", n)
			}
			if p.Get() != 7 {
				t.Error("pool New")
			}
			p.Put(8)
			if p.Get() != 8 {
				t.Error("pool Put")
			}
			if f := OnceValue(func() int { return 3 }); f()+f() != 6 {
				t.Error("OnceValue")
			}
		}},
		{"skip", "", "", func(t *T) {
			t.Skip("not today")
		}},
		{"subtest-cleanup", "", "", func(t *T) {
			order := ""
			t.Cleanup(func() {
				if order != "sub cleanup," {
					panic("cleanup order: " + order)
				}
			})
			t.Run("sub", func(t *T) {
				t.Cleanup(func() { order += "cleanup," })
				order += "sub "
				t.SkipNow()
			})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, msg := runTest(t, testConfig(t), "example.com/p", "Test", c.body)
			want := "clean"
			switch {
			case c.want != "":
				want = "finding"
			case c.name == "skip":
				want = "skipped"
			}
			if res.Verdict != want || res.Kind != c.want {
				t.Fatalf("verdict %s %s, want %s %s\n%s", res.Verdict, res.Kind, want, c.want, msg)
			}
			t.Log(msg)
			if !strings.Contains(msg, c.in) {
				t.Errorf("message does not say %q:\n%s", c.in, msg)
			}
			if c.want != "" && res.Trace == "" {
				t.Errorf("no trace saved:\n%s", msg)
			}
		})
	}
}

// TestPackageReset checks that package state starts afresh in every
// execution: a counter incremented once per execution is 1 each time with
// the package's reset registered, and not without it.
func TestPackageReset(t *testing.T) {
	body := func(t *T) {
		counter++
		if counter != 1 {
			t.Errorf("counter %d at the start of an execution", counter)
		}
	}
	saved := packages
	defer func() { packages, counter = saved, 0 }()
	res, msg := runTest(t, testConfig(t), "example.com/p", "Test", body)
	if res.Verdict != "finding" || res.Kind != string(TestFailed) || !strings.Contains(msg, "gort_test.go:") {
		t.Fatalf("without a reset: %s %s\n%s", res.Verdict, res.Kind, msg)
	}
	RegisterPackage("example.com/p", func() { counter = 0 })
	if res, msg := runTest(t, testConfig(t), "example.com/p", "Test", body); res.Verdict != "clean" {
		t.Fatalf("with a reset: %s\n%s", res.Verdict, msg)
	}
}

// TestReplayRand checks that draws are recorded: a small range is a choice
// the search explores, and the trace of the failure replays to the same
// failure, values included.
func TestReplayRand(t *testing.T) {
	shared := 0
	body := func(t *T) {
		*Write(&shared, "shared (rand.go:1)") = RandIntn(1000)
		if RandIntn(4) == 3 {
			t.Errorf("drew 3 after %d", *Read(&shared, "shared (rand.go:2)"))
		}
	}
	// A trace found without the race detector replays too: the replay
	// instruments memory as the trace's execution did, whatever the Config.
	for _, noRaces := range []bool{false, true} {
		cfg := testConfig(t)
		cfg.NoRaces = noRaces
		res, msg := runTest(t, cfg, "example.com/p", "TestRand", body)
		if res.Kind != string(TestFailed) {
			t.Fatalf("no failure found: %s\n%s", res.Verdict, msg)
		}
		cfg.Trace, cfg.NoRaces = res.Trace, false
		rep, rmsg := runTest(t, cfg, "example.com/p", "TestRand", body)
		if rep.Verdict != "replayed" || rep.Kind != string(TestFailed) || rep.Message != res.Message {
			t.Fatalf("noRaces %v: replay: %s %s %q, want %q\n%s", noRaces, rep.Verdict, rep.Kind, rep.Message, res.Message, rmsg)
		}
		if rep.Steps == 0 {
			t.Error("the replay's result has no steps")
		}
		if !strings.Contains(rep.Timeline, "choose") {
			t.Errorf("the timeline shows no draw:\n%s", rep.Timeline)
		}
		other, _ := runTest(t, cfg, "example.com/p", "TestOther", body)
		if other.Verdict != "skipped" {
			t.Errorf("another test replaying this trace: %s, want skipped", other.Verdict)
		}
	}
}

// TestDeterministic checks that the same Config gives byte-identical
// traces.
func TestDeterministic(t *testing.T) {
	body := func(t *T) {
		var mu Mutex
		n := 0
		ch := MakeChan[int](0, "det.go:1")
		for i := range 3 {
			Go("w", func() {
				mu.Lock()
				n += i
				mu.Unlock()
				if RandIntn(3) == 2 && n == 3 {
					Send(ch, n) // leaks in some schedules
				}
			})
		}
	}
	var got [][]byte
	for range 2 {
		res, msg := runTest(t, testConfig(t), "example.com/p", "TestDet", body)
		if res.Trace == "" {
			t.Fatalf("no finding: %s", msg)
		}
		b, err := os.ReadFile(res.Trace)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b)
	}
	if !bytes.Equal(got[0], got[1]) {
		t.Errorf("two explorations with one Config saved different traces")
	}
}

// TestTracesDir: the traces directory is absolute, simrun-traces by
// default, so that every test binary saves where the driver looks.
func TestTracesDir(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{"", filepath.Join(wd, traces.DefaultDir)},
		{"out", filepath.Join(wd, "out")},
		{"/abs/dir", "/abs/dir"},
	} {
		if got, err := TracesDir(c.in); err != nil || got != c.want {
			t.Errorf("TracesDir(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestResultHasFinding: a finding, found or reproduced by a replay, and
// nothing else.
func TestResultHasFinding(t *testing.T) {
	for _, c := range []struct {
		r    Result
		want bool
	}{
		{Result{Verdict: "finding", Kind: "leak"}, true},
		{Result{Verdict: "replayed", Kind: "leak"}, true},
		{Result{Verdict: "replayed"}, false},
		{Result{Verdict: "clean"}, false},
		{Result{Verdict: "error", Message: "no result"}, false},
		{Result{Verdict: "skipped"}, false},
	} {
		if got := c.r.HasFinding(); got != c.want {
			t.Errorf("%+v: HasFinding() = %v", c.r, got)
		}
	}
}
