package sim

import (
	"iter"
	"sync/atomic"

	"github.com/simrun/simrun/scheduler"
)

// runner runs executions one after another on one goroutine and reuses
// what an execution leaves behind: the coroutines of its actors (with the
// stacks they have grown), the actor structs, and the slices of the engine,
// the recorder and the race detector. An exploration holds one runner per
// worker goroutine:
//
//	r := newRunner()
//	defer r.close()
//	for ... {
//		x := r.exec(opts, strat, plainRun)
//		f := x.run(s)
//		... // x and its objects are valid until the next r.exec
//	}
type runner struct {
	x       Execution
	idle    []*coro  // parked coroutines, ready for the next actor body
	actors  []*actor // actor structs by id, reused
	race    raceDetector
	oneShot bool // close when the execution ends (newExecution)

	// With a watchdog (Options.Watchdog): the actor being resumed, for
	// the watchdog to name when it hangs.
	watched bool
	running atomic.Pointer[actor]

	// Reused by the next execution: an Execution and what it hands out
	// are valid only until then.
	hist   History
	chunks []any // a *chunk[T] per type alloc has handed out
}

// alloc returns a new T for the current execution, carved from a chunk
// of the runner's: one allocation serves chunkSize objects of a type, so a
// primitive costs a fraction of an allocation. A slot is handed out once
// and never recycled: a handle kept from an earlier execution stays an
// object of its own, whose execution number (see execGen) tells it apart
// from every primitive of the current one. A used-up chunk is left to the
// garbage collector, which frees it once no handle into it is left.
func alloc[T any](r *runner) *T {
	for _, c := range r.chunks {
		if c, ok := c.(*chunk[T]); ok {
			return c.get()
		}
	}
	c := &chunk[T]{}
	r.chunks = append(r.chunks, c)
	return c.get()
}

// chunkSize is how many objects of a type one allocation makes. A
// scenario makes a few dozen objects an execution: a chunk lasts one to a
// few executions and keeps at most that many objects' memory alive.
const chunkSize = 32

// chunk holds the slots of a type not yet handed out. A scenario uses a
// handful of types: alloc's scan of them costs less than hashing a type
// key in a map.
type chunk[T any] struct{ free []T }

func (c *chunk[T]) get() *T {
	if len(c.free) == 0 {
		c.free = make([]T, chunkSize)
	}
	p := &c.free[0]
	c.free = c.free[1:]
	return p
}

// coro is a coroutine that runs actor bodies one after another: when an
// actor's body returns, or is unwound by errAbort, the coroutine parks and
// can be handed the next actor.
type coro struct {
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool
	a     *actor // the actor it runs
	dead  bool   // stopped: never resume it again
}

func newRunner() *runner { return &runner{} }

// newExecution makes an execution on a runner of its own, which closes when
// the execution ends: for one-off runs (a replay, a self-check).
func newExecution(opts *Options, strat scheduler.Strategy, m mode) *Execution {
	r := newRunner()
	r.oneShot = true
	return r.exec(opts, strat, m)
}

// exec resets the runner's execution for a new run under strat in mode m
// and returns it. The previous execution, and everything bound to it, must
// no longer be in use.
func (r *runner) exec(opts *Options, strat scheduler.Strategy, m mode) *Execution {
	x := &r.x
	old := *x
	*x = Execution{opts: opts}
	x.pool = r
	x.gen = execGen.Add(1)
	x.strat = strat
	x.cost = opts.Cost
	x.actors = clear0(old.actors)
	x.live = clear0(old.live)
	x.choices = old.choices[:0]
	x.path = scheduler.Path{Steps: old.path.Steps[:0], Decisions: old.path.Decisions[:0],
		Records: old.path.Records[:0], Pending: old.path.Pending[:0]}
	if !opts.NoSpurious {
		x.spuriousMax = opts.MaxSpurious
	}
	if x.cost.CPUs > 0 {
		x.cpuFree = old.cpuFree[:0]
		for range x.cost.CPUs {
			x.cpuFree = append(x.cpuFree, 0)
		}
	}
	x.objs = old.objs[:0]
	x.mutexList = clear0(old.mutexList)
	x.vals = clear0(old.vals)
	if old.sites != nil {
		clear(old.sites)
		x.sites = old.sites
	}
	x.recorder = old.recorder.reset(m)
	x.stateRec = old.stateRec.reset(x, strat)
	x.covRec = covRec{ops: old.covRec.ops[:0], probes: old.covRec.probes[:0]}
	if opts.Races {
		r.race.reset()
		x.race = &r.race
	}
	return x
}

// clear0 empties s, keeping its array but not what it pointed to.
func clear0[T any](s []T) []T {
	clear(s)
	return s[:0]
}

// newActor returns the actor struct for the next id, with a coroutine.
func (r *runner) newActor(id int) *actor {
	for len(r.actors) <= id {
		r.actors = append(r.actors, new(actor))
	}
	a := r.actors[id]
	c := r.coro()
	c.a = a
	*a = actor{co: c, yield: c.yield}
	return a
}

func (r *runner) coro() *coro {
	if n := len(r.idle); n > 0 {
		c := r.idle[n-1]
		r.idle = r.idle[:n-1]
		return c
	}
	c := &coro{}
	c.next, c.stop = iter.Pull(c.loop)
	// Start it, to learn its yield: it parks at once, before any actor.
	c.next()
	return c
}

// loop is the coroutine's body: park, run the actor handed over, repeat.
func (c *coro) loop(yield func(struct{}) bool) {
	c.yield = yield
	for {
		if c.dead || !yield(struct{}{}) {
			c.dead = true
			return
		}
		c.a.body()
		c.a = nil
	}
}

// resume runs a until its next step or its end.
func (r *runner) resume(a *actor) {
	if _, ok := a.co.next(); !ok {
		a.co.dead = true
		a.exited = true
	}
}

// resumeWatched is resume under a watchdog: it publishes the actor it
// runs. A function of its own, so that resume stays small enough to
// inline.
func (r *runner) resumeWatched(a *actor) {
	r.running.Store(a)
	if _, ok := a.co.next(); !ok {
		a.co.dead = true
		a.exited = true
	}
	r.running.Store(nil)
}

// release hands a's coroutine back for the next execution.
func (r *runner) release(a *actor) {
	c := a.co
	if c == nil {
		return
	}
	a.co = nil
	if c.dead {
		return
	}
	c.a = nil
	r.idle = append(r.idle, c)
}

// close stops the parked coroutines.
func (r *runner) close() {
	for _, c := range r.idle {
		c.dead = true
		c.stop()
	}
	r.idle = nil
}
