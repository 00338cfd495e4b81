package kernels

import (
	"errors"

	"github.com/simrun/simrun/sim"
)

var errFailed = errors.New("request failed")

func init() {
	add(
		Kernel{"result-leak-on-timeout", BlockingChan,
			"a worker sends its result on an unbuffered channel; the caller gave up on a timeout and nobody receives (the most common leak in GoKer's Kubernetes and gRPC kernels)",
			sim.Leak, resultLeak(0), resultLeak(1)},
		Kernel{"second-sender-leak", BlockingChan,
			"two workers report errors on an unbuffered channel, the caller returns after the first (etcd, Docker)",
			sim.Leak, secondSender(0), secondSender(2)},
		Kernel{"range-never-closed", BlockingChan,
			"a consumer ranges over a channel the producer never closes",
			sim.Leak, rangeClose(false), rangeClose(true)},
		Kernel{"notify-without-default", BlockingChan,
			"a best-effort notification is a plain send instead of a select with default; nobody listens any more (Kubernetes)",
			sim.Leak, notify(false), notify(true)},
		Kernel{"nil-channel", BlockingChan,
			"a field channel is never made: the receive on the nil channel blocks forever",
			sim.Deadlock, nilChan(false), nilChan(true)},
		Kernel{"stop-channel-not-closed", BlockingChan,
			"a background loop selects on a stop channel that Close forgets to close (Docker, CockroachDB)",
			sim.Leak, stopLoop(false), stopLoop(true)},
		Kernel{"producer-outlives-consumer", BlockingChan,
			"a consumer stops early on an error; the producer blocks on its next send with no done channel to watch (gRPC)",
			sim.Leak, earlyConsumer(false), earlyConsumer(true)},
		Kernel{"select-order-deadlock", BlockingChan,
			"two goroutines each send to the other on unbuffered channels before receiving (etcd raft kernels)",
			sim.Deadlock, crossSend(false), crossSend(true)},
		Kernel{"missing-unlock-on-error", BlockingMutex,
			"an early return on an error path skips Unlock; the next Lock blocks forever (the most common missing-unlock pattern of Tu et al.)",
			sim.Deadlock, errorPathUnlock(false), errorPathUnlock(true)},
		Kernel{"double-lock", BlockingMutex,
			"a method that holds the lock calls another method that locks it again (Kubernetes, Docker)",
			sim.Deadlock, doubleLock(false), doubleLock(true)},
		Kernel{"ab-ba", BlockingMutex,
			"two goroutines take two locks in opposite orders (CockroachDB)",
			sim.Deadlock, abba(false), abba(true)},
		Kernel{"recursive-rlock", BlockingMutex,
			"a reader takes the read lock twice while a writer waits in between: Go's writer preference blocks the second RLock (Kubernetes, etcd)",
			sim.Deadlock, recursiveRLock(false), recursiveRLock(true)},
		Kernel{"semaphore-leak", BlockingMutex,
			"an error path returns without releasing the semaphore; later callers block",
			sim.Deadlock, semaphoreLeak(false), semaphoreLeak(true)},
		Kernel{"waitgroup-missing-done", BlockingWait,
			"a worker returns on an error without calling Done; Wait blocks forever",
			sim.Deadlock, missingDone(false), missingDone(true)},
		Kernel{"wait-while-holding-lock", BlockingWait,
			"the caller holds a mutex while it waits on a WaitGroup whose workers need that mutex (Docker, Kubernetes)",
			sim.Deadlock, waitUnderLock(false), waitUnderLock(true)},
		Kernel{"cond-lost-signal", BlockingWait,
			"a Signal comes before the Wait, which is not guarded by a condition (Tu et al.'s Cond misuse)",
			sim.Deadlock, lostSignal(false), lostSignal(true)},
		Kernel{"once-recursive", BlockingWait,
			"the function passed to Once.Do calls Do on the same Once",
			sim.Deadlock, onceRecursive(false), onceRecursive(true)},
		Kernel{"send-under-lock", BlockingMixed,
			"a goroutine sends on an unbuffered channel while holding a mutex the receiver needs first (the channel-and-lock bugs of GoKer's Kubernetes and Docker kernels)",
			sim.Deadlock, sendUnderLock(false), sendUnderLock(true)},
		Kernel{"ticker-loop-leak", BlockingChan,
			"a background loop selects on a ticker and a stop channel; the owner never closes stop (or stops the ticker), so the loop outlives it (Kubernetes, etcd)",
			sim.Leak, tickerLoop(false), tickerLoop(true)},
		Kernel{"context-never-canceled", BlockingContext,
			"a watcher waits on ctx.Done() of a context whose cancel is never called (a missing defer cancel())",
			sim.Leak, neverCanceled(false), neverCanceled(true)},
		Kernel{"context-ignored-in-send", BlockingContext,
			"a worker honours ctx.Done() while waiting for work but not while sending its reply (gRPC stream kernels)",
			sim.Leak, ctxIgnoredSend(false), ctxIgnoredSend(true)},
	)
}

// resultLeak: the caller waits for a result or a timeout.
func resultLeak(buf int) sim.Scenario {
	return func(x *sim.Execution) {
		ctx, cancel := sim.WithTimeout(sim.Background(x), 10)
		defer cancel()
		result := sim.NewChan[int](x, "result", buf)
		x.Go("worker", func() {
			sim.GoSleep(x, 5)
			result.Send(42)
		})
		sim.Select(x, result.RecvCase(nil), ctx.Done().RecvCase(nil))
	}
}

// secondSender: two workers, one error channel, the first error wins.
func secondSender(buf int) sim.Scenario {
	return func(x *sim.Execution) {
		errs := sim.NewChan[error](x, "errs", buf)
		x.Go("w1", func() { errs.Send(errFailed) })
		x.Go("w2", func() { errs.Send(errFailed) })
		x.Assert(errs.Recv() != nil, "no error")
	}
}

func rangeClose(closes bool) sim.Scenario {
	return func(x *sim.Execution) {
		items := sim.NewChan[int](x, "items", 1)
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("consumer", func() {
			for range items.Range() {
			}
		})
		for i := range 2 {
			items.Send(i)
		}
		if closes {
			items.Close()
			wg.Wait()
		}
	}
}

func notify(withDefault bool) sim.Scenario {
	return func(x *sim.Execution) {
		events := sim.NewChan[string](x, "events", 0)
		listening := sim.NewChan[struct{}](x, "stop", 0)
		x.Go("listener", func() {
			sim.Select(x, events.RecvCase(nil), listening.RecvCase(nil))
		})
		x.Go("notifier", func() {
			if withDefault {
				sim.Select(x, events.SendCase("changed", nil), sim.Default(nil))
				return
			}
			events.Send("changed")
		})
		listening.Close()
	}
}

func nilChan(made bool) sim.Scenario {
	return func(x *sim.Execution) {
		ready := sim.NewNilChan[bool](x, "ready")
		if made {
			ready = sim.NewChan[bool](x, "ready", 1)
		}
		x.Go("starter", func() {
			sim.Select(x, ready.SendCase(true, nil), sim.Default(nil))
		})
		ready.Recv()
	}
}

func stopLoop(closes bool) sim.Scenario {
	return func(x *sim.Execution) {
		stop := sim.NewChan[struct{}](x, "stop", 0)
		work := sim.NewChan[int](x, "work", 0)
		x.Go("loop", func() {
			for {
				done := false
				sim.Select(x, work.RecvCase(nil), stop.RecvCase(func(struct{}, bool) { done = true }))
				if done {
					return
				}
			}
		})
		work.Send(1)
		if closes {
			stop.Close()
		}
	}
}

func earlyConsumer(withDone bool) sim.Scenario {
	return func(x *sim.Execution) {
		stream := sim.NewChan[int](x, "stream", 0)
		done := sim.NewChan[struct{}](x, "done", 0)
		x.Go("producer", func() {
			for i := range 3 {
				if withDone {
					stopped := false
					sim.Select(x, stream.SendCase(i, nil), done.RecvCase(func(struct{}, bool) { stopped = true }))
					if stopped {
						return
					}
					continue
				}
				stream.Send(i)
			}
		})
		stream.Recv() // the consumer fails on the first item and returns
		done.Close()
	}
}

func crossSend(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		size := 0
		if fixed {
			size = 1
		}
		toA := sim.NewChan[int](x, "toA", size)
		toB := sim.NewChan[int](x, "toB", size)
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("a", func() { toB.Send(1); toA.Recv() })
		wg.Go("b", func() { toA.Send(2); toB.Recv() })
		wg.Wait()
	}
}

func errorPathUnlock(deferred bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		cache := sim.NewVar(x, "cache", 0)
		get := func(fail bool) {
			mu.Lock()
			if deferred {
				defer mu.Unlock()
			}
			if fail {
				return // bug: the unlock below is skipped
			}
			cache.Write(cache.Read() + 1)
			if !deferred {
				mu.Unlock()
			}
		}
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("bad", func() { get(true) })
		wg.Go("good", func() { get(false) })
		wg.Wait()
	}
}

func doubleLock(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		n := sim.NewVar(x, "n", 0)
		sizeLocked := func() int { return n.Read() }
		size := func() int {
			mu.Lock()
			defer mu.Unlock()
			return sizeLocked()
		}
		adder := x.Go("adder", func() {
			mu.Lock()
			defer mu.Unlock()
			if fixed {
				n.Write(sizeLocked() + 1)
			} else {
				n.Write(size() + 1)
			}
		})
		adder.Join()
		x.Assert(size() == 1, "size")
	}
}

func abba(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		a, b := sim.NewGoMutex(x, "A"), sim.NewGoMutex(x, "B")
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("t1", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
		wg.Go("t2", func() {
			first, second := b, a
			if fixed {
				first, second = a, b
			}
			first.Lock()
			second.Lock()
			second.Unlock()
			first.Unlock()
		})
		wg.Wait()
	}
}

func recursiveRLock(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		rw := sim.NewRWMutex(x, "rw")
		v := sim.NewVar(x, "v", 0)
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("writer", func() { rw.Lock(); v.Write(1); rw.Unlock() })
		wg.Go("reader", func() {
			rw.RLock()
			if !fixed {
				rw.RLock() // a helper that read-locks again
				v.Read()
				rw.RUnlock()
			} else {
				v.Read()
			}
			rw.RUnlock()
		})
		wg.Wait()
	}
}

func semaphoreLeak(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		sem := sim.NewSemaphore(x, "sem", 1)
		call := func(fail bool) {
			sem.Acquire(1)
			if fail && !fixed {
				return
			}
			sem.Release(1)
		}
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("c1", func() { call(true) })
		wg.Go("c2", func() { call(false) })
		wg.Wait()
	}
}

func missingDone(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		wg := sim.NewWaitGroup(x, "wg")
		for i, name := range []string{"w0", "w1"} {
			wg.Add(1)
			x.Go(name, func() {
				if fixed {
					defer wg.Done()
				}
				if i == 1 {
					return // an error
				}
				if !fixed {
					wg.Done()
				}
			})
		}
		wg.Wait()
	}
}

func waitUnderLock(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		n := sim.NewVar(x, "n", 0)
		wg := sim.NewWaitGroup(x, "wg")
		for _, name := range []string{"w1", "w2"} {
			wg.Go(name, func() { mu.Lock(); n.Write(n.Read() + 1); mu.Unlock() })
		}
		mu.Lock()
		if fixed {
			mu.Unlock()
			wg.Wait()
			return
		}
		wg.Wait()
		mu.Unlock()
	}
}

func lostSignal(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		c := sim.NewGoCond(x, "c", mu)
		ready := sim.NewVar(x, "ready", false)
		x.Go("producer", func() {
			mu.Lock()
			ready.Write(true)
			c.Signal()
			mu.Unlock()
		})
		mu.Lock()
		if fixed {
			for !ready.Read() {
				c.Wait()
			}
		} else {
			c.Wait()
		}
		mu.Unlock()
	}
}

func onceRecursive(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		once := sim.NewOnce(x, "init")
		cfg := sim.NewVar(x, "cfg", 0)
		var load func()
		load = func() {
			once.Do(func() {
				cfg.Write(1)
				if !fixed {
					load() // a helper that "makes sure" the config is loaded
				}
			})
		}
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("a", load)
		wg.Go("b", load)
		wg.Wait()
	}
}

func sendUnderLock(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		updates := sim.NewChan[int](x, "updates", 0)
		state := sim.NewVar(x, "state", 0)
		x.Go("publisher", func() {
			mu.Lock()
			state.Write(1)
			if fixed {
				mu.Unlock()
				updates.Send(1)
				return
			}
			updates.Send(1)
			mu.Unlock()
		})
		mu.Lock() // the subscriber reads the state first
		state.Read()
		mu.Unlock()
		updates.Recv()
	}
}

func neverCanceled(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		ctx, cancel := sim.WithCancel(sim.Background(x))
		if fixed {
			defer cancel()
		}
		x.Go("watcher", func() { ctx.Done().Recv() })
	}
}

func ctxIgnoredSend(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		ctx, cancel := sim.WithCancel(sim.Background(x))
		replies := sim.NewChan[int](x, "replies", 0)
		x.Go("worker", func() {
			if fixed {
				sim.Select(x, replies.SendCase(1, nil), ctx.Done().RecvCase(nil))
				return
			}
			replies.Send(1)
		})
		sim.Select(x, replies.RecvCase(nil), sim.Default(nil)) // the client does not wait
		cancel()
	}
}

func tickerLoop(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		stop := sim.NewChan[struct{}](x, "stop", 0)
		ticks := sim.NewAtomicInt(x, "ticks", 0)
		x.Go("refresher", func() {
			t := sim.NewTicker(x, 10)
			defer t.Stop()
			for {
				done := false
				sim.Select(x, t.C.RecvCase(func(sim.Duration, bool) { ticks.Add(1) }),
					stop.RecvCase(func(struct{}, bool) { done = true }))
				if done {
					return
				}
			}
		})
		sim.GoSleep(x, 25)
		if fixed {
			stop.Close()
		}
	}
}
