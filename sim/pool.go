package sim

import (
	"iter"
	"slices"
	"sync"
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

	// With a watchdog (Options.Watchdog): the coroutines by the id of
	// their goroutine, for the watchdog to name the actor of a goroutine
	// that hangs (see hungFinding). A coroutine is added when it is made
	// and removed when its goroutine ends: rarely, so a mutex costs
	// nothing, where publishing the running actor at each coroutine switch
	// cost an atomic exchange (a full barrier) a switch.
	watched bool
	coroMu  sync.Mutex
	byGoid  map[uint64]*coro

	// Reused by the next execution: an Execution and what it hands out
	// are valid only until then.
	hist   History
	chunks []any // a *chunk[T] per type alloc has handed out
	kept   []any // a *kept[T] per type Reuse has handed out (reuse.go)

	main    thread  // the runner's goroutine (see coro)
	all     []*coro // the coroutines whose goroutines live, for goHome
	back    *actor  // the actor whose coroutine handed control back last
	fixing  bool    // in goHome
	exiting *coro   // a coroutine whose goroutine exits (runtime.Goexit)

	// While stopAll unwinds the actors: an actor whose body ends hands
	// control to the next one to unwind, from x.actors[unwindAt] on.
	unwinding bool
	unwindAt  int
}

// alloc returns a new, zeroed T for the current execution, carved from a chunk
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
// actor's body returns, or is unwound by errAbort, the coroutine hands
// control back to the runner and can be handed the next actor.
//
// Control passes directly from actor to actor: a step that switches actors
// costs one coroutine switch, not a round trip through the runner's loop
// (two). iter.Pull offers no such transfer, but its next and yield are the
// same switch (runtime.coroswitch on the coroutine's slot): whoever calls
// either blocks in the slot and wakes the thread (goroutine) blocked there.
// So the runner's goroutine and the coroutines' goroutines are threads that
// wait in each other's slots, and the runner keeps track of who waits
// where (thread.in, coro.occ) and which of next and yield enters a slot
// next (coro.entered: iter.Pull's own state, mirrored).
type coro struct {
	thread  // the coroutine's goroutine
	next    func() (struct{}, bool)
	stop    func()
	yield   func(struct{}) bool
	entered bool    // entered with next last: yield enters it next
	occ     *thread // the thread blocked in this slot
	r       *runner
	a       *actor // the actor it runs
	dead    bool   // stopped: never resume it again

	// With a watchdog (runner.watched): the id of the goroutine, and the
	// actor whose body it runs, published when the body starts (once an
	// actor, not once a switch) for the watchdog's goroutine.
	goid  uint64
	bound atomic.Pointer[actor]
}

// thread is a goroutine of a runner, blocked in a slot while another runs.
type thread struct {
	in   *coro // the slot it waits in; nil while it runs
	home *coro // its own slot (nil: the runner's goroutine)
}

// transfer runs t and blocks me, the running thread, in the slot t waited
// in, until a thread transfers to me. stepOp has a copy written out (a
// call there costs about 8 ns a switching step; keep the two the same).
func (r *runner) transfer(me, t *thread) {
	s := t.in
	s.occ, me.in, t.in = me, s, nil
	if s.entered {
		s.entered = false
		s.yield(struct{}{})
	} else {
		s.entered = true
		s.next()
	}
	if r.fixing {
		r.moveHome(me)
	}
}

// moveHome, for a thread woken by goHome, moves it to its own slot,
// waking that slot's occupant.
func (r *runner) moveHome(me *thread) {
	if me.home != nil {
		r.transfer(me, me.home.occ)
	}
}

// goHome puts every coroutine's goroutine back in its own slot, where its
// end resumes the runner (a goroutine that exits wakes the thread blocked
// in its slot), with the runner running. Each thread woken on the way
// moves to its own slot and wakes that slot's occupant: a chain that ends
// in the slot the runner entered, so at the runner.
func (r *runner) goHome() {
	r.fixing = true
	for _, c := range r.all {
		if c.in != c {
			r.transfer(&r.main, &c.thread)
		}
	}
	r.fixing = false
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
	r.unwinding = false // stopAll may have been left by a panic
	*x = Execution{opts: opts}
	x.pool = r
	x.gen = execGen.Add(1)
	x.strat = strat
	x.rnd, _ = strat.(*scheduler.Random)
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
	*a = actor{co: c}
	return a
}

func (r *runner) coro() *coro {
	if n := len(r.idle); n > 0 {
		c := r.idle[n-1]
		r.idle = r.idle[:n-1]
		return c
	}
	c := &coro{r: r}
	c.next, c.stop = iter.Pull(c.loop)
	// Start it, to learn its yield: it parks at once in its own slot,
	// before any actor.
	c.next()
	c.home, c.in, c.occ = c, c, &c.thread
	r.all = append(r.all, c)
	if r.watched && c.goid != 0 {
		r.coroMu.Lock()
		if r.byGoid == nil {
			r.byGoid = map[uint64]*coro{}
		}
		r.byGoid[c.goid] = c
		r.coroMu.Unlock()
	}
	return c
}

// loop is the coroutine's body: park, run the actor handed over, hand
// control back to the runner, repeat.
func (c *coro) loop(yield func(struct{}) bool) {
	c.yield = yield
	watched := c.r.watched
	if watched {
		c.goid = goid()
	}
	yield(struct{}{})
	for !c.dead {
		if watched {
			// Stored each time, even when it is the same actor struct
			// as last time: the store orders this execution's writes
			// of the actor (its name) before the watchdog's reads.
			// Never cleared: a goroutine whose body has ended is not in
			// actor code, which is all the watchdog looks at.
			c.bound.Store(c.a)
		}
		c.a.body()
		c.r.back, c.a = c.a, nil
		c.r.transfer(&c.thread, c.r.afterBody())
	}
}

// afterBody returns the thread that runs when an actor's body has ended:
// the runner, or, while stopAll unwinds an execution's actors, the next
// actor to unwind. Going from one unwound actor straight to the next saves
// a coroutine switch per actor (a cut execution of a stateful search
// unwinds most of its actors).
func (r *runner) afterBody() *thread {
	if !r.unwinding {
		return &r.main
	}
	x := &r.x
	for ; r.unwindAt < len(x.actors); r.unwindAt++ {
		if a := x.actors[r.unwindAt]; a.started && !a.exited && a.co != nil && !a.co.dead {
			return &a.co.thread
		}
	}
	return &r.main
}

// resume runs a until control comes back to the runner: the execution is
// over, or an actor's body has returned. It returns the actor whose
// coroutine handed control back, nil if none did (the execution is over).
func (r *runner) resume(a *actor) *actor {
	r.back = nil
	r.transfer(&r.main, &a.co.thread)
	if c := r.exiting; c != nil {
		r.exit(c)
	}
	return r.back
}

// exitHome makes ready for the end of c's goroutine, which runtime.Goexit
// is unwinding: its end resumes the thread in its slot, which must be the
// runner. The runner takes over (see exit) and returns control here with
// the runner in c's slot.
func (r *runner) exitHome(c *coro) {
	r.exiting = c
	r.back = c.a
	r.transfer(&c.thread, &r.main)
}

// exit lets c's goroutine end its runtime.Goexit: every goroutine goes
// home, and the runner enters c's slot. The goroutine's end then resumes
// the runner, with errGoexit, which the loop that resumes actors recovers
// (see recoverGoexit).
func (r *runner) exit(c *coro) {
	r.exiting = nil
	r.goHome()
	r.all = slices.DeleteFunc(r.all, func(o *coro) bool { return o == c })
	if r.watched {
		r.coroMu.Lock()
		delete(r.byGoid, c.goid)
		r.coroMu.Unlock()
	}
	r.transfer(&r.main, &c.thread)
	panic(errGoexit) // next re-raised it already, unless c's slot was entered with yield
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

// close stops the parked coroutines: each, in its own slot, returns from
// its loop, and its end resumes the runner.
func (r *runner) close() {
	r.goHome()
	for _, c := range r.idle {
		c.dead = true
		c.stop()
	}
	r.idle, r.all = nil, nil
	r.coroMu.Lock()
	r.byGoid = nil
	r.coroMu.Unlock()
}
