package sim

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"unsafe"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
)

// This file is state matching: a canonical hash of the global state of an
// execution at a scheduling decision, for stateful search
// (scheduler.StateMatcher). Two executions whose states hash the same have
// the same futures, so a strategy may cut the second one short.
//
// What the hash covers, and why that is enough:
//   - every Var and Atomic value, pointers canonicalised (see hashValue);
//   - every mutex's owner; every actor's pending operation, whether it
//     sleeps on a Cond (the Cond's waiters are exactly those), its virtual
//     ready time, and whether it has finished; the spurious wakeups used
//     (the remaining budget), the virtual time and the cost model's
//     processors;
//   - each live actor's local state, as a hash of the sequence of its
//     completed steps (op, object, failed) and the values they returned
//     (Load, Read, Swap, Choose): actor code is deterministic, so what it
//     does next is a function of what its visible operations returned;
//   - every Object's state: its declared state (StateOf), which a caller
//     observes if calls leak it; or else its calls so far, each given by
//     its caller's identity and local state (its closure's effect and
//     result are a function of those), which the caller observes;
//   - the checks' state: when every check is a Monitor, the monitors'
//     state hashes; otherwise the whole history, in order.
//
// Identities are canonical: an object (and an actor, through its object)
// is named by its creator's identity and how many objects that creator had
// made before, not by its id, which depends on the interleaving when actors
// create objects. Step numbers are left out (matching would be impossible
// otherwise). Outside the hash, so assumed not to matter: a check that
// reads Event.Step; shared Go memory that actor code mutates between
// visible operations and that neither a sim value nor an Object's state
// reflects; Resource queues; the race detector's clocks (a stateful search
// may miss a data race that only a cut path shows). Livelocks (the step bound) are not found: a cycle
// of states is cut where it closes.

// stateRec is an execution's state-matching bookkeeping; off unless the
// strategy matches states.
type stateRec struct {
	on   bool
	cut  bool     // the strategy cut this execution at a known state
	key  []uint64 // by object id: the canonical identity
	made []uint64 // by object id (actors' objects): objects created so far
	obs  []uint64 // by actor id: the hash of its completed steps and values
	// by object id: an Object's calls so far (0: none), each given by
	// its caller's identity and local state
	chain       []uint64
	declared    []objectState // Objects that declared their state (StateOf)
	monitors    []Monitor
	hist        uint64 // the hash of the history's first histN events
	histN       int
	x           *Execution
	objAddrs    addrTable                    // the addresses of this execution's Vars, Atomics, Mutexes and actor handles: their ids (registerObjects)
	ptrTypes    []unsafe.Pointer             // their types (typeWord)
	nreg        [3]int                       // the vals, mutexes and actors registered
	plans       map[reflect.Type]*structPlan // hashPointee's plans of struct types (stateplan.go), kept from execution to execution
	vplans      map[reflect.Type]*valPlan    // hashReflect's plans of types (stateplan.go), kept likewise
	lastPlan    *structPlan
	lastPlanT   unsafe.Pointer // lastPlan's type (typeWord)
	recentPlans []recentPlan   // the valPlans last asked for (valuePlan)
	recentNext  uint8
	hash        func() uint64
	matcher     scheduler.StateMatcher // told when the scenario uses a primitive the hash does not cover
	sym         *symmetry              // the declared symmetric group (symmetry.go), nil if none
	noSym       bool                   // the strategy does not want symmetry reduction
	symSpare    *symmetry              // a previous execution's, for its arrays
	sleeper     scheduler.SleepMatcher // told the actors' canonical names at every hash; nil if the strategy keeps no sleep sets, or the cost model is timed
	names       []uint64               // by actor id: its canonical name, for sleeper

	// The incremental hash (see partCache): the cached parts of values
	// by object id, of declared states by declaration; cacheGen tells a
	// cache entry of this execution and declarations from older ones.
	vcache   []partCache
	dcache   []partCache
	cacheGen uint64
	rec      *partCache                // while a part is hashed for the cache: where the memory it reads is recorded
	pmemo    map[pointeeKey]*partCache // pointees' hashes (pointeeMemo), this execution's
	pcache   []*partCache              // pmemo's entries, the first pn in use, kept from execution to execution
	pkeys    []pointeeKey              // pcache[:pn]'s keys
	pn       int
	scratch  bool // hash every part from scratch, ignoring the caches (checkStateCache)

	// prefix is the bookkeeping saved by decision for the replayed
	// prefix of the next execution (replayLog); nil unless the strategy
	// is a PrefixReplayer. Kept from execution to execution.
	prefix *replayLog
}

// reset prepares the bookkeeping for an execution under strat, keeping
// the arrays.
func (s stateRec) reset(x *Execution, strat scheduler.Strategy) stateRec {
	// pointeeMemo's entries are by address: another execution's objects.
	// (Its entries are reused from pn 0 on: the map must not keep a key.)
	if s.pn > pointeeScan {
		clear(s.pmemo)
	}
	s.objAddrs.reset() // another execution's objects
	// What every execution keeps, matching states or not.
	r := stateRec{key: s.key[:0], made: s.made[:0], obs: s.obs[:0], chain: s.chain[:0], x: x, objAddrs: s.objAddrs, ptrTypes: s.ptrTypes[:0], plans: s.plans, vplans: s.vplans, recentPlans: s.recentPlans,
		vcache: s.vcache, dcache: s.dcache, pmemo: s.pmemo, pcache: s.pcache, pkeys: s.pkeys, cacheGen: s.cacheGen + 1, // a new cacheGen: every cached part is stale
		prefix: s.prefix}
	m, ok := strat.(scheduler.StateMatcher)
	if !ok || !m.MatchesStates() {
		if s.prefix != nil {
			s.prefix.owner = nil // its log is not this strategy's
		}
		return r
	}
	sm, ok := strat.(scheduler.SymmetryMatcher)
	spare := s.sym
	if spare == nil {
		spare = s.symSpare
	}
	r.on, r.hash, r.matcher = true, x.globalHash, m
	r.noSym, r.symSpare, r.names = ok && !sm.Symmetric(), spare, s.names[:0]
	r.prefix = s.prefix.begin(strat)
	if sl, ok := strat.(scheduler.SleepMatcher); ok {
		if x.cost.timed() || x.cost.CPUs > 0 {
			// Time then depends on the order of independent steps (who
			// got a processor first, who woke whom when): they do not
			// commute, and sleep sets would be unsound. The strategy
			// keeps none, so it needs no names either.
			sl.Timed()
		} else {
			r.sleeper = sl
		}
	}
	return r
}

// mix folds v into h (a 64-bit multiply-xorshift step).
func mix(h, v uint64) uint64 {
	h ^= v
	h *= 0x9e3779b97f4a7c15
	return h ^ (h >> 29)
}

// finalize spreads the bits of h, so that a sum of finalized hashes (an
// order-free combination) stays well mixed.
func finalize(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb93fe53ccd4b
	return h ^ (h >> 33)
}

// stateNewObject gives object id its canonical identity: its creator's
// identity and the creator's count of objects made.
func (x *Execution) stateNewObject(id int) {
	s := &x.stateRec
	creator := uint64(0x5eed)
	if a := x.cur; a != nil && a.obj < len(s.key) {
		creator = s.key[a.obj]
		s.made[a.obj]++
		creator = mix(creator, s.made[a.obj])
	} else if len(s.key) > 0 { // main's setup before its first step
		s.made[0]++
		creator = mix(s.key[0], s.made[0])
	}
	s.key = append(s.key, finalize(mix(creator, uint64(id))))
	s.made = append(s.made, 0)
	s.chain = append(s.chain, 0)
	if s.sym != nil {
		x.symNewObject()
	}
	switch x.objs[id].kind {
	case "actor", "var", "atomic", "mutex", "cond", "object", "choose":
		return // the common kinds, hashed: no map lookup
	}
	if what, ok := unhashedKinds[x.objs[id].kind]; ok {
		x.refuseStates(fmt.Sprintf("%s (%s %q)", what, x.objs[id].kind, x.objs[id].name.String()))
	}
}

// refuseStates stops a stateful search of a scenario that uses what, whose
// state the hash does not cover.
func (x *Execution) refuseStates(what string) {
	x.refuseStatesAs(fmt.Sprintf("state matching does not cover %s: its state is not in the state hash, so matching could merge states that differ; explore this scenario without -stateful (DFS, DPOR) or with sim's Mutex, Cond, Var and Atomic", what))
}

// refuseStatesAs stops a stateful search with reason as its error.
func (x *Execution) refuseStatesAs(reason string) {
	if r, ok := x.stateRec.matcher.(scheduler.StateRefuser); ok {
		r.RefuseStates(reason)
	}
}

// unhashedKinds are the object kinds whose state the hash does not cover:
// Go's channels (and so contexts and timers' channels), mutexes, RWMutex,
// WaitGroup, Once, Cond, Semaphore and timers. A scenario that makes one
// is refused by a stateful search (scheduler.StateRefuser) rather than
// given a verdict that might be wrong. (AtomicInt is covered: its value is
// hashed and what its operations return is observed.)
var unhashedKinds = map[string]string{
	"chan":      "Go channels (Chan, and the contexts and timers built on them)",
	"gomutex":   "Go's sync.Mutex (GoMutex)",
	"rwmutex":   "Go's sync.RWMutex (RWMutex)",
	"waitgroup": "Go's sync.WaitGroup (WaitGroup)",
	"once":      "Go's sync.Once (Once)",
	"gocond":    "Go's sync.Cond (GoCond)",
	"semaphore": "semaphores (Semaphore)",
	"timer":     "timers (Timer)",
	"ticker":    "tickers (Ticker)",
	"afterfunc": "timers (AfterFunc)",
	"resource":  "resources (Resource)",
}

// stateStep folds a completed step of a into its local state. (This,
// observe and observeValue are skipped in a replayed prefix and their
// result restored after it: statereplay.go.)
func (x *Execution) stateStep(a *actor, kind op.Op, obj int, failed bool) {
	s := &x.stateRec
	if s.sym != nil && x.opts.Coverage {
		x.symCover(obj, kind) // coverage is the execution's own: not skipped
	}
	if x.replayed() {
		return
	}
	for len(s.obs) <= a.id {
		s.obs = append(s.obs, 0)
	}
	if s.sym != nil {
		x.actorRefs(a)
		defer s.sym.endCollect()
	}
	h := mix(s.obs[a.id], uint64(kind)+1)
	if obj >= 0 && obj < len(s.key) {
		h = mix(h, x.objKey(obj))
	}
	if failed {
		h = mix(h, 1)
	}
	if kind == op.Call && obj >= 0 && obj < len(s.chain) && s.chain[obj] == declaredChain {
		// A declared object: its state is in the global hash; a caller
		// that can learn it observes the state its closure runs on.
		for i, d := range s.declared {
			if d.id == obj && d.leaks {
				h = mix(h, x.declaredObserved(i))
			}
		}
	} else if kind == op.Call && obj >= 0 && obj < len(s.chain) {
		// The object's state is its calls so far, each given by its
		// caller's identity and local state; what the call returned is a
		// function of that state.
		s.chain[obj] = finalize(mix(mix(s.chain[obj]+1, s.key[a.obj]), s.obs[a.id]))
		if s.sym != nil {
			// The calls' order and callers are by identity: no renaming.
			if s.prefix != nil {
				s.prefix.broke = true // a replay cannot restore where this write fell
			}
			s.sym.broken = "an Object without a declared state (StateOf) was called"
			for _, r := range s.sym.refs[a.id] {
				s.chain[obj] = mix(s.chain[obj], uint64(r)+1)
			}
		}
		if l := s.prefix; l != nil && l.logging {
			l.chains = append(l.chains, chainWrite{obj, s.chain[obj]})
		}
		h = mix(h, s.chain[obj])
	}
	s.obs[a.id] = h
}

// observe folds a value that a visible operation returned to a into a's
// local state. Callers check stateRec.on first, so that a value is not
// boxed for nothing.
func (x *Execution) observe(a *actor, v any) {
	s := &x.stateRec
	if x.replayed() {
		return
	}
	for len(s.obs) <= a.id {
		s.obs = append(s.obs, 0)
	}
	if s.sym != nil {
		x.actorRefs(a)
		defer s.sym.endCollect()
	}
	s.obs[a.id] = mix(s.obs[a.id], x.hashValue(v))
}

// observeValue is observe for the value of hv, just read (called before
// any write of the step). Its hash is the value's cached one
// (valueEntry), computed now if stale: then the next decision finds it
// (a value is hashed once per write, however often it is read), and the
// value is boxed only then.
func (x *Execution) observeValue(a *actor, hv hashedValue) {
	s := &x.stateRec
	if x.replayed() {
		return
	}
	if hashFromScratch {
		x.observe(a, hv.stateValue())
		return
	}
	c := x.valueEntry(hv)
	if checkStateCache { // a fill too: it may reuse pointees (pointeeMemo)
		x.checkObserved(c, hv.stateValue())
	}
	for len(s.obs) <= a.id {
		s.obs = append(s.obs, 0)
	}
	if s.sym != nil {
		for len(s.sym.refs) <= a.id {
			s.sym.refs = append(s.sym.refs, nil)
		}
		s.sym.refs[a.id] = append(s.sym.refs[a.id], c.refs[c.valRefs:]...)
	}
	s.obs[a.id] = mix(s.obs[a.id], c.val)
}

// checkObserved compares the cached hash of an observed value (or
// declared state) with its hash from scratch (checkStateCache).
func (x *Execution) checkObserved(c *partCache, v any) {
	s := &x.stateRec
	var refs []int8
	if sym := s.sym; sym != nil {
		was := sym.collect
		sym.collect = &refs
		defer func() { sym.collect = was }()
	}
	s.scratch = true
	h := x.hashValue(v)
	s.scratch = false
	if h != c.val || !slices.Equal(refs, c.refs[c.valRefs:]) {
		stateCacheMismatch(x, c.val, h)
	}
}

// stateRecord hands a recorded history event to the monitors. The
// history's own hash is brought up to date only when a decision needs it
// (histHash).
func (x *Execution) stateRecord() {
	for _, m := range x.stateRec.monitors {
		m.Event(x.history[len(x.history)-1])
	}
}

// histHash folds the events recorded since the last call into the hash
// of the whole history, and returns it.
func (x *Execution) histHash() uint64 {
	s := &x.stateRec
	for ; s.histN < len(x.history); s.histN++ {
		e := &x.history[s.histN]
		h := mix(s.hist, s.key[x.actors[e.Actor].obj])
		h = mix(h, uint64(e.Time))
		s.hist = mix(h, x.hashValue(e.Value))
	}
	return s.hist
}

// globalHash is the hash of the global state (see the top of this file).
// It tells a strategy that keeps sleep sets the actors' canonical names:
// an actor's identity, or under symmetry reduction a member's position in
// the permutation that canonicalised the state, so that a stored sleep set
// means the same steps in every state of the class.
func (x *Execution) globalHash() uint64 {
	s := &x.stateRec
	if r := s.prefix; r != nil && r.pending {
		x.replayRestore() // a hash before any step since the replayed prefix
	}
	s.scratch = hashFromScratch
	h := x.matchHash()
	if checkStateCache {
		s.scratch = true
		want := x.matchHash()
		s.scratch = false
		if h != want {
			stateCacheMismatch(x, h, want)
		}
	}
	if s.sleeper != nil {
		s.names = s.names[:0]
		for _, a := range x.actors {
			s.names = append(s.names, x.actorName(a))
		}
		s.sleeper.ActorNames(s.names)
	}
	return h
}

// matchHash is globalHash's hash, from the cached parts unless
// stateRec.scratch.
func (x *Execution) matchHash() uint64 {
	if x.stateRec.sym != nil {
		return x.symHash()
	}
	return x.plainHash()
}

// actorName is a's canonical name at the state just hashed (globalHash).
func (x *Execution) actorName(a *actor) uint64 {
	s := &x.stateRec
	if sym := s.sym; sym != nil && a.obj < len(sym.member) && sym.member[a.obj] != 0 {
		return mix(sym.class[a.obj], uint64(sym.best[sym.member[a.obj]-1])+1)
	}
	return s.key[a.obj]
}

// plainHash is globalHash without a symmetric group.
func (x *Execution) plainHash() uint64 {
	s := &x.stateRec
	h := mix(0x9a7e, uint64(x.now))
	h = mix(h, uint64(x.spurious))
	h = mix(h, uint64(x.end))
	for _, f := range x.cpuFree { // the cost model's processors
		h = mix(h, uint64(f))
	}
	if len(s.monitors) > 0 && len(s.monitors) == len(x.checks) {
		// Every check is a monitor: their states stand for the history.
		for _, m := range s.monitors {
			h = mix(h, m.StateHash())
		}
	} else {
		h = mix(h, x.histHash())
	}
	var sum uint64 // order-free over actors and objects
	for _, a := range x.actors {
		k := mix(s.key[a.obj], 1)
		if a.done {
			sum += finalize(k)
			continue
		}
		var obs uint64 // no entry yet: as an empty local state
		if a.id < len(s.obs) {
			obs = s.obs[a.id]
		}
		k = mix(k, obs)
		k = mix(k, uint64(a.req.kind))
		if a.req.obj >= 0 {
			k = mix(k, s.key[a.req.obj])
		}
		if a.asleep {
			k = mix(k, 7)
		}
		k = mix(k, uint64(max(a.readyAt-x.now, 0))) // ready since when does not matter
		sum += finalize(k)
	}
	for _, m := range x.mutexList {
		k := mix(s.key[m.id], 2)
		if m.owner != nil {
			k = mix(k, s.key[m.owner.obj])
		}
		sum += finalize(k)
	}
	for _, v := range x.vals {
		if hv, ok := v.(hashedValue); ok {
			sum += finalize(x.valuePart(hv))
		}
	}
	for i := range s.declared {
		sum += finalize(x.declaredPart(i))
	}
	for id, c := range s.chain {
		if c != 0 && c != declaredChain {
			sum += finalize(mix(mix(s.key[id], 4), c))
		}
	}
	return finalize(mix(h, sum))
}

// hashedValue is a Var or Atomic: its object id and value.
type hashedValue interface {
	valueID() int
	stateValue() any // the value, boxed
}

func (v *Var[T]) stateValue() any       { return v.v }
func (v *Atomic[T]) stateValue() any    { return v.v }
func (v *AtomicInt[T]) stateValue() any { return v.v }

func (v *Var[T]) valueID() int       { return v.id }
func (v *Atomic[T]) valueID() int    { return v.id }
func (v *AtomicInt[T]) valueID() int { return v.id }

// The hash is incremental: a value's part of it (its hash with member
// references abstract, and the references) and a declared object
// state's are kept from one decision to the next (partCache) and
// recomputed only when something may have changed them. A value is
// recomputed when written (stateRec.wrote, on every write path of Var,
// Atomic and AtomicInt); a declared state when fn's result differs, byte
// for byte, from the last one. Neither is enough alone: hashValue
// follows plain Go pointers and slices into memory that actor code may
// change without a sim write (a THD's XidError, an engine's commit
// order). So a part also records the memory it read that way, address
// and bytes (memDep), and is reused only if those bytes are unchanged:
// the hash is a function of exactly what it read, so equal bytes give an
// equal hash, and the cache never changes the hash's value. A part that
// read a map (whose size it hashes) is not cached. Declarations
// (SymmetricMember, SymmetricIDField) change how parts hash: they start
// a new cacheGen. A step that reads a value or a leaking declared state
// hashes it through the same cache (observeValue, declaredObserved), and
// pointees are kept by address (pointeeMemo). checkStateCache checks all
// this at every decision and observation.

// partCache is one part of the state hash as last computed.
type partCache struct {
	gen     uint64       // stateRec.cacheGen when computed; another: stale
	abs     uint64       // the part's hash, member references abstract under symmetry
	refs    []int8       // under symmetry: the members it references, in order
	typ     reflect.Type // a declared state: the type of fn's result
	root    []byte       // a declared state: the bytes of fn's result
	deps    []memDep     // the memory hashing read through plain pointers and slices, in the order read
	mem     []byte       // the deps' bytes then, one after another
	bare    bool         // while computed: it read something not recorded (a map); not cached
	val     uint64       // a value's hashValue, and where its references start in refs (observeValue)
	valRefs int
}

// memDep is n bytes at p that a part's hash read.
type memDep struct {
	p unsafe.Pointer
	n int
}

// read records that the part being computed reads the n bytes at p.
func (c *partCache) read(p unsafe.Pointer, n uintptr) {
	if n == 0 {
		return
	}
	c.deps = append(c.deps, memDep{p, int(n)})
	c.mem = append(c.mem, unsafe.Slice((*byte)(p), n)...)
}

// unchanged reports whether the memory the part read still holds the
// same bytes. The deps are checked in the order they were read, so that
// a pointer is followed only once the bytes holding it are known equal
// (and the deps' pointers keep their memory alive anyway).
func (c *partCache) unchanged() bool {
	off := 0
	for _, d := range c.deps {
		if !bytes.Equal(unsafe.Slice((*byte)(d.p), d.n), c.mem[off:off+d.n]) {
			return false
		}
		off += d.n
	}
	return true
}

// fill computes c, the part of object id of the given kind (3: a
// value, 5: a declared state) holding v: its hash, the member references
// it collects (into c.refs, under symmetry) and the memory it reads.
func (x *Execution) fill(c *partCache, id int, kind uint64, v any) {
	s := &x.stateRec
	outer, was := s.beginPart(c)
	k := mix(x.objKey(id), kind)
	c.valRefs = len(c.refs)
	c.val = x.hashValue(v)
	c.abs = mix(k, c.val)
	s.endPart(c, outer, was)
}

// beginPart starts computing c (fill, pointeeMemo): the memory read and
// the member references collected from now on are c's. It returns what
// endPart restores.
func (s *stateRec) beginPart(c *partCache) (outer *partCache, collect *[]int8) {
	c.deps, c.mem, c.bare, c.refs = c.deps[:0], c.mem[:0], false, c.refs[:0]
	outer, s.rec = s.rec, c
	if s.sym != nil {
		collect, s.sym.collect = s.sym.collect, &c.refs
	}
	return outer, collect
}

// endPart ends c's computation, begun by beginPart: c is current, unless
// it read something not recorded.
func (s *stateRec) endPart(c, outer *partCache, collect *[]int8) {
	if s.sym != nil {
		s.sym.collect = collect
	}
	s.rec = outer
	c.gen = s.cacheGen
	if c.bare {
		c.gen = 0
	}
}

// reuse returns c's hash, with its member references appended to the
// symmetry's buffer.
func (s *stateRec) reuse(c *partCache) uint64 {
	if s.sym != nil && s.sym.collect != nil {
		s.sym.buf = append(s.sym.buf, c.refs...)
	}
	return c.abs
}

// wrote marks value id written: its cached part is stale. It is the
// write paths' hook (one bounds check when nothing is cached).
func (s *stateRec) wrote(id int) {
	if id < len(s.vcache) {
		s.vcache[id].gen = 0
	}
}

// valuePart is value hv's part of the state hash, before finalize: its
// identity and its value, member references abstract and appended to the
// symmetry's buffer when it collects them.
func (x *Execution) valuePart(hv hashedValue) uint64 {
	s := &x.stateRec
	if s.scratch {
		return mix(mix(x.objKey(hv.valueID()), 3), x.hashValue(hv.stateValue()))
	}
	return s.reuse(x.valueEntry(hv))
}

// valueEntry returns value hv's cache entry, brought up to date.
func (x *Execution) valueEntry(hv hashedValue) *partCache {
	s := &x.stateRec
	id := hv.valueID()
	for len(s.vcache) <= id {
		s.vcache = append(s.vcache, partCache{})
	}
	c := &s.vcache[id]
	if c.gen != s.cacheGen || !c.unchanged() {
		x.fill(c, id, 3, hv.stateValue())
	}
	return c
}

// declaredPart is declared state i's part of the state hash, as
// valuePart's. fn runs every time (what it reads is the protocol's); its
// result is hashed again only if its bytes, or the memory its hash read,
// changed. Results of pointer size or less are always hashed again: an
// interface may hold them directly, so that their bytes are not where
// rootBytes looks.
func (x *Execution) declaredPart(i int) uint64 {
	s := &x.stateRec
	if s.scratch {
		d := &s.declared[i]
		return mix(mix(x.objKey(d.id), 5), x.hashValue(d.fn()))
	}
	c, _ := x.declaredEntry(i)
	return s.reuse(c)
}

// declaredObserved is the hash of declared state i that a caller of the
// object observes (stateStep), its member references collected: through
// its cached part, filled now if stale, as observeValue.
func (x *Execution) declaredObserved(i int) uint64 {
	s := &x.stateRec
	if hashFromScratch {
		return x.hashValue(s.declared[i].fn())
	}
	c, v := x.declaredEntry(i)
	if checkStateCache {
		x.checkObserved(c, v)
	}
	if s.sym != nil && s.sym.collect != nil {
		*s.sym.collect = append(*s.sym.collect, c.refs[c.valRefs:]...)
	}
	return c.val
}

// declaredEntry returns declared state i's cache entry, brought up to
// date, and fn's result.
func (x *Execution) declaredEntry(i int) (*partCache, any) {
	s := &x.stateRec
	d := &s.declared[i]
	v := d.fn()
	for len(s.dcache) <= i {
		s.dcache = append(s.dcache, partCache{})
	}
	c := &s.dcache[i]
	t := reflect.TypeOf(v)
	cacheable := t != nil && t.Size() > unsafe.Sizeof(uintptr(0))
	if !cacheable || c.gen != s.cacheGen || c.typ != t || !bytes.Equal(rootBytes(&v, t), c.root) || !c.unchanged() {
		x.fill(c, d.id, 5, v)
		if cacheable {
			c.typ, c.root = t, append(c.root[:0], rootBytes(&v, t)...)
		} else {
			c.gen = 0
		}
	}
	return c, v
}

// rootBytes returns the bytes of the value that *v holds, of type t,
// larger than a pointer (so held indirectly: the interface's data word
// points to it).
func rootBytes(v *any, t reflect.Type) []byte {
	return unsafe.Slice((*byte)(efaceOf(v).data), t.Size())
}

// eface is the layout of an interface without methods (any): its type
// word (typeWord) and its data word.
type eface struct{ typ, data unsafe.Pointer }

// efaceOf returns the words of *v.
func efaceOf(v *any) *eface { return (*eface)(unsafe.Pointer(v)) }

// checkStateCache makes every decision hash the state a second time from
// scratch, without the cached parts, and record a difference
// (stateCacheMismatch): the incremental hash's soundness check, for
// tests. SIMRUN_HASHCHECK=1 turns it on in any binary (the scheduler's
// tests, simrun), and makes a difference fatal.
var (
	checkStateCache = os.Getenv("SIMRUN_HASHCHECK") == "1"
	stateCacheCheck = soundness{fatal: checkStateCache} // its differences
)

// hashFromScratch turns the incremental hash off (tests: the reference
// its speed is measured against).
var hashFromScratch bool

// stateCacheMismatch records a difference between the incremental hash
// and the hash from scratch; under SIMRUN_HASHCHECK=1 it stops the
// program.
func stateCacheMismatch(x *Execution, got, want uint64) {
	stateCacheCheck.differ(fmt.Sprintf("sim: incremental state hash %#x, from scratch %#x, at step %d", got, want, x.step))
}

// hashValue hashes a value canonically: plain data by content; a pointer
// to a sim object by the object's identity; any other pointer by the
// identity of the first sim object its pointee holds (a THD by its
// queue link) and the plain data beside it, or by its pointee's content
// when it holds none.
func (x *Execution) hashValue(v any) uint64 {
	switch v := v.(type) {
	case nil:
		return 0x11
	case bool:
		if v {
			return 0x13
		}
		return 0x12
	case int:
		return finalize(uint64(v) + 0x21)
	case int64:
		return finalize(uint64(v) + 0x21)
	case int32:
		return finalize(uint64(v) + 0x21)
	case uint64:
		return finalize(v + 0x21)
	case string:
		return hashString(v)
	}
	if s := &x.stateRec; !s.scratch {
		// A struct held indirectly (larger than a pointer): by its plan
		// at the interface's data (stateplan.go), the same hash.
		if t := reflect.TypeOf(v); t.Kind() == reflect.Struct && t.Size() > unsafe.Sizeof(uintptr(0)) {
			return x.hashAt(s.valuePlan(t), efaceOf(&v).data, 3)
		}
	}
	return x.hashReflect(reflect.ValueOf(v), 3)
}

func hashString(s string) uint64 {
	h := uint64(0x5717)
	for i := 0; i < len(s); i++ {
		h = mix(h, uint64(s[i]))
	}
	return finalize(mix(h, uint64(len(s))))
}

// hashReflect hashes rv, following non-object pointers depth levels deep.
func (x *Execution) hashReflect(rv reflect.Value, depth int) uint64 {
	switch rv.Kind() {
	case reflect.Invalid:
		return 0x11
	case reflect.Bool:
		if rv.Bool() {
			return 0x13
		}
		return 0x12
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return finalize(uint64(rv.Int()) + 0x21)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return finalize(rv.Uint() + 0x21)
	case reflect.Float32, reflect.Float64:
		return finalize(math.Float64bits(rv.Float()))
	case reflect.String:
		return hashString(rv.String())
	case reflect.Interface:
		if rv.IsNil() {
			return 0x11
		}
		return mix(hashString(rv.Elem().Type().String()), x.hashReflect(rv.Elem(), depth))
	case reflect.Struct:
		if !x.stateRec.scratch && rv.CanAddr() {
			return x.hashAt(x.stateRec.valuePlan(rv.Type()), unsafe.Pointer(rv.UnsafeAddr()), depth)
		}
		h := uint64(0x57)
		idf := x.idFieldOf(rv.Type())
		for i := 0; i < rv.NumField(); i++ {
			if i == idf {
				h = mix(h, x.idField(rv.Field(i).Int()))
				continue
			}
			h = mix(h, x.hashReflect(rv.Field(i), depth))
		}
		return finalize(h)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return 0x11
		}
		if c := x.stateRec.rec; c != nil && rv.Kind() == reflect.Slice {
			c.read(rv.UnsafePointer(), uintptr(rv.Len())*rv.Type().Elem().Size())
		}
		h := mix(0x5a, uint64(rv.Len()))
		for i := 0; i < rv.Len(); i++ {
			h = mix(h, x.hashReflect(rv.Index(i), depth))
		}
		return finalize(h)
	case reflect.Pointer:
		if rv.IsNil() {
			return 0x11
		}
		if id, ok := x.objectID(rv); ok {
			return x.objKey(id)
		}
		if depth == 0 {
			return 0x99 // too deep: identity unknown, the plain data above decides
		}
		e := rv.Elem()
		if s := &x.stateRec; !s.scratch && (s.sym == nil || s.sym.collect != nil) {
			return x.pointeeMemo(rv, e, depth)
		}
		if c := x.stateRec.rec; c != nil {
			c.read(rv.UnsafePointer(), e.Type().Size())
		}
		return x.hashPointee(e, depth)
	case reflect.Map:
		// Iteration order is random: only the size.
		if c := x.stateRec.rec; c != nil {
			c.bare = true
		}
		return mix(0x3a, uint64(rv.Len()))
	}
	return hashString(rv.Type().String()) // func, chan: the type only
}

// hashPointee hashes e, what a pointer that is not a sim object points
// to (hashReflect).
func (x *Execution) hashPointee(e reflect.Value, depth int) uint64 {
	if e.Kind() == reflect.Struct && !x.stateRec.scratch && e.CanAddr() {
		// By the struct's plan: the same hash (stateplan.go).
		p, base := x.stateRec.plan(e.Type()), unsafe.Pointer(e.UnsafeAddr())
		if k, ok := x.firstObjectAt(p, base); ok {
			return mix(k, x.hashPlainAt(p, base))
		}
		return mix(0x9f, x.hashReflect(e, depth-1))
	}
	if e.Kind() == reflect.Struct {
		if k, ok := x.firstObject(e, 2); ok {
			return mix(k, x.hashPlain(e))
		}
	}
	return mix(0x9f, x.hashReflect(e, depth-1))
}

// pointeeKey is what a pointee's hash is kept under: its address, type
// (a struct and its first field share an address) and the depth left.
type pointeeKey struct {
	p     uintptr
	t     unsafe.Pointer // typeWord
	depth int
}

// pointeeScan is how many pointees an execution's pointeeMemo finds by
// comparing keys one by one (pkeys) before it uses the map: an execution
// hashes few (group commit: its THDs), and a map costs more than a few
// comparisons.
const pointeeScan = 16

// pointeeMemo is hashPointee through a cache of pointees: many values
// point to the same structs (every queue link and the queue's head to
// THDs), and a struct walked by reflection costs more than comparing its
// bytes. An entry is a partCache whose first dep is the pointee itself:
// reused while the bytes it read are unchanged, and its deps and member
// references passed on to the part being computed, as if it had read
// them itself. Not used where member references are not collected
// (under symmetry, the history's hash names members by identity).
func (x *Execution) pointeeMemo(rv, e reflect.Value, depth int) uint64 {
	s := &x.stateRec
	key := pointeeKey{rv.Pointer(), typeWord(e.Type()), depth}
	var c *partCache
	if s.pn <= pointeeScan {
		for i, k := range s.pkeys[:s.pn] {
			if k == key {
				c = s.pcache[i]
				break
			}
		}
	} else {
		c = s.pmemo[key]
	}
	if c == nil {
		if s.pn == len(s.pcache) {
			s.pcache = append(s.pcache, &partCache{})
		}
		c = s.pcache[s.pn]
		c.gen = 0
		s.pkeys = append(s.pkeys[:s.pn], key)
		s.pn++
		switch {
		case s.pn == pointeeScan+1:
			if s.pmemo == nil {
				s.pmemo = map[pointeeKey]*partCache{}
			}
			for i, k := range s.pkeys {
				s.pmemo[k] = s.pcache[i]
			}
		case s.pn > pointeeScan+1:
			s.pmemo[key] = c
		}
	}
	if c.gen != s.cacheGen || !c.unchanged() {
		outer, was := s.beginPart(c)
		c.read(rv.UnsafePointer(), e.Type().Size())
		c.val = x.hashPointee(e, depth)
		s.endPart(c, outer, was)
	}
	if outer := s.rec; outer != nil {
		outer.deps = append(outer.deps, c.deps...)
		outer.mem = append(outer.mem, c.mem...)
		outer.bare = outer.bare || c.bare
	}
	if sym := s.sym; sym != nil {
		*sym.collect = append(*sym.collect, c.refs...)
	}
	return c.val
}

// hashPlain hashes the plain data of a struct: its fields that are not
// pointers, recursively through embedded and inline structs.
func (x *Execution) hashPlain(rv reflect.Value) uint64 {
	h := uint64(0x91)
	idf := x.idFieldOf(rv.Type())
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Field(i)
		if i == idf {
			h = mix(h, x.idField(f.Int()))
			continue
		}
		switch f.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Func, reflect.Chan, reflect.Interface, reflect.Slice, reflect.UnsafePointer:
			continue
		case reflect.Struct:
			h = mix(h, x.hashPlain(f))
		default:
			h = mix(h, x.hashReflect(f, 0))
		}
	}
	return finalize(h)
}

// firstObject returns the identity of the first sim object that a struct
// holds, looking into inline structs depth levels deep.
func (x *Execution) firstObject(rv reflect.Value, depth int) (uint64, bool) {
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Field(i)
		switch f.Kind() {
		case reflect.Pointer:
			if !f.IsNil() {
				if id, ok := x.objectID(f); ok {
					return x.objKey(id), true
				}
			}
		case reflect.Struct:
			if depth > 0 {
				if k, ok := x.firstObject(f, depth-1); ok {
					return k, true
				}
			}
		}
	}
	return 0, false
}

// objectID returns the id of the sim object that pointer rv points to,
// if it is one of this execution's Vars, Atomics, Mutexes or actor
// handles (the objects hashed by identity).
func (x *Execution) objectID(rv reflect.Value) (int, bool) {
	return x.objectAt(rv.Type(), rv.UnsafePointer())
}

// objectAt is objectID for a pointer of type t to p. A pointer of a type
// no object has is none, told by comparing types (most pointers hashed
// are not objects: a THD's, whose hash is the first object it holds);
// otherwise its address is looked up in the execution's (objAddrs). (A
// Go map of the addresses, filled anew at every execution and looked up
// for every pointer, cost more.)
func (x *Execution) objectAt(t reflect.Type, p unsafe.Pointer) (int, bool) {
	s := &x.stateRec
	s.registerObjects()
	if p == nil || !slices.Contains(s.ptrTypes, typeWord(t)) {
		return 0, false
	}
	return s.objAddrs.get(uintptr(p))
}

// registerObjects records the address and type of every Var, Atomic,
// Mutex and actor handle made since the last call (the execution's lists
// of them only grow).
func (s *stateRec) registerObjects() {
	x := s.x
	if len(x.vals) == s.nreg[0] && len(x.mutexList) == s.nreg[1] && len(x.actors) == s.nreg[2] {
		return
	}
	for _, v := range x.vals[s.nreg[0]:] {
		if hv, ok := v.(hashedValue); ok {
			s.register(v, hv.valueID())
		}
	}
	for _, m := range x.mutexList[s.nreg[1]:] {
		s.register(m, m.id)
	}
	for _, a := range x.actors[s.nreg[2]:] {
		if a.handle != nil {
			s.register(a.handle, a.obj)
		}
	}
	s.nreg = [3]int{len(x.vals), len(x.mutexList), len(x.actors)}
}

// register records object id, the pointer v holds.
func (s *stateRec) register(v any, id int) {
	e := efaceOf(&v)
	s.objAddrs.put(uintptr(e.data), id)
	if !slices.Contains(s.ptrTypes, e.typ) {
		s.ptrTypes = append(s.ptrTypes, e.typ)
	}
}

// typeWord is the runtime's type descriptor of t: what an interface
// holding a value of type t has as its type word (reflect.TypeOf returns
// it as a *rtype). Compared as a pointer, it is cheaper than comparing
// reflect.Types (interfaces).
func typeWord(t reflect.Type) unsafe.Pointer {
	type iface struct{ tab, data unsafe.Pointer }
	return (*iface)(unsafe.Pointer(&t)).data
}

// addrTable maps objects' addresses to their ids: open addressing,
// linear probing, at most half full; address 0 marks a free slot.
type addrTable struct {
	slots []addrSlot // a power of two long
	n     int
}

type addrSlot struct {
	p  uintptr
	id int
}

// reset empties the table, keeping its array.
func (t *addrTable) reset() {
	clear(t.slots)
	t.n = 0
}

// at is where p's probe sequence starts (Fibonacci hashing: objects'
// addresses are a chunk's slots, evenly spaced).
func (t *addrTable) at(p uintptr) uintptr {
	return uintptr((uint64(p) * 0x9e3779b97f4a7c15) >> 32)
}

// put maps p to id (p not 0, not there yet).
func (t *addrTable) put(p uintptr, id int) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots, t.n = make([]addrSlot, max(2*len(old), 64)), 0
		for _, e := range old {
			if e.p != 0 {
				t.put(e.p, e.id)
			}
		}
	}
	mask := uintptr(len(t.slots) - 1)
	i := t.at(p) & mask
	for t.slots[i].p != 0 && t.slots[i].p != p {
		i = (i + 1) & mask
	}
	if t.slots[i].p == 0 {
		t.n++
	}
	t.slots[i] = addrSlot{p, id}
}

// get returns p's id, if p is there.
func (t *addrTable) get(p uintptr) (int, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	mask := uintptr(len(t.slots) - 1)
	for i := t.at(p) & mask; ; i = (i + 1) & mask {
		switch t.slots[i].p {
		case p:
			return t.slots[i].id, true
		case 0:
			return 0, false
		}
	}
}

// objectState is an Object's declared state (StateOf).
type objectState struct {
	id    int
	fn    func() any
	leaks bool
}

// declaredChain marks, in stateRec.chain, an Object that declared its
// state.
const declaredChain = ^uint64(0)

// StateOf declares, for state matching, what the object's state is: fn
// returns a value (hashed by content, as Var values are) that determines
// everything the object's future calls do, and leaks says whether a call's
// closure may pass anything of that state to its caller (a read). Without
// it an object's state is the sequence of its calls, each with its
// caller's local state, which is sound but tells apart every order of
// calls; a declared state is as coarse as the protocol says it may be.
// Without a strategy that matches states it does nothing.
func (o *Object) StateOf(fn func() any, leaks bool) {
	s := &o.x.stateRec
	if !s.on {
		return
	}
	s.declared = append(s.declared, objectState{id: o.id, fn: fn, leaks: leaks})
	s.chain[o.id] = declaredChain
}
