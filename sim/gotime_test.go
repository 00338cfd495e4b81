package sim_test

import (
	"errors"

	"github.com/simrun/simrun/sim"
)

func init() {
	goPrograms = append(goPrograms, []goProgram{
		{"timeout leaks the worker", sim.Leak, "chan send", func(x *sim.Execution) {
			ctx, cancel := sim.WithTimeout(sim.Background(x), 10)
			defer cancel()
			result := sim.NewChan[int](x, "result", 0)
			x.Go("worker", func() { sim.GoSleep(x, 5); result.Send(1) })
			sim.Select(x, result.RecvCase(nil), ctx.Done().RecvCase(nil))
		}},
		{"timeout with buffered result", "", "", func(x *sim.Execution) {
			ctx, cancel := sim.WithTimeout(sim.Background(x), 10)
			defer cancel()
			result := sim.NewChan[int](x, "result", 1)
			x.Go("worker", func() { sim.GoSleep(x, 5); result.Send(1) })
			sim.Select(x, result.RecvCase(nil), ctx.Done().RecvCase(func(struct{}, bool) {
				x.Assert(errors.Is(ctx.Err(), sim.DeadlineExceeded), "err %v", ctx.Err())
			}))
		}},
		{"timers fire in deadline order", "", "", func(x *sim.Execution) {
			t1 := sim.NewTimer(x, 20)
			t2 := sim.After(x, 10)
			// t1 may fire before After runs (at 20, making t2's 30), as in Go.
			got := t2.Recv()
			x.Assert(got == 10 || got == 30, "t2 fired at %v", got)
			x.Assert(t1.C.Recv() == 20 && sim.Since(x, 0) >= 20, "t1")
			x.Assert(!t1.Stop(), "stop after fire")
		}},
		{"stopped timer never fires", "", "", func(x *sim.Execution) {
			t := sim.NewTimer(x, 10)
			t.Stop() // it may have fired: Stop drains C either way
			sim.Select(x, t.C.RecvCase(func(sim.Duration, bool) { x.Assert(false, "stopped timer left a value") }), sim.Default(nil))
			now := x.Now()
			t.Reset(5)
			x.Assert(t.C.Recv() == now+5, "reset")
		}},
		{"fired and stopped timers re-armed", "", "", func(x *sim.Execution) {
			// A disarmed timer's daemon leaves the live actors (dormant);
			// Reset must bring it back, from main and from a goroutine.
			finished := false
			x.Check(func(*sim.History) *sim.Finding {
				if !finished {
					return &sim.Finding{Kind: "test-failed", Message: "main did not get past its receives"}
				}
				return nil
			})
			for range 20 {
				sim.After(x, 1).Recv()
			}
			t := sim.NewTimer(x, 10)
			t.C.Recv()
			now := x.Now()
			t.Reset(5)
			x.Assert(t.C.Recv() == now+5, "reset after firing")
			u := sim.NewTimer(x, 10)
			u.Stop()
			x.Go("resetter", func() { u.Reset(3) })
			u.C.Recv()
			finished = true
		}},
		{"blocked forever beside fired timers", sim.Deadlock, "chan receive", func(x *sim.Execution) {
			for range 5 {
				sim.After(x, 1).Recv()
			}
			never := sim.NewChan[int](x, "never", 0)
			never.Recv()
		}},
		{"ticker and afterfunc", "", "", func(x *sim.Execution) {
			tk := sim.NewTicker(x, 3)
			for range 3 {
				tk.C.Recv()
			}
			tk.Stop()
			wg := sim.NewWaitGroup(x, "wg")
			wg.Add(1)
			sim.AfterFunc(x, 5, wg.Done)
			wg.Wait()
		}},
		{"unstopped ticker ends with main", "", "", func(x *sim.Execution) {
			tk := sim.NewTicker(x, 3)
			tk.C.Recv()
		}},
		{"cancel propagates", "", "", func(x *sim.Execution) {
			parent, cancel := sim.WithCancelCause(sim.Background(x))
			child, cancelChild := sim.WithCancel(parent)
			defer cancelChild()
			boom := errors.New("boom")
			x.Go("canceller", func() { cancel(boom) })
			child.Done().Recv()
			x.Assert(child.Err() == sim.Canceled && child.Cause() == boom, "err %v cause %v", child.Err(), child.Cause())
		}},
		{"context never canceled", sim.Deadlock, "chan receive", func(x *sim.Execution) {
			ctx, cancel := sim.WithCancel(sim.Background(x))
			_ = cancel
			ctx.Done().Recv()
		}},
	}...)
}
