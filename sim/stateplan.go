package sim

import (
	"reflect"
	"unsafe"
)

// A struct that a value points to (a THD) is hashed by hashPointee as
// the identity of the first sim object it holds and its plain data
// (firstObject, hashPlain). Walking it by reflection, field by field,
// cost more than anything else in a value's part of the hash: a
// structPlan is that walk worked out once per type, as offsets, and
// hashPointee follows it over the struct's memory. It computes the same
// hash as the walk, which remains the reference: the hash from scratch
// (stateRec.scratch, checkStateCache) takes the walk.

// structPlan is how hashPlain and firstObject read a struct type.
type structPlan struct {
	t     reflect.Type
	plain []plainField  // hashPlain's fields, in order
	ptrs  []objectField // firstObject's candidates, in the order it tries them
}

// plainField is a field hashPlain reads: its index (for the member id
// field), offset, and plan: sub for a struct (hashPlain again), v for
// the others (hashReflect at depth 0).
type plainField struct {
	index int
	off   uintptr
	v     *valPlan
	sub   *structPlan
}

// objectField is a pointer field firstObject looks at, in a struct or in
// a struct inline in it.
type objectField struct {
	off uintptr
	typ reflect.Type
}

// plan returns t's structPlan, made on first use and kept for the
// execution's runner (types do not change from one execution to the
// next).
func (s *stateRec) plan(t reflect.Type) *structPlan {
	if s.lastPlan != nil && s.lastPlanT == typeWord(t) {
		return s.lastPlan
	}
	p, ok := s.plans[t]
	if !ok {
		if s.plans == nil {
			s.plans = map[reflect.Type]*structPlan{}
		}
		p = &structPlan{t: t}
		s.plans[t] = p // before the fields: a type may hold itself (through a pointer, which plain skips)
		p.plain = plainFields(s, t)
		p.ptrs = objectFields(t, 0, 2, nil)
	}
	s.lastPlan, s.lastPlanT = p, typeWord(t)
	return p
}

// plainFields lists t's fields as hashPlain reads them.
func plainFields(s *stateRec, t reflect.Type) []plainField {
	var fs []plainField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		pf := plainField{index: i, off: f.Offset}
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Func, reflect.Chan, reflect.Interface, reflect.Slice, reflect.UnsafePointer:
			// Skipped by hashPlain, unless it is the member id field
			// (an int: never one of these).
			continue
		case reflect.Struct:
			pf.sub = s.plan(f.Type)
		default:
			pf.v = s.valuePlan(f.Type)
		}
		fs = append(fs, pf)
	}
	return fs
}

// objectFields appends to fs the pointer fields of t at offset base that
// firstObject would look at, depth levels of inline structs deep, in its
// order.
func objectFields(t reflect.Type, base uintptr, depth int, fs []objectField) []objectField {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		switch f.Type.Kind() {
		case reflect.Pointer:
			fs = append(fs, objectField{base + f.Offset, f.Type})
		case reflect.Struct:
			if depth > 0 {
				fs = objectFields(f.Type, base+f.Offset, depth-1, fs)
			}
		}
	}
	return fs
}

// firstObjectAt is firstObject(e, 2) for the struct of plan p at address
// base.
func (x *Execution) firstObjectAt(p *structPlan, base unsafe.Pointer) (uint64, bool) {
	for _, f := range p.ptrs {
		q := *(*unsafe.Pointer)(unsafe.Add(base, f.off))
		if q == nil {
			continue
		}
		if id, ok := x.objectAt(f.typ, q); ok {
			return x.objKey(id), true
		}
	}
	return 0, false
}

// hashPlainAt is hashPlain for the struct of plan p at address base.
func (x *Execution) hashPlainAt(p *structPlan, base unsafe.Pointer) uint64 {
	h := uint64(0x91)
	idf := x.idFieldOf(p.t)
	for i := range p.plain {
		f := &p.plain[i]
		a := unsafe.Add(base, f.off)
		switch {
		case f.index == idf:
			h = mix(h, x.idField(int64(readInt(f.v.kind, a))))
		case f.sub != nil:
			h = mix(h, x.hashPlainAt(f.sub, a))
		default:
			h = mix(h, x.hashAt(f.v, a, 0))
		}
	}
	return finalize(h)
}

// readInt reads a signed integer of kind k at a, sign-extended as
// reflect.Value.Int does, as a uint64.
func readInt(k reflect.Kind, a unsafe.Pointer) uint64 {
	switch k {
	case reflect.Int8:
		return uint64(*(*int8)(a))
	case reflect.Int16:
		return uint64(*(*int16)(a))
	case reflect.Int32:
		return uint64(*(*int32)(a))
	case reflect.Int64:
		return uint64(*(*int64)(a))
	}
	return uint64(*(*int)(a))
}

// readUint reads an unsigned integer of the given size at a.
func readUint(size uintptr, a unsafe.Pointer) uint64 {
	switch size {
	case 1:
		return uint64(*(*uint8)(a))
	case 2:
		return uint64(*(*uint16)(a))
	case 4:
		return uint64(*(*uint32)(a))
	}
	return *(*uint64)(a)
}

// A value of a struct type (a declared state: an engine's commit order,
// the binlog's entries) is hashed by hashReflect field by field, and its
// slices element by element: a valPlan is that walk worked out once per
// type, as hashReflect would do it, and hashAt follows it over the
// value's memory. Kinds it does not work out (pointers, interfaces,
// maps, arrays, floats...) are hashed by hashReflect itself, at their
// address.

// valPlan is how hashReflect hashes a value of type t.
type valPlan struct {
	t      reflect.Type
	kind   reflect.Kind // reflect.Invalid: by hashReflect
	size   uintptr
	fields []fieldPlan // a struct's
	elem   *valPlan    // a slice's
}

// fieldPlan is a struct field: its index (for the member id field),
// offset and plan.
type fieldPlan struct {
	index int
	off   uintptr
	v     *valPlan
}

// valuePlan returns t's valPlan, made on first use and kept for the
// runner.
func (s *stateRec) valuePlan(t reflect.Type) *valPlan {
	// The types last asked for first: a few, compared by type word, are
	// cheaper than a map look-up by reflect.Type.
	w := typeWord(t)
	for _, e := range s.recentPlans {
		if e.t == w {
			return e.p
		}
	}
	p, ok := s.vplans[t]
	if !ok {
		p = s.newValuePlan(t)
	}
	if len(s.recentPlans) < 8 {
		s.recentPlans = append(s.recentPlans, recentPlan{w, p})
	} else {
		s.recentPlans[int(s.recentNext)%8] = recentPlan{w, p}
		s.recentNext++
	}
	return p
}

// recentPlan is a valPlan by its type's typeWord.
type recentPlan struct {
	t unsafe.Pointer
	p *valPlan
}

// newValuePlan makes t's valPlan.
func (s *stateRec) newValuePlan(t reflect.Type) *valPlan {
	if s.vplans == nil {
		s.vplans = map[reflect.Type]*valPlan{}
	}
	p := &valPlan{t: t, kind: t.Kind(), size: t.Size()}
	s.vplans[t] = p // before the fields and elements: a type may hold itself
	switch p.kind {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Bool, reflect.String:
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			p.fields = append(p.fields, fieldPlan{index: i, off: f.Offset, v: s.valuePlan(f.Type)})
		}
	case reflect.Slice:
		p.elem = s.valuePlan(t.Elem())
	default:
		p.kind = reflect.Invalid
	}
	return p
}

// hashAt is hashReflect(v, depth) for the value v of plan p at address
// a.
func (x *Execution) hashAt(p *valPlan, a unsafe.Pointer, depth int) uint64 {
	switch p.kind {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return finalize(readInt(p.kind, a) + 0x21)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return finalize(readUint(p.size, a) + 0x21)
	case reflect.Bool:
		if *(*bool)(a) {
			return 0x13
		}
		return 0x12
	case reflect.String:
		return hashString(*(*string)(a))
	case reflect.Struct:
		h := uint64(0x57)
		idf := x.idFieldOf(p.t)
		for i := range p.fields {
			f := &p.fields[i]
			fa := unsafe.Add(a, f.off)
			if f.index == idf {
				h = mix(h, x.idField(int64(readInt(f.v.kind, fa))))
				continue
			}
			h = mix(h, x.hashAt(f.v, fa, depth))
		}
		return finalize(h)
	case reflect.Slice:
		type slice struct {
			data     unsafe.Pointer
			len, cap int
		}
		sl := (*slice)(a)
		if sl.data == nil {
			return 0x11
		}
		if c := x.stateRec.rec; c != nil {
			c.read(sl.data, uintptr(sl.len)*p.elem.size)
		}
		h := mix(0x5a, uint64(sl.len))
		for i := 0; i < sl.len; i++ {
			h = mix(h, x.hashAt(p.elem, unsafe.Add(sl.data, uintptr(i)*p.elem.size), depth))
		}
		return finalize(h)
	}
	return x.hashReflect(reflect.NewAt(p.t, a).Elem(), depth)
}
