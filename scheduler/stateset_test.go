package scheduler

import "testing"

// TestStateSet checks the seen-state table against a Go map: keys that
// collide in the low bits (long probe runs), the key 0 (the free-entry
// mark), and enough keys to grow the table several times.
func TestStateSet(t *testing.T) {
	tests := []struct {
		name string
		key  func(i int) uint64
		n    int
	}{
		{"spread", func(i int) uint64 { return uint64(i) * 0x9e3779b97f4a7c15 }, 5000},
		{"same low bits", func(i int) uint64 { return uint64(i) << 40 }, 3000},
		{"zero and small", func(i int) uint64 { return uint64(i % 700) }, 2100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var set stateSet
			ref := map[uint64]uint64{}
			for i := range tt.n {
				k := tt.key(i)
				p, seen := set.slot(k)
				want, wantSeen := ref[k]
				if seen != wantSeen || *p != want {
					t.Fatalf("slot(%#x) = %d, %v; want %d, %v", k, *p, seen, want, wantSeen)
				}
				*p = uint64(i) + 1
				ref[k] = uint64(i) + 1
				if set.n != len(ref) {
					t.Fatalf("after %d keys: %d states, want %d", i+1, set.n, len(ref))
				}
			}
			for k, v := range ref {
				if p, seen := set.slot(k); !seen || *p != v {
					t.Fatalf("slot(%#x) = %d, %v at the end; want %d, true", k, *p, seen, v)
				}
			}
		})
	}
}
