package kernels

import "github.com/simrun/simrun/sim"

func init() {
	add(
		Kernel{"unprotected-counter", NonBlockingData,
			"two goroutines increment a shared counter without a lock (the most common data race of Tu et al.)",
			sim.Race, counter(false), counter(true)},
		Kernel{"concurrent-map-write", NonBlockingData,
			"two request handlers write one map (a plain Go map is not safe for concurrent writes; Kubernetes, Docker)",
			sim.Race, mapWrite(false), mapWrite(true)},
		Kernel{"result-read-after-timeout", NonBlockingData,
			"the worker writes a shared result variable; the caller reads it after a timeout, unordered with the write (gRPC)",
			sim.Race, resultVar(false), resultVar(true)},
		Kernel{"plain-flag-publish", NonBlockingData,
			"a done flag is a plain variable polled by another goroutine instead of an atomic or a channel",
			sim.Race, plainFlag(false), plainFlag(true)},
		Kernel{"double-checked-init", NonBlockingData,
			"double-checked initialisation reads the pointer outside the lock (CockroachDB, etcd); sync.Once fixes it",
			sim.Race, doubleChecked(false), doubleChecked(true)},
		Kernel{"waitgroup-add-in-goroutine", NonBlockingSync,
			"wg.Add is called inside the new goroutine, so Wait can return before it (Tu et al.'s WaitGroup misuse)",
			sim.Race, addInside(false), addInside(true)},
		Kernel{"use-before-init", NonBlockingOrd,
			"a goroutine is started before the field it reads is initialised (an order violation)",
			sim.Race, useBeforeInit(false), useBeforeInit(true)},
		Kernel{"atomic-check-then-act", NonBlockingOrd,
			"a Load and a Store on an atomic are two steps: two goroutines both see zero and both initialise",
			sim.Assertion, checkThenAct(false), checkThenAct(true)},
		Kernel{"double-close", NonBlockingChan,
			"two goroutines close the same done channel on shutdown (Docker, Kubernetes); a sync.Once fixes it",
			sim.CloseOfClosed, doubleClose(false), doubleClose(true)},
		Kernel{"send-after-close", NonBlockingChan,
			"the consumer closes the channel while a producer may still send (Tu et al.: close by the receiver)",
			sim.SendOnClosed, sendAfterClose(false), sendAfterClose(true)},
		Kernel{"select-does-not-guard-send", NonBlockingChan,
			"a producer selects on a send and a done channel, but shutdown closes the data channel, not done: the select still panics",
			sim.SendOnClosed, selectSendClosed(false), selectSendClosed(true)},
		Kernel{"double-done", NonBlockingSync,
			"a retry path calls wg.Done a second time: negative WaitGroup counter",
			sim.NegativeWaitGroup, doubleDone(false), doubleDone(true)},
		Kernel{"unlock-twice", NonBlockingSync,
			"an error path unlocks, then a deferred Unlock unlocks again",
			sim.BadUnlock, unlockTwice(false), unlockTwice(true)},
	)
}

func counter(locked bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		n := sim.NewVar(x, "n", 0)
		wg := sim.NewWaitGroup(x, "wg")
		for _, name := range []string{"inc1", "inc2"} {
			wg.Go(name, func() {
				if locked {
					mu.Lock()
					defer mu.Unlock()
				}
				n.Write(n.Read() + 1)
			})
		}
		wg.Wait()
	}
}

func mapWrite(locked bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewRWMutex(x, "mu")
		m := sim.NewVar(x, "sessions", "")
		wg := sim.NewWaitGroup(x, "wg")
		for _, name := range []string{"h1", "h2"} {
			wg.Go(name, func() {
				if locked {
					mu.Lock()
					defer mu.Unlock()
				}
				m.Write(m.Read() + name)
			})
		}
		wg.Wait()
		if locked {
			mu.RLock()
			defer mu.RUnlock()
		}
		m.Read()
	}
}

func resultVar(viaChan bool) sim.Scenario {
	return func(x *sim.Execution) {
		res := sim.NewVar(x, "result", 0)
		out := sim.NewChan[int](x, "out", 1)
		x.Go("worker", func() {
			if viaChan {
				out.Send(42)
				return
			}
			res.Write(42)
			out.Send(0)
		})
		timeout := sim.After(x, 5)
		sim.Select(x, out.RecvCase(nil), timeout.RecvCase(nil))
		if !viaChan {
			res.Read() // the caller reads what the worker may be writing
		}
	}
}

func plainFlag(atomic bool) sim.Scenario {
	return func(x *sim.Execution) {
		flag := sim.NewVar(x, "done", false)
		aflag := sim.NewAtomicInt(x, "doneAtomic", 0)
		data := sim.NewVar(x, "data", 0)
		x.Go("worker", func() {
			data.Write(7)
			if atomic {
				aflag.Store(1)
			} else {
				flag.Write(true)
			}
		})
		if atomic {
			for aflag.Load() == 0 {
			}
		} else {
			for !flag.Read() {
			}
		}
		x.Assert(data.Read() == 7, "data not published")
	}
}

func doubleChecked(once bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		o := sim.NewOnce(x, "once")
		inst := sim.NewVar(x, "instance", 0)
		get := func() int {
			if once {
				o.Do(func() { inst.Write(1) })
				return inst.Read()
			}
			if v := inst.Read(); v != 0 { // unlocked read
				return v
			}
			mu.Lock()
			defer mu.Unlock()
			if inst.Read() == 0 {
				inst.Write(1)
			}
			return inst.Read()
		}
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("a", func() { get() })
		wg.Go("b", func() { get() })
		wg.Wait()
	}
}

func addInside(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		wg := sim.NewWaitGroup(x, "wg")
		total := sim.NewVar(x, "total", 0)
		if fixed {
			wg.Add(1)
		}
		x.Go("worker", func() {
			if !fixed {
				wg.Add(1)
			}
			defer wg.Done()
			total.Write(5)
		})
		wg.Wait()
		total.Read()
	}
}

func useBeforeInit(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		cfg := sim.NewVar(x, "config", "")
		start := func() { x.Go("server", func() { cfg.Read() }) }
		if fixed {
			cfg.Write("loaded")
			start()
			return
		}
		start()
		cfg.Write("loaded")
	}
}

func checkThenAct(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		state := sim.NewAtomicInt(x, "state", 0)
		inits := sim.NewAtomicInt(x, "inits", 0)
		wg := sim.NewWaitGroup(x, "wg")
		for _, name := range []string{"a", "b"} {
			wg.Go(name, func() {
				if fixed {
					if state.CompareAndSwap(0, 1) {
						inits.Add(1)
					}
					return
				}
				if state.Load() == 0 {
					state.Store(1)
					inits.Add(1)
				}
			})
		}
		wg.Wait()
		x.Assert(inits.Load() == 1, "initialised %d times", inits.Load())
	}
}

func doubleClose(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		done := sim.NewChan[struct{}](x, "done", 0)
		once := sim.NewOnce(x, "closeOnce")
		shutdown := func() {
			if fixed {
				once.Do(done.Close)
				return
			}
			sim.Select(x, done.RecvCase(nil), sim.Default(done.Close)) // "close if not closed"
		}
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("signal", shutdown)
		wg.Go("api", shutdown)
		wg.Wait()
	}
}

func sendAfterClose(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		ch := sim.NewChan[int](x, "jobs", 2)
		x.Go("producer", func() {
			ch.Send(1)
			ch.Send(2)
			if fixed {
				ch.Close() // the sender closes
			}
		})
		ch.Recv()
		if !fixed {
			ch.Close() // the receiver has seen enough
			return
		}
		for range ch.Range() {
		}
	}
}

func selectSendClosed(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		data := sim.NewChan[int](x, "data", 1)
		done := sim.NewChan[struct{}](x, "done", 0)
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("producer", func() {
			for i := range 2 {
				stop := false
				sim.Select(x, data.SendCase(i, nil), done.RecvCase(func(struct{}, bool) { stop = true }))
				if stop {
					return
				}
			}
		})
		data.Recv()
		if fixed {
			done.Close()
		} else {
			data.Close()
		}
		wg.Wait()
	}
}

func doubleDone(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		wg := sim.NewWaitGroup(x, "wg")
		wg.Add(2)
		x.Go("w1", func() {
			defer wg.Done()
			if !fixed {
				wg.Done() // the retry path "finishes" too
			}
		})
		x.Go("w2", wg.Done)
		wg.Wait()
	}
}

func unlockTwice(fixed bool) sim.Scenario {
	return func(x *sim.Execution) {
		mu := sim.NewGoMutex(x, "mu")
		wg := sim.NewWaitGroup(x, "wg")
		wg.Go("handler", func() {
			mu.Lock()
			defer mu.Unlock()
			if !fixed {
				mu.Unlock() // the error path releases early
			}
		})
		wg.Go("other", func() { mu.Lock(); mu.Unlock() })
		wg.Wait()
	}
}
