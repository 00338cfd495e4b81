package sim

import (
	"fmt"

	"github.com/simrun/simrun/op"
)

// Race is the finding kind of a data race: two accesses to one Var, at
// least one a write, that no happens-before edge orders.
const Race Kind = "race"

// The data-race detector keeps a vector clock per actor and per
// synchronizing object (happens-before in the style of FastTrack, Flanagan
// and Freund, PLDI 2009, without its epoch compression of reads):
//
//   - Go: the new actor starts with its parent's clock.
//   - Mutex: Unlock (and the release in Cond.Wait) publishes the actor's
//     clock in the mutex; Lock, a successful TryLock and the re-acquire
//     after a wakeup take it.
//   - Cond: a Signal or Broadcast hands the signaller's clock to the woken
//     waiters, which take it when they wake. A spurious wakeup carries none.
//   - Atomic: every atomic is a release/acquire location: Load acquires,
//     Store releases, a CompareAndSwap or Swap does both (a failed CAS only
//     acquires). Object.Do acquires and releases its object.
//   - Join: the joiner takes the finished actor's clock.
//
// Two shortcuts of FastTrack keep the common cases cheap without changing
// any answer: an object's clock remembers an actor known to be ordered
// after everything it holds (the last to acquire or release it, if
// nothing was released into it since), whose acquire is then a no-op and
// whose release a copy; and a read by an actor that has read the Var in
// its current epoch already only moves the step the read is reported at.
//
// Every Var keeps the epoch of its last write and the clock of the last
// read by each actor; an access that is not ordered after a conflicting
// one is a race; the first race of an execution becomes its finding if
// the execution ends without any other. The detector is off unless
// Options.Races is set, and then every hook is a nil check.
type raceDetector struct {
	// gen numbers the executions of the runner (from 1): an entry of objs,
	// shadows or atomics whose gen differs is one of an earlier execution,
	// empty in this one. reset need not touch them, and the first access
	// of an object in an execution need not grow the lists up to it.
	gen     uint32
	actors  []vclock    // by actor id
	objs    []syncClock // by object id: mutexes, atomics, objects
	wake    []vclock    // by actor id: the clock handed over by a Signal
	shadows []shadow    // by object id: Vars, the plain accesses of locations
	atomics []shadow    // by object id: the atomic operations of locations
}

type vclock []uint32

// syncClock is the clock a synchronizing object publishes, and dom, 1 + the
// id of an actor whose clock is ordered after all of c (0: none known):
// actors' clocks only grow, so that stays true until the next release into
// c by another actor.
type syncClock struct {
	c   vclock
	dom int32
	gen uint32 // as raceDetector.gen: c and dom are of this execution
}

type epoch struct {
	actor int32
	clock uint32
	step  int32
}

type shadow struct {
	gen    uint32 // as raceDetector.gen: the object was accessed in this execution
	writes uint32 // the writes recorded, plus one per execution that used the shadow (see newShadow)
	write  epoch  // the last of them; actor < 0: never written
	// reads holds, by actor id, the last read of each actor (clock 0:
	// none); only those since the last write of this execution count
	// (gen == writes). Neither a write nor a new execution empties it, so
	// a read stores its entry in place: the slice grows once per actor,
	// not after every write.
	// One slice of records, not a slice of clocks and one of steps: one
	// bounds check, one cache line.
	reads []readEpoch
}

// readEpoch is a read by an actor: its own clock entry then, the step,
// and the number of writes recorded before it.
type readEpoch struct {
	clock uint32
	step  int32
	gen   uint32
}

// reset empties the detector for the next execution of its runner,
// keeping every array: the next generation leaves every object's clock
// and shadow of this one behind.
func (r *raceDetector) reset() {
	r.actors = r.actors[:0]
	r.wake = r.wake[:0]
	if raceSeed.sameGen {
		return
	}
	r.gen++
	if r.gen == 0 { // wrapped: forget every generation, so none comes back
		r.objs, r.shadows, r.atomics = r.objs[:0], r.shadows[:0], r.atomics[:0]
		r.gen = 1
	}
}

// objClock returns the clock of object obj, growing the list; a clock
// of an earlier execution is emptied, keeping its array.
func (r *raceDetector) objClock(obj int) *syncClock {
	if objs := r.objs; obj < len(objs) && objs[obj].gen == r.gen {
		return &objs[obj] // one index, without a call: the common case
	}
	return r.newObjClock(obj)
}

//go:noinline // keeps objClock within the inlining budget
func (r *raceDetector) newObjClock(obj int) *syncClock {
	r.objs = grow(r.objs, obj)
	s := &r.objs[obj]
	s.c, s.dom, s.gen = s.c[:0], 0, r.gen
	return s
}

// growClocks extends s to hold index i; a clock it takes back from
// earlier executions is emptied, keeping its array.
func growClocks(s []vclock, i int) []vclock {
	for len(s) <= i {
		if len(s) < cap(s) {
			s = s[:len(s)+1]
			s[len(s)-1] = s[len(s)-1][:0]
		} else {
			s = append(s, nil)
		}
	}
	return s
}

func (c vclock) get(i int) uint32 {
	if i < len(c) {
		return c[i]
	}
	return 0
}

func (c *vclock) join(o vclock) {
	if len(*c) < len(o) {
		*c = append(*c, make(vclock, len(o)-len(*c))...) // zeroed in one step, no allocation within capacity
	}
	v := (*c)[:len(o)] // one bounds check, not one per entry
	for i, t := range o {
		v[i] = max(v[i], t) // a conditional move: whether an entry grows is a coin toss a branch would mispredict
	}
}

// set makes c a copy of o. Nearly every release is one (see release), of
// a handful of entries: a loop, where append would call memmove.
func (c *vclock) set(o vclock) {
	if cap(*c) < len(o) {
		*c = make(vclock, len(o), len(o)+4) // room for a few more actors
	}
	*c = (*c)[:len(o)]
	v := *c
	for i, t := range o {
		v[i] = t
	}
}

func grow[T any](s []T, i int) []T {
	for len(s) <= i {
		var z T
		s = append(s, z)
	}
	return s
}

// clock returns the clock of actor a. Every actor has had one since its
// spawn (raceSpawn), at least a+1 long (clocks only grow), so every hook
// finds it with one index: no check, no call.
func (r *raceDetector) clock(a int) *vclock { return &r.actors[a] }

// newClock makes the clock of actor a, at its spawn: a+1 long, a's own
// entry 1. Actors spawn once each, in the order of their ids, so a's
// clock is the one growClocks just emptied.
func (r *raceDetector) newClock(a int) *vclock {
	r.actors = growClocks(r.actors, a)
	c := &r.actors[a]
	*c = grow(*c, a) // every entry 0
	(*c)[a] = 1
	return c
}

func (r *raceDetector) tick(a int) { (*r.clock(a))[a]++ }

// spawn: the child starts after everything its parent did so far.
func (x *Execution) raceSpawn(parent, child *actor) {
	r := x.race
	if r == nil {
		return
	}
	c := r.newClock(child.id)
	if parent == nil {
		return // main
	}
	c.join(*r.clock(parent.id))
	r.tick(parent.id)
}

// raceAcquire: a takes the clock published in object obj.
func (x *Execution) raceAcquire(a *actor, obj int) {
	r := x.race
	if r == nil {
		return
	}
	if obj < len(r.objs) && r.objs[obj].gen == r.gen { // else nothing was released into obj
		r.acquire(a.id, &r.objs[obj])
	}
}

func (r *raceDetector) acquire(a int, s *syncClock) {
	if s.dom != int32(a)+1 {
		r.clock(a).join(s.c)
		s.dom = int32(a) + 1
	}
}

// raceRelease: a publishes its clock in object obj.
func (x *Execution) raceRelease(a *actor, obj int) {
	r := x.race
	if r == nil {
		return
	}
	r.release(a.id, r.objClock(obj))
}

func (r *raceDetector) release(a int, s *syncClock) {
	c := r.clock(a)
	if s.dom == int32(a)+1 || len(s.c) == 0 {
		s.c.set(*c) // a's clock is the join
		s.dom = int32(a) + 1
	} else {
		s.c.join(*c)
		s.dom = 0
	}
	(*c)[a]++
}

// raceAcquireRelease is an acquire and a release of object obj by a in one
// step (Object.Do, Swap, a successful CompareAndSwap): after the acquire
// a's clock is the join, so the release is a copy.
func (x *Execution) raceAcquireRelease(a *actor, obj int) {
	r := x.race
	if r == nil {
		return
	}
	s := r.objClock(obj)
	r.acquire(a.id, s)
	r.release(a.id, s)
}

// raceSignal: the waiter w is woken by a.
func (x *Execution) raceSignal(a, w *actor) {
	r := x.race
	if r == nil {
		return
	}
	r.wake = growClocks(r.wake, w.id)
	r.wake[w.id].join(*r.clock(a.id))
	r.tick(a.id)
}

// raceWoken: a wakes from Cond.Wait and re-acquires mutex mu.
func (x *Execution) raceWoken(a *actor, mu int) {
	x.raceWake(a)
	x.raceAcquire(a, mu)
}

// raceJoin: a has joined the finished actor b.
func (x *Execution) raceJoin(a, b *actor) {
	r := x.race
	if r == nil {
		return
	}
	r.clock(a.id).join(*r.clock(b.id))
}

// raceAccess checks a read or write of the Var obj by a.
func (x *Execution) raceAccess(a *actor, obj int, name Name, write bool) {
	r := x.race
	if r == nil {
		return
	}
	sh := shadowOf(&r.shadows, obj, r.gen)
	if write {
		if !x.raceConflict(a, sh, name, true) {
			r.recordAccess(sh, a, true, x.step)
		}
		return
	}
	// A read, the common case, checked here without a call: it conflicts
	// only with the last write.
	c := *r.clock(a.id)
	if a.id < len(sh.reads) && sh.reads[a.id].clock == c[a.id] && sh.reads[a.id].gen == sh.writes {
		// A read in the epoch of an earlier read by a: no write has been
		// recorded since (a's epoch would have moved on to order it after
		// that read, or the write raced and was not recorded), so the
		// earlier read's check stands.
		sh.reads[a.id].step = int32(x.step)
		return
	}
	if w := sh.write; w.actor >= 0 && int(w.actor) != a.id && w.clock > c.get(int(w.actor)) {
		x.raceConflict(a, sh, name, false) // reports it
		return
	}
	r.recordAccess(sh, a, false, x.step)
}

// shadowOf returns the shadow of object obj in list, growing it. The
// shadow of an object accessed before in the execution is one index away,
// without a call (newShadow makes the others).
func shadowOf(list *[]shadow, obj int, gen uint32) *shadow {
	if l := *list; obj < len(l) && l[obj].gen == gen {
		return &l[obj]
	}
	return newShadow(list, obj, gen)
}

//go:noinline // keeps shadowOf within the inlining budget
func newShadow(list *[]shadow, obj int, gen uint32) *shadow {
	*list = grow(*list, obj)
	sh := &(*list)[obj]
	sh.gen, sh.write = gen, epoch{actor: -1}
	// Reads of earlier executions stay in reads, and stay out of every
	// check as long as writes moves past their gen: one increment here,
	// short of a wrap (executions are far shorter than 1<<31 writes).
	if !raceSeed.keepReads {
		sh.writes++
	}
	if sh.writes >= 1<<31 {
		sh.reads, sh.writes = sh.reads[:0], 0
	}
	return sh
}

// raceConflict reports (as the execution's race finding) and returns
// whether a read or write by a conflicts with an access of sh that does
// not happen before it.
func (x *Execution) raceConflict(a *actor, sh *shadow, name Name, write bool) bool {
	c := *x.race.clock(a.id)
	if w := sh.write; w.actor >= 0 && int(w.actor) != a.id && w.clock > c.get(int(w.actor)) {
		what := "reads"
		if write {
			what = "writes"
		}
		x.raceFound(a, name, what, "wrote", int(w.actor), int(w.step))
		return true
	}
	if write {
		for b, t := range sh.reads {
			if t.gen == sh.writes && b != a.id && t.clock > c.get(b) {
				x.raceFound(a, name, "writes", "read", b, int(t.step))
				return true
			}
		}
	}
	return false
}

// recordAccess records a read or write by a at step in sh.
func (r *raceDetector) recordAccess(sh *shadow, a *actor, write bool, step int) {
	c := *r.clock(a.id)
	if write {
		sh.write = epoch{actor: int32(a.id), clock: c[a.id], step: int32(step)}
		sh.writes++ // every read so far is before it
		return
	}
	if a.id >= len(sh.reads) {
		sh.reads = grow(sh.reads, a.id) // zero entries: no read
	}
	sh.reads[a.id] = readEpoch{clock: c[a.id], step: int32(step), gen: sh.writes}
}

// raceSeed seeds bugs for tests, in the per-execution paths only: with
// sameGen, reset leaves the generation as it is, so clocks and shadows of
// earlier executions count in the next; with keepReads, a shadow's reads
// of earlier executions count in the next.
var raceSeed struct{ sameGen, keepReads bool }

func (x *Execution) raceFound(a *actor, name Name, what, did string, b, step int) {
	// A race does not stop the execution: its consequence (a lost wakeup,
	// a misorder) is the more telling finding, so the race is reported only
	// when the execution ends without another (see run).
	if x.raceFinding != nil {
		return
	}
	other := x.actors[b].name
	done := "wrote"
	if what == "reads" {
		done = "read"
	}
	x.raceFinding = &Finding{Kind: Race, Step: x.step, Actor: a.name, Cause: []int{step, x.step},
		Message: fmt.Sprintf("data race on %s: %s %s it at step %d, and %s %s it at step %d, with no happens-before between them (no mutex, signal, atomic or join orders them)",
			name, other, did, step, a.name, done, x.step)}
}

// Locations: memory that translated Go code (package gort) shares without
// a sim primitive. Such code keeps its data in ordinary variables, so the
// runtime of the translation maps each address it sees to a location, an
// object of the execution, and reports the accesses: plain ones to the race
// detector (Access), atomic ones as visible steps (AtomicStep). Holding the
// address for the execution keeps its memory alive, so the garbage
// collector cannot hand it to another variable within the execution.

// NewLocation registers a memory location of kind ("var", "atomic", "map")
// and returns its id for Access and AtomicStep. Its name is for traces.
func (x *Execution) NewLocation(kind, name string) int {
	return x.newObject(kind, Name{base: name})
}

// Access checks a plain read or write of location loc by the running actor
// against the accesses of the other actors, with the vector clocks of
// every synchronisation so far; an unordered conflicting pair is a race
// finding, reported as races of Vars are. It is not a visible step: it
// neither schedules nor appears in traces. site names the access in the
// finding ("counter (pool.go:12)"). Without Options.Races it does nothing.
func (x *Execution) Access(loc int, site string, write bool) {
	r := x.race
	if r == nil {
		return
	}
	a, name := x.self(), Name{base: site}
	if loc < len(r.atomics) && r.atomics[loc].gen == r.gen && x.raceConflict(a, &r.atomics[loc], name, write) {
		return // a plain access against an atomic operation: as Go's race detector, a race
	}
	x.raceAccess(a, loc, name, write)
}

// AtomicStep is one sequentially consistent atomic operation of kind
// (op.Load, op.Store, op.Add, op.Swap, op.CAS, op.And, op.Or) on location
// loc, one visible step: f performs it on the memory and reports whether it
// wrote (a failed CompareAndSwap did not). For the race detector every
// atomic operation acquires what earlier writes of loc released, and a
// write releases, as sync/atomic's operations are synchronising; an atomic
// operation and a plain access (Access) of loc that no happens-before
// orders are a data race, as Go's race detector reports them. A Load and
// a failed CAS are idle steps for fair scheduling, so a spin loop on an
// atomic flag is not a livelock. value, if set, is the event's value in
// traces.
func (x *Execution) AtomicStep(loc int, kind op.Op, f func() (wrote bool), value func() string) {
	a := x.stepOp(req{kind: kind, obj: loc})
	x.raceAcquire(a, loc)
	wrote := f()
	if r := x.race; r != nil {
		// Atomic operations never race with each other, but do with
		// plain accesses of the same memory (Access) they are not
		// ordered with.
		x.raceConflict(a, shadowOf(&r.shadows, loc, r.gen), x.objs[loc].name, wrote)
		r.recordAccess(shadowOf(&r.atomics, loc, r.gen), a, wrote, x.step)
	}
	if wrote {
		x.raceRelease(a, loc)
	}
	x.done(a, !wrote && kind != op.Load, value)
}

// Races reports whether the execution runs the race detector
// (Options.Races): code that reports accesses registers locations only
// then, so that a replay without it sees the same objects.
func (x *Execution) Races() bool { return x.race != nil }
