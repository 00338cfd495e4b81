package sim

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/simrun/simrun/scheduler"
)

// planInner is inline in planRich: hashPlain recurses into it, and its ID
// is a declared member id field.
type planInner struct {
	ID   int
	Name string
	F    float64
	P    *int // skipped: not plain
}

// planRich has a field of every kind hashPlain reads, after a sim object
// (the identity firstObject finds) two inline structs deep.
type planRich struct {
	wrap struct {
		N  int8
		mu *Mutex
	}
	I16 int16
	U8  uint8
	U16 uint16
	U32 uint32
	U64 uint64
	Up  uintptr
	B   bool
	S   string
	A   [2]int32
	C   complex64
	In  planInner
	Sl  []int
	Ts  []planInner
	M   map[int]int
	I32 int32
	I64 int64
	U   uint
	I   int
}

// TestStatePlan: a struct's plans (stateplan.go) hash it as the walks by
// reflection do (hashPlain, firstObject, hashReflect), with and without a member id
// field declared, on values that set every field; and a plan with a
// field's kind changed (a seeded bug) hashes differently, so the
// comparison can fail.
func TestStatePlan(t *testing.T) {
	vals := []planRich{
		{},
		{I16: -3, U8: 200, U16: 60000, U32: 1 << 31, U64: 1<<63 + 5, Up: 7, B: true, S: "thd", A: [2]int32{-1, 2}, C: 1 + 2i,
			In: planInner{ID: 2, Name: "x", F: -0.5}, Sl: []int{1}, Ts: []planInner{{ID: 2, Name: "y"}, {ID: 5}}, M: map[int]int{1: 1}, I32: -9, I64: -1 << 40, U: 3, I: -4},
		{In: planInner{ID: 7}, I: 1 << 50},
	}
	vals[1].wrap.N = -8
	for _, sym := range []bool{false, true} {
		ran := false
		s := func(x *Execution) {
			mu := NewMutex(x, "mu")
			if sym {
				x.Go("a", func() {})
				x.SymmetricMember(2, mu)
				SymmetricIDField[planInner](x, "ID")
				x.stateRec.sym.collect = &x.stateRec.sym.buf // as while a part is hashed
			}
			s := &x.stateRec
			// objectID knows the execution's objects by address and
			// type, and nothing else.
			v := NewVar(x, "v", 0)
			if id, ok := x.objectID(reflect.ValueOf(mu)); !ok || id != mu.id {
				t.Errorf("objectID(mu) = %d, %v; want %d", id, ok, mu.id)
			}
			if id, ok := x.objectID(reflect.ValueOf(v)); !ok || id != v.id {
				t.Errorf("objectID(v) = %d, %v; want %d", id, ok, v.id)
			}
			if id, ok := x.objectID(reflect.ValueOf(&planInner{})); ok {
				t.Errorf("objectID(&planInner{}) = %d, an object", id)
			}
			p := s.plan(reflect.TypeFor[planRich]())
			for i := range vals {
				v := &vals[i]
				v.wrap.mu = mu
				base := unsafe.Pointer(v)
				e := reflect.ValueOf(v).Elem()
				wantK, wantOK := x.firstObject(e, 2)
				gotK, gotOK := x.firstObjectAt(p, base)
				if gotK != wantK || gotOK != wantOK || !gotOK {
					t.Errorf("sym %v, value %d: firstObjectAt %#x %v, firstObject %#x %v", sym, i, gotK, gotOK, wantK, wantOK)
				}
				if got, want := x.hashPlainAt(p, base), x.hashPlain(e); got != want {
					t.Errorf("sym %v, value %d: hashPlainAt %#x, hashPlain %#x", sym, i, got, want)
				}
				// The whole value as hashReflect hashes it (a struct
				// field, a slice, pointers to an object and to an int).
				vp := s.valuePlan(reflect.TypeFor[planRich]())
				s.scratch = true
				want := x.hashReflect(e, 3)
				wantV := x.hashValue(*v)
				s.scratch = false
				if got := x.hashAt(vp, base, 3); got != want {
					t.Errorf("sym %v, value %d: hashAt %#x, hashReflect %#x", sym, i, got, want)
				}
				if got := x.hashValue(*v); got != wantV {
					t.Errorf("sym %v, value %d: hashValue %#x, by reflection %#x", sym, i, got, wantV)
				}
				// The seeded bug: I16 read as an unsigned integer.
				bad := *p
				bad.plain = append([]plainField(nil), p.plain...)
				for j := range bad.plain {
					if v := bad.plain[j].v; v != nil && v.kind == reflect.Int16 {
						bad.plain[j].v = s.valuePlan(reflect.TypeFor[uint16]())
					}
				}
				if i == 1 && x.hashPlainAt(&bad, base) == x.hashPlain(e) {
					t.Errorf("sym %v: a plan that reads I16 unsigned hashes the same", sym)
				}
				badV := *vp
				badV.fields = append([]fieldPlan(nil), vp.fields...)
				for j := range badV.fields {
					if badV.fields[j].v.kind == reflect.Int16 {
						badV.fields[j].v = s.valuePlan(reflect.TypeFor[uint16]())
					}
				}
				if i == 1 && x.hashAt(&badV, base, 3) == want {
					t.Errorf("sym %v: a value plan that reads I16 unsigned hashes the same", sym)
				}
			}
			if sym {
				x.stateRec.sym.collect = nil
			}
			ran = true
		}
		if _, err := Explore(s, Options{Runs: 1, Strategy: scheduler.NewStateful()}); err != nil {
			t.Fatal(err)
		}
		if !ran {
			t.Fatal("the scenario did not run")
		}
	}
}
