package sim

import (
	"iter"

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

	// Reused by the next execution: an Execution and what it hands out
	// are valid only until then.
	hist  History
	slabs map[any]resetter // by a nil *T: the slab of T (see slabOf)
	used  []resetter       // the slabs, to reset
}

// slab hands out objects from chunks that the next execution reuses.
type slab[T any] struct {
	chunks []*[32]T
	n      int
}

type resetter interface{ reset() }

func (s *slab[T]) reset() { s.n = 0 }

// alloc returns a T for the current execution from the runner's slab of
// T: the primitives (Mutex, Cond, Var[int], ...) cost no allocation once a
// worker has run an execution like this one.
func alloc[T any](r *runner) *T {
	key := (*T)(nil) // as an interface, a key per type; converting allocates nothing
	s, ok := r.slabs[key]
	if !ok {
		if r.slabs == nil {
			r.slabs = map[any]resetter{}
		}
		s = &slab[T]{}
		r.slabs[key] = s
		r.used = append(r.used, s)
	}
	return s.(*slab[T]).get()
}

func (s *slab[T]) get() *T {
	i := s.n
	s.n++
	if i/32 == len(s.chunks) {
		s.chunks = append(s.chunks, new([32]T))
	}
	return &s.chunks[i/32][i%32]
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
	for _, s := range r.used {
		s.reset()
	}
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
