package sim

import (
	"bytes"
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"github.com/simrun/simrun/op"
)

// This file is symmetry reduction for state matching: a scenario declares
// a group of interchangeable members (SymmetricMember), each an actor with
// its own objects, running the same code on inputs that differ only by the
// member's id (SymmetricIDField says where ids appear in values). Two
// states that differ by a permutation of the members then have the same
// futures up to that permutation, so a stateful search may store one of
// them. The state hash becomes the hash of a canonical representative: the
// state with its members renamed by the permutation that gives the
// smallest hash among the candidates below.
//
// How the renaming is done without redoing the incremental hashes: every
// part of the state (an actor's local state, a mutex, a value, a declared
// object state) is hashed once per decision with its references to
// members left abstract, as a placeholder for "a member's object of class
// k" or "a member id", and the members it references, in order, on the
// side (symComp). Renaming the state by a permutation is then renaming
// those short lists; an actor's local state, built step by step, keeps its
// list as it grows. Monitors rename the ids in their state themselves
// (SymmetricMonitor).
//
// Coverage: an operation of a member on its object of position k is
// reported for every member's object of position k (symCover), since the
// mirror images the search does not visit reach them.
//
// Which permutations are tried: each member gets a signature, the hash of
// the state with that member marked and the others not (invariant under
// permutations of the others); members are ordered by signature, and
// every order of members with equal signatures is tried, up to symMaxPerms
// orders (beyond, only one: still sound, since any permutation gives the
// hash of a state symmetric to this one, but two symmetric states may
// then be stored twice).
//
// The reduction is never assumed: without a declaration nothing changes.
// It is sound only if the scenario is symmetric (the members run the same
// code on their own objects and ids, and the other actors treat them
// alike: a main that joins them in a fixed order tells them apart while
// it waits), the declaration is complete (every object of a member
// declared, in the same order for every member; every id field declared)
// and the checks are symmetric; the tests compare it with the search
// without it and with brute force. It falls back to the
// identity permutation (plain state matching) when the members' objects
// differ in number or kind, when a check is not a SymmetricMonitor (the
// history, with its actor ids, is hashed instead), when an Object without
// a declared state is called, or when a member creates an object.

// symMaxPerms bounds the permutations tried per state.
const symMaxPerms = 120

// symmetry is an execution's declared symmetric group and the hashing
// state that goes with it.
type symmetry struct {
	ids      []int                // by member: its id
	objs     [][]int              // by member: its objects (actors' included), in declaration order
	member   []int32              // by object id: 1 + the member it belongs to, 0 for none
	class    []uint64             // by object id: the placeholder of a member's object (its position)
	pos      []int32              // by object id: its position in its member's objects
	fields   map[reflect.Type]int // struct types with a member id field: the field's index
	lastT    reflect.Type         // the type idFieldOf looked up last (nil: none), and its answer:
	lastF    int                  // a value's structs are mostly of one type, and a map lookup by type is slow
	byID     map[int]int          // member id -> member
	small    []int32              // by member id below symSmallIDs: 1 + its member, 0 for none (byID without a map lookup)
	refs     [][]int8             // by actor id: the members its local state references, in order
	broken   string               // why the identity permutation is used; "" when symmetry applies
	dirty    bool                 // declarations changed since the last check
	shaped   bool                 // the members' objects pair up (check)
	badDecl  bool                 // a declaration was refused (broken says why)
	shapeErr string               // how the members' objects do not pair up, as of the last check

	collect *[]int8 // while hashing: where member references go; nil: hash them by identity

	// per decision scratch
	buf    []int8
	comps  []symComp // the parts with member references
	fixed  uint64    // the sum of the parts without any (see sum)
	perm   []int     // member -> canonical position
	best   []int     // member -> canonical position in the permutation symHash chose
	order  []int
	sigs   []uint64
	sorted []int // the ids, ascending: a renamed member takes the id of its position
	rename func(int) int

	memos []sigMemo // by part (symComp.slot)

	idFields []symIDField // SymmetricIDField's lookups, kept across executions
}

// symComp is a part of the state: its hash with member references left
// abstract, and the members they are, buf[lo:hi].
type symComp struct {
	abs    uint64
	lo, hi int32
	slot   int32 // its place among the state's parts, for its sigMemo
}

// sigMemo is a part's contribution to the signatures (symHash), kept
// from one decision to the next: most parts do not change at a step.
// It is reused only for the same hash and references.
type sigMemo struct {
	abs  uint64
	refs []int8
	f0   uint64   // finalize(hash with every reference renamed 0): no member marked
	mem  []int8   // the members it references, each once
	fi   []uint64 // finalize(hash with mem[j] marked: renamed 1, the others 0)
	pre  []uint64 // memo's scratch: the prefixes of the hash with none marked
}

// symmetry returns the execution's symmetric group, declaring one.
func (s *stateRec) symmetry() *symmetry {
	if s.sym != nil {
		return s.sym
	}
	sym := s.symSpare
	if sym == nil {
		sym = &symmetry{fields: map[reflect.Type]int{}, byID: map[int]int{}}
		sym.rename = sym.renameID
	} else {
		// Reuse a previous execution's arrays; declarations start over.
		clear(sym.fields)
		clear(sym.byID)
		for m := range sym.objs {
			sym.objs[m] = sym.objs[m][:0]
		}
		for i := range sym.refs {
			sym.refs[i] = sym.refs[i][:0]
		}
		clear(sym.member)
		clear(sym.small)
		*sym = symmetry{fields: sym.fields, byID: sym.byID, small: sym.small[:0], objs: sym.objs[:0], member: sym.member[:0], class: sym.class[:0], pos: sym.pos[:0],
			ids: sym.ids[:0], refs: sym.refs, buf: sym.buf, comps: sym.comps, perm: sym.perm, best: sym.best[:0], order: sym.order, sigs: sym.sigs, sorted: sym.sorted[:0], rename: sym.rename, memos: sym.memos, idFields: sym.idFields}
	}
	sym.dirty = true
	s.sym = sym
	s.cacheGen++ // parts now hash with member references abstract
	return sym
}

// SymmetricMember declares objs as belonging to member id of the
// execution's symmetric group: actors running the same code, each with
// its own objects, on inputs that differ only by their id. Every member
// must declare the same kinds of objects in the same order (an actor is
// one of them), and every struct type in which ids appear must be
// declared with SymmetricIDField; a state matching search then stores one
// state of each set of states that differ by a permutation of the members
// (and their objects and ids). The other actors must treat the members
// alike (see the top of symmetry.go). objs are *Actor, *Mutex, *Cond, *Var,
// *Atomic, *AtomicInt or *Object values. A declaration that does not fit
// (members of different shapes, a member creating objects, checks that
// are not SymmetricMonitors) turns the reduction off rather than risking a
// wrong verdict. Without a strategy that matches states it does nothing.
func (x *Execution) SymmetricMember(id int, objs ...any) {
	s := &x.stateRec
	if !s.on || s.noSym {
		return
	}
	sym := s.symmetry()
	sym.dirty = true
	s.cacheGen++ // a member's objects hash as placeholders: every cached part is stale
	m, ok := sym.memberOf(id)
	if !ok {
		m = len(sym.ids)
		if id >= 0 && id < symSmallIDs {
			// Only small: memberOf looks small ids up there, and a map
			// assignment costs more than the rest of a declaration.
			for len(sym.small) <= id {
				sym.small = append(sym.small, 0)
			}
			sym.small[id] = int32(m + 1)
		} else {
			sym.byID[id] = m
		}
		sym.ids = append(sym.ids, id)
		if len(sym.objs) < cap(sym.objs) {
			sym.objs = sym.objs[:len(sym.objs)+1] // keeps the old member's array, emptied
		} else {
			sym.objs = append(sym.objs, nil)
		}
	}
	if m > 100 {
		sym.broken, sym.badDecl = "more than 100 symmetric members", true
		return
	}
	for _, o := range objs {
		oid := x.symObjectID(o)
		if oid < 0 {
			sym.broken, sym.badDecl = fmt.Sprintf("member %d: %T is not a sim object", id, o), true
			continue
		}
		for len(sym.member) <= oid {
			sym.member = append(sym.member, 0)
			sym.class = append(sym.class, 0)
			sym.pos = append(sym.pos, 0)
		}
		if sym.member[oid] != 0 {
			sym.broken, sym.badDecl = fmt.Sprintf("object %s declared twice", x.objs[oid].name.String()), true
			continue
		}
		sym.member[oid] = int32(m + 1)
		sym.class[oid] = symClass(len(sym.objs[m]))
		sym.pos[oid] = int32(len(sym.objs[m]))
		sym.objs[m] = append(sym.objs[m], oid)
	}
}

// SymmetricIDField declares that the int field named field of struct type
// T holds the id of a member of the symmetric group (SymmetricMember)
// wherever a value of type T appears in the state: in values of Vars and
// Atomics, in declared object states and in what operations return.
func SymmetricIDField[T any](x *Execution, field string) {
	s := &x.stateRec
	if !s.on || s.noSym {
		return
	}
	sym := s.symmetry()
	t := reflect.TypeFor[T]()
	i, err := sym.symIDFieldIndex(t, field)
	if err != "" {
		sym.broken = err
		return
	}
	sym.fields[t] = i
	sym.lastT = nil
	s.cacheGen++ // the field now hashes as a member reference
}

// symClass is the placeholder of a member's object at position pos:
// precomputed for the first positions, as a member declares the same few
// objects every execution.
func symClass(pos int) uint64 {
	if pos < len(symClasses) {
		return symClasses[pos]
	}
	return finalize(mix(0xc1a55, uint64(pos)))
}

var symClasses = func() (c [16]uint64) {
	for pos := range c {
		c[pos] = finalize(mix(0xc1a55, uint64(pos)))
	}
	return c
}()

// symIDField is an answer of symIDFieldIndex, kept for the next
// executions (symmetry.idFields): a scenario declares the same fields every
// execution, and a lookup by name through reflect costs more than the rest
// of the declaration.
type symIDField struct {
	t     reflect.Type
	field string
	index int
	err   string
}

// symIDFieldIndex returns the index of struct type t's int field named
// field, or why it cannot be a member id field.
func (sym *symmetry) symIDFieldIndex(t reflect.Type, field string) (int, string) {
	for _, f := range sym.idFields {
		if f.t == t && f.field == field {
			return f.index, f.err
		}
	}
	f := symIDField{t: t, field: field}
	if t.Kind() != reflect.Struct {
		f.err = fmt.Sprintf("SymmetricIDField: %v is not a struct", t)
	} else if sf, ok := t.FieldByName(field); !ok || len(sf.Index) != 1 || sf.Type.Kind() != reflect.Int {
		f.err = fmt.Sprintf("SymmetricIDField: %v has no int field %s", t, field)
	} else {
		f.index = sf.Index[0]
	}
	if len(sym.idFields) < 16 { // a scenario declares a handful
		sym.idFields = append(sym.idFields, f)
	}
	return f.index, f.err
}

// SymmetricMembers returns the number of members declared so far.
func (x *Execution) SymmetricMembers() int {
	if x.stateRec.sym == nil {
		return 0
	}
	return len(x.stateRec.sym.ids)
}

// symObjectID returns the object id of a sim object, or -1.
func (x *Execution) symObjectID(o any) int {
	switch o := o.(type) {
	case *Actor:
		if o != nil && o.a != nil {
			return o.a.obj
		}
	case *Mutex:
		return o.id
	case *Cond:
		return o.id
	case *Object:
		return o.id
	case hashedValue:
		return o.valueID()
	}
	return -1
}

// check validates the declaration: members of the same shape.
func (sym *symmetry) check(x *Execution) {
	sym.dirty, sym.shaped, sym.shapeErr = false, false, ""
	if sym.badDecl || len(sym.objs) == 0 {
		return
	}
	for m, objs := range sym.objs {
		if len(objs) != len(sym.objs[0]) {
			sym.shapeErr = fmt.Sprintf("member %d has %d objects, member %d has %d", sym.ids[m], len(objs), sym.ids[0], len(sym.objs[0]))
			return
		}
		for k, o := range objs {
			if x.objs[o].kind != x.objs[sym.objs[0][k]].kind {
				sym.shapeErr = fmt.Sprintf("member %d's object %d is a %s, member %d's a %s", sym.ids[m], k, x.objs[o].kind, sym.ids[0], x.objs[sym.objs[0][k]].kind)
				return
			}
		}
	}
	sym.sorted = append(sym.sorted[:0], sym.ids...) // (its array reused: check runs at every declaration)
	slices.Sort(sym.sorted)
	sym.shaped = true
}

// symSmallIDs bounds the member ids looked up in a slice (symmetry.small)
// rather than the map.
const symSmallIDs = 1024

// memberOf returns the member whose id is id, if any.
func (sym *symmetry) memberOf(id int) (int, bool) {
	if id >= 0 && id < symSmallIDs {
		if id < len(sym.small) && sym.small[id] != 0 {
			return int(sym.small[id]) - 1, true
		}
		return 0, false
	}
	m, ok := sym.byID[id]
	return m, ok
}

// renameID renames a member id by the permutation being tried; other
// values are left alone.
func (sym *symmetry) renameID(id int) int {
	if m, ok := sym.memberOf(id); ok {
		return sym.sorted[sym.perm[m]]
	}
	return id
}

// objKey is the identity of object id in a hash: a placeholder and a
// reference on the side when it is a member's object and references are
// being collected.
func (x *Execution) objKey(id int) uint64 {
	s := &x.stateRec
	if sym := s.sym; sym != nil && sym.collect != nil && id < len(sym.member) && sym.member[id] != 0 {
		*sym.collect = append(*sym.collect, int8(sym.member[id]-1))
		return sym.class[id]
	}
	return s.key[id]
}

// idField hashes the member id field of a struct in a hash: a placeholder
// and a reference on the side when it names a member.
func (x *Execution) idField(v int64) uint64 {
	sym := x.stateRec.sym
	if m, ok := sym.memberOf(int(v)); ok {
		*sym.collect = append(*sym.collect, int8(m))
		return 0x1dd
	}
	return finalize(uint64(v) + 0x21)
}

// idFieldOf returns the index of t's member id field, or -1, while member
// references are being collected.
func (x *Execution) idFieldOf(t reflect.Type) int {
	sym := x.stateRec.sym
	if sym == nil || sym.collect == nil || len(sym.fields) == 0 {
		return -1
	}
	if t == sym.lastT {
		return sym.lastF
	}
	f, ok := sym.fields[t]
	if !ok {
		f = -1
	}
	sym.lastT, sym.lastF = t, f
	return f
}

// actorRefs sets up the collection of a's references, for a step or an
// observation of a; endCollect ends it.
func (x *Execution) actorRefs(a *actor) {
	sym := x.stateRec.sym
	for len(sym.refs) <= a.id {
		sym.refs = append(sym.refs, nil)
	}
	sym.collect = &sym.refs[a.id]
}

func (sym *symmetry) endCollect() { sym.collect = nil }

// symCover marks op kind as reached on every member's object in the
// position of obj when obj is a member's: the search visits one state of
// each symmetric class, so the others' operations are reached in the
// mirror images it does not visit, and coverage must not warn that they
// were not (a member's cond wait "never reached" because only the
// canonical member waits).
func (x *Execution) symCover(obj int, kind op.Op) {
	sym := x.stateRec.sym
	if obj < 0 || obj >= len(sym.member) || sym.member[obj] == 0 {
		return
	}
	if sym.dirty {
		sym.check(x)
	}
	if !sym.shaped {
		// (Only the declaration's shape matters: a reduction turned off
		// later in the execution has merged symmetric states before.)
		return
	}
	k := sym.pos[obj]
	for _, objs := range sym.objs {
		x.covRec.cover(objs[k], kind)
	}
}

// symNewObject is called for every object created after a declaration: a
// member that creates objects has objects the declaration does not pair
// up, so the reduction is off.
func (x *Execution) symNewObject() {
	sym := x.stateRec.sym
	if a := x.cur; a != nil && a.obj < len(sym.member) && sym.member[a.obj] != 0 && sym.broken == "" {
		sym.broken = fmt.Sprintf("member actor %s created an object", a.name)
	}
}

// symHash is globalHash with a symmetric group declared: the hash of the
// canonical representative of the state's class (see the top of this
// file).
func (x *Execution) symHash() uint64 {
	s := &x.stateRec
	sym := s.sym
	if sym.dirty {
		sym.check(x)
	}
	broken := cmp.Or(sym.broken, sym.shapeErr)
	mons := len(s.monitors) > 0 && len(s.monitors) == len(x.checks)
	if broken == "" {
		switch {
		case len(x.checks) == 0 && len(x.history) == 0:
			// No check and nothing recorded: no history to rename.
		case !mons:
			broken = "a check is not a monitor, or events with no monitor"
		}
		for _, m := range s.monitors {
			if _, ok := m.(SymmetricMonitor); !ok {
				broken = fmt.Sprintf("monitor %T does not rename member ids", m)
			}
		}
	}
	h0 := mix(0x9a7f, uint64(x.now))
	h0 = mix(h0, uint64(x.spurious))
	h0 = mix(h0, uint64(x.end))
	for _, f := range x.cpuFree {
		h0 = mix(h0, uint64(f))
	}
	if broken != "" {
		// The identity permutation: plain state matching, with the
		// checks' state (or the history) by identity.
		h0 = mix(h0, 0xb0)
		if mons {
			for _, m := range s.monitors {
				h0 = mix(h0, m.StateHash())
			}
		} else {
			h0 = mix(h0, x.histHash())
		}
		for id, c := range s.chain {
			if c != 0 && c != declaredChain {
				h0 = mix(h0, mix(s.key[id], c))
			}
		}
	}

	// The parts of the state, with member references abstract.
	sym.buf, sym.comps = sym.buf[:0], sym.comps[:0]
	sym.collect = &sym.buf
	sym.fixed = 0
	slot := int32(0) // the part's place in the enumeration below: its sigMemo
	add := func(lo int, abs uint64) {
		slot++
		if lo == len(sym.buf) {
			// No member reference: the same under every permutation,
			// summed once rather than once per signature and candidate.
			sym.fixed += finalize(abs)
			return
		}
		sym.comps = append(sym.comps, symComp{abs: abs, lo: int32(lo), hi: int32(len(sym.buf)), slot: slot - 1})
	}
	for _, a := range x.actors {
		lo := len(sym.buf)
		k := mix(x.objKey(a.obj), 1)
		if a.done {
			add(lo, k)
			continue
		}
		// An actor with no step yet may have no entry: it hashes as an
		// empty one, so that the state does not depend on which actors
		// stepped first.
		var obs uint64
		if a.id < len(s.obs) {
			obs = s.obs[a.id]
		}
		k = mix(k, obs)
		if a.id < len(sym.refs) {
			k = mix(k, uint64(len(sym.refs[a.id])))
			sym.buf = append(sym.buf, sym.refs[a.id]...)
		} else {
			k = mix(k, 0)
		}
		k = mix(k, uint64(a.req.kind))
		if a.req.obj >= 0 {
			k = mix(k, x.objKey(a.req.obj))
		}
		if a.asleep {
			k = mix(k, 7)
		}
		k = mix(k, uint64(max(a.readyAt-x.now, 0)))
		add(lo, k)
	}
	for _, m := range x.mutexList {
		lo := len(sym.buf)
		k := mix(x.objKey(m.id), 2)
		if m.owner != nil {
			k = mix(k, x.objKey(m.owner.obj))
		}
		add(lo, k)
	}
	for _, v := range x.vals {
		if hv, ok := v.(hashedValue); ok {
			lo := len(sym.buf)
			add(lo, x.valuePart(hv))
		}
	}
	for i := range s.declared {
		lo := len(sym.buf)
		add(lo, x.declaredPart(i))
	}
	sym.collect = nil

	n := len(sym.ids)
	sym.perm = slices.Grow(sym.perm[:0], n)[:n]
	if broken != "" {
		for m := range sym.perm {
			sym.perm[m] = m
		}
		sym.best = append(sym.best[:0], sym.perm...)
		return finalize(mix(h0, sym.sum()))
	}

	// Signatures: the state with member i marked, the others not.
	sym.sigs = slices.Grow(sym.sigs[:0], n)[:n]
	sym.order = slices.Grow(sym.order[:0], n)[:n]
	sym.signatures(s.scratch)
	// The members by signature, ties in member order: for a handful of
	// members an insertion sort (stable, and cheaper than
	// slices.SortStableFunc's calls of a comparison).
	if n <= 16 {
		for i := range sym.order {
			sig, j := sym.sigs[i], i
			for ; j > 0 && sym.sigs[sym.order[j-1]] > sig; j-- {
				sym.order[j] = sym.order[j-1]
			}
			sym.order[j] = i
		}
	} else {
		for i := range sym.order {
			sym.order[i] = i
		}
		slices.SortStableFunc(sym.order, func(a, b int) int { return cmp.Compare(sym.sigs[a], sym.sigs[b]) })
	}
	perms := 1
	for i := 0; i < n; {
		j := i + 1
		for j < n && sym.sigs[sym.order[j]] == sym.sigs[sym.order[i]] {
			j++
			perms *= j - i
		}
		i = j
	}
	best := ^uint64(0)
	eval := func() {
		for pos, m := range sym.order {
			sym.perm[m] = pos
		}
		h := h0
		for _, m := range s.monitors {
			h = mix(h, m.(SymmetricMonitor).RenamedStateHash(sym.rename))
		}
		if h = finalize(mix(h, sym.sum())); h < best || len(sym.best) != n {
			best = h
			sym.best = append(sym.best[:0], sym.perm...)
		}
	}
	if perms > symMaxPerms {
		eval() // one order: sound, not canonical
		return best
	}
	sym.permuteTies(0, eval)
	return best
}

// signatures sets sym.sigs[i] to sum() with member i renamed 1 and the
// others 0. A part that does not reference member i adds the same to
// every such signature (f0): signature i is the sum of every part's f0
// plus, for the parts that reference i, the difference its marking
// makes, each part's from its sigMemo. direct computes them without the
// memos (stateRec.scratch: the check's reference).
func (sym *symmetry) signatures(direct bool) {
	if direct { // the check's reference: the definition
		for i := range sym.sigs {
			clear(sym.perm)
			sym.perm[i] = 1
			sym.sigs[i] = sym.sum()
		}
		return
	}
	clear(sym.sigs)
	base := sym.fixed
	for i := range sym.comps {
		m := sym.memo(&sym.comps[i])
		base += m.f0
		for j, r := range m.mem {
			sym.sigs[r] += m.fi[j] - m.f0
		}
	}
	for i := range sym.sigs {
		sym.sigs[i] += base
	}
}

// memo returns c's sigMemo, brought up to date.
func (sym *symmetry) memo(c *symComp) *sigMemo {
	for int(c.slot) >= len(sym.memos) {
		sym.memos = append(sym.memos, sigMemo{})
	}
	m := &sym.memos[c.slot]
	refs := sym.buf[c.lo:c.hi]
	if m.abs == c.abs && m.refs != nil && bytes.Equal(int8Bytes(m.refs), int8Bytes(refs)) {
		return m
	}
	m.abs, m.refs = c.abs, append(m.refs[:0], refs...)
	// The hash with no member marked, and every prefix of it: the hash
	// with member r marked is the same up to r's first reference, so it
	// goes on from there.
	pre := append(m.pre[:0], c.abs)
	for range refs {
		pre = append(pre, mix(pre[len(pre)-1], 1))
	}
	m.pre = pre
	m.f0 = finalize(pre[len(refs)]) // no member marked: every reference renamed 0
	m.mem, m.fi = m.mem[:0], m.fi[:0]
	for first, r := range refs {
		if slices.Contains(m.mem, r) {
			continue
		}
		h := pre[first]
		for _, q := range refs[first:] {
			v := uint64(1)
			if q == r {
				v = 2
			}
			h = mix(h, v)
		}
		m.mem, m.fi = append(m.mem, r), append(m.fi, finalize(h))
	}
	return m
}

// int8Bytes is b as bytes, for bytes.Equal (an actor's references are
// many, and slices.Equal compares them one by one).
func int8Bytes(b []int8) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}

// permuteTies calls eval for every order of the members with equal
// signatures, from position i of sym.order on.
func (sym *symmetry) permuteTies(i int, eval func()) {
	n := len(sym.order)
	if i >= n {
		eval()
		return
	}
	j := i + 1
	for j < n && sym.sigs[sym.order[j]] == sym.sigs[sym.order[i]] {
		j++
	}
	sym.permuteRange(i, j, j, eval)
}

// permuteRange permutes sym.order[i:j] in every way, continuing at next.
func (sym *symmetry) permuteRange(i, j, next int, eval func()) {
	if j-i <= 1 {
		sym.permuteTies(next, eval)
		return
	}
	for k := i; k < j; k++ {
		sym.order[i], sym.order[k] = sym.order[k], sym.order[i]
		sym.permuteRange(i+1, j, next, eval)
		sym.order[i], sym.order[k] = sym.order[k], sym.order[i]
	}
}

// sum combines the parts of the state, renamed by sym.perm, order-free.
func (sym *symmetry) sum() uint64 {
	total := sym.fixed
	for i := range sym.comps {
		total += finalize(sym.comps[i].permuted(sym.buf, sym.perm))
	}
	return total
}

// permuted is c's hash with every member reference r replaced by
// perm[r].
func (c *symComp) permuted(buf []int8, perm []int) uint64 {
	h := c.abs
	for _, r := range buf[c.lo:c.hi] {
		h = mix(h, uint64(perm[r])+1)
	}
	return h
}

// SymmetricMonitor is a Monitor whose state can be hashed with the ids of
// a symmetric group's members (SymmetricMember) renamed: RenamedStateHash
// is StateHash of the state in which every member id d is rename(d), so
// it must hash sets and maps keyed by ids order-free. Symmetry reduction
// applies only when every check is a SymmetricMonitor, and only if the
// monitor's verdict does not depend on which member is which.
type SymmetricMonitor interface {
	Monitor
	RenamedStateHash(rename func(id int) int) uint64
}
