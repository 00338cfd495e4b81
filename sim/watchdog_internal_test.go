package sim

import (
	"runtime"
	"strings"
	"testing"
)

// parseGoid reads the id in the header of a goroutine in a stack dump,
// the only place the runtime gives it; 0 is no goroutine's id.
func TestParseGoid(t *testing.T) {
	for _, c := range []struct {
		head string
		id   uint64
		ok   bool
	}{
		{"goroutine 12 [running]:", 12, true},
		{"goroutine 7 [chan receive, 2 minutes]:", 7, true},
		{"goroutine 31 gp=0xc000102a80 m=nil [coroutine]:", 31, true}, // GOTRACEBACK=system
		{"goroutine 0 [idle]:", 0, false},
		{"goroutine x [running]:", 0, false},
		{"created by main.main in goroutine 1", 0, false},
		{"", 0, false},
	} {
		id, ok := parseGoid(c.head)
		if id != c.id || ok != c.ok {
			t.Errorf("parseGoid(%q) = %d, %v; want %d, %v", c.head, id, ok, c.id, c.ok)
		}
	}
}

// goid is the id that a stack dump of every goroutine gives the caller.
func TestGoid(t *testing.T) {
	id := goid()
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		head, rest, _ := strings.Cut(g, "\n")
		if strings.Contains(rest, "sim.TestGoid(") {
			if got, _ := parseGoid(head); got != id || id == 0 {
				t.Fatalf("goid() = %d, the dump says %q", id, head)
			}
			return
		}
	}
	t.Fatalf("no goroutine runs TestGoid in the dump:\n%s", buf)
}
