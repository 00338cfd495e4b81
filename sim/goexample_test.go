package sim_test

import (
	"fmt"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// A worker pool with Go's vocabulary: jobs on a buffered channel, results
// on another, a WaitGroup to close the results when the workers are done.
// 300 random schedules with the race detector find nothing.
func ExampleChan() {
	pool := func(x *sim.Execution) {
		jobs := sim.NewChan[int](x, "jobs", 2)
		results := sim.NewChan[int](x, "results", 2)
		wg := sim.NewWaitGroup(x, "wg")
		for _, name := range []string{"w1", "w2"} {
			wg.Go(name, func() {
				for j := range jobs.Range() {
					results.Send(j * j)
				}
			})
		}
		for j := 1; j <= 2; j++ {
			jobs.Send(j)
		}
		jobs.Close()
		x.Go("closer", func() { wg.Wait(); results.Close() })
		sum := 0
		for r := range results.Range() {
			sum += r
		}
		x.Assert(sum == 5, "sum %d", sum)
	}
	rep, err := sim.Explore(pool, sim.Options{Runs: 300, Races: true})
	if err != nil {
		panic(err)
	}
	fmt.Printf("executions: %d, findings: %d\n", rep.Runs, len(rep.Findings))
	// Output: executions: 300, findings: 0
}

// A timeout leaks the worker that sends its result on an unbuffered
// channel: the finding names the leaked goroutine and the other side.
func ExampleSelect() {
	leak := func(x *sim.Execution) {
		ctx, cancel := sim.WithTimeout(sim.Background(x), 10*sim.Millisecond)
		defer cancel()
		result := sim.NewChan[int](x, "result", 0) // the fix: capacity 1
		x.Go("worker", func() {
			sim.GoSleep(x, 5*sim.Millisecond)
			result.Send(42)
		})
		sim.Select(x, result.RecvCase(nil), ctx.Done().RecvCase(nil))
	}
	rep, err := sim.Explore(leak, sim.Options{Runs: 100, StopOnFinding: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Findings[0].Message)
	// Output: goroutine leak: 1 goroutine(s) blocked forever after main returned; worker [chan send] waits for sending on result (unbuffered): no goroutine can receive from it; nobody ever received from it
}

// A CAS spinlock is not a livelock: fair scheduling lets the holder run.
func ExampleAtomicInt() {
	spin := func(x *sim.Execution) {
		l := sim.NewAtomicInt[int32](x, "lock", 0)
		n := sim.NewAtomicInt(x, "n", 0)
		wg := sim.NewWaitGroup(x, "wg")
		for _, name := range []string{"a", "b"} {
			wg.Go(name, func() {
				for !l.CompareAndSwap(0, 1) {
				}
				n.Add(1)
				l.Store(0)
			})
		}
		wg.Wait()
		x.Assert(n.Load() == 2, "n")
	}
	rep, err := sim.Explore(spin, sim.Options{Strategy: scheduler.NewDPOR(), Runs: 100000})
	if err != nil {
		panic(err)
	}
	fmt.Printf("exhaustive: %v, findings: %d\n", rep.Exhausted, len(rep.Findings))
	// Output: exhaustive: true, findings: 0
}

// RWMutex has Go's writer preference: a reader that read-locks twice
// deadlocks with a writer that arrives in between.
func ExampleRWMutex() {
	s := func(x *sim.Execution) {
		rw := sim.NewRWMutex(x, "rw")
		x.Go("writer", func() { rw.Lock(); rw.Unlock() })
		rw.RLock()
		rw.RLock()
		rw.RUnlock()
		rw.RUnlock()
	}
	rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewDPOR(), Runs: 1000})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Findings[0].Message)
	// Output: fatal error: all goroutines are asleep - deadlock! cycle: main waits for rw (a Lock by writer is waiting (new readers wait behind it); read-locked by main); writer waits for rw (a Lock by writer is waiting (new readers wait behind it); read-locked by main)
}
