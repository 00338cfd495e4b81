package scheduler

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/simrun/simrun/op"
)

// A step communicates when it conflicts with an earlier step of another
// actor on its object: a read of what another wrote, a write over what
// another read or wrote. Reads of reads, an actor's own accesses and local
// steps do not.
func TestCountCommunicating(t *testing.T) {
	w := func(a, o int) Choice { return Choice{Actor: a, Op: op.Write, Object: o} }
	r := func(a, o int) Choice { return Choice{Actor: a, Op: op.Read, Object: o} }
	for _, c := range []struct {
		name  string
		steps []Choice
		want  int
	}{
		{"empty", nil, 0},
		{"one actor", []Choice{w(0, 1), r(0, 1), w(0, 1)}, 0},
		{"read of another's write", []Choice{w(0, 1), r(1, 1)}, 1},
		{"write over another's read", []Choice{r(0, 1), w(1, 1)}, 1},
		{"write over another's write", []Choice{w(0, 1), w(1, 1), w(0, 1)}, 2},
		{"reads only", []Choice{r(0, 1), r(1, 1), r(2, 1)}, 0},
		{"other objects", []Choice{w(0, 1), w(1, 2), r(2, 3)}, 0},
		{"no object", []Choice{{Actor: 0, Op: op.Write, Object: -1}, {Actor: 1, Op: op.Write, Object: -1}}, 0},
		{"actors from 63 on count as every other", []Choice{w(64, 1), w(64, 1)}, 1},
		{"after actor 64, actor 0", []Choice{w(64, 1), r(0, 1)}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := CountCommunicating(c.steps); got != c.want {
				t.Fatalf("CountCommunicating(%v) = %d, want %d", c.steps, got, c.want)
			}
		})
	}
}

// The change points lower the actor of the communicating step they land
// on, whatever step of the execution that is, each to its own priority.
func TestChangePointsLandOnCommunicatingSteps(t *testing.T) {
	w := func(a, o int) Choice { return Choice{Actor: a, Op: op.Write, Object: o} }
	steps := []Choice{w(0, 1), w(0, 2), w(1, 1), w(1, 3), w(2, 2), w(0, 1)} // communicating: 3rd, 5th, 6th
	for _, c := range []struct {
		points []changePoint
		want   []string
	}{
		{nil, nil},
		{[]changePoint{{step: 1, prio: 1}}, []string{"actor 1 to 1"}},
		{[]changePoint{{step: 2, prio: 2}}, []string{"actor 2 to 2"}},
		{[]changePoint{{step: 1, prio: 2}, {step: 3, prio: 1}}, []string{"actor 1 to 2", "actor 0 to 1"}},
		{[]changePoint{{step: 2, prio: 1}, {step: 2, prio: 2}}, []string{"actor 2 to 1", "actor 2 to 2"}},
		{[]changePoint{{step: 4, prio: 1}}, nil}, // beyond the execution's communicating steps
	} {
		t.Run(fmt.Sprint(c.points), func(t *testing.T) {
			cp := commPoints{depth: len(c.points) + 1, steps: 10}
			var r Rand
			cp.begin(&r)
			cp.changes = append(cp.changes[:0], c.points...)
			var got []string
			lower := func(a int, p uint64) { got = append(got, fmt.Sprintf("actor %d to %d", a, p)) }
			// Judged in two rounds, as between two decisions.
			p := &Path{Steps: steps[:2]}
			cp.advance(p, lower)
			p.Steps = steps
			cp.advance(p, lower)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("lowered %v, want %v", got, c.want)
			}
			if cp.end(p); cp.learned != 3 {
				t.Fatalf("learned k = %d, want 3", cp.learned)
			}
		})
	}
}

// Without change points (depth 1) POSC is POS, execution by execution;
// with them it is not always.
func TestPOSCExtendsPOS(t *testing.T) {
	left, obj := []int{4, 4, 4}, []int{0, 0, 1}
	for _, c := range []struct {
		depth    int
		samePOS  bool
		strategy *POSC
	}{
		{1, true, NewPOSC(5, 1, 0)},
		{3, false, NewPOSC(5, 3, 4)},
	} {
		t.Run(fmt.Sprint("depth ", c.depth), func(t *testing.T) {
			pos := NewPOS(5)
			same := true
			for run := range 300 {
				got, want := fmt.Sprint(drive(c.strategy, run, left, obj)), fmt.Sprint(drive(pos, run, left, obj))
				same = same && got == want
				if c.samePOS && got != want {
					t.Fatalf("run %d: posc ran %s, pos %s", run, got, want)
				}
			}
			if same != c.samePOS {
				t.Fatalf("same executions as POS: %v, want %v", same, c.samePOS)
			}
		})
	}
}

// POSC is a function of (seed, run): a clone, or the same
// strategy run again, gives the same executions, and another seed others.
func TestCommStrategiesDeterministic(t *testing.T) {
	left, obj := []int{3, 4, 2}, []int{0, 0, 0}
	for _, c := range []struct {
		name string
		mk   func(seed uint64) Strategy
	}{
		{"posc", func(seed uint64) Strategy { return NewPOSC(seed, 3, 6) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := c.mk(11)
			b := a.(Cloner).Clone()
			other := c.mk(12)
			differ := false
			for _, run := range []int{7, 0, 3, 7, 100} {
				x, y := fmt.Sprint(drive(a, run, left, obj)), fmt.Sprint(drive(b, run, left, obj))
				if x != y {
					t.Fatalf("run %d: %s, clone %s", run, x, y)
				}
				differ = differ || x != fmt.Sprint(drive(other, run, left, obj))
				if info := a.Info(); info.Name != c.name || info.Depth != 3 || info.Steps != 6 || info.Seed != ExecutionSeed(11, run) {
					t.Fatalf("Info %+v", info)
				}
			}
			if !differ {
				t.Fatal("seeds 11 and 12 gave the same executions")
			}
		})
	}
}

// With a k to learn (0), POSC starts from commMinSteps and learn
// the most communicating steps of an execution; a given k is kept.
func TestCommStrategiesLearnK(t *testing.T) {
	left, obj := []int{20, 20}, []int{0, 0}
	for _, c := range []struct {
		s     Strategy
		steps int
	}{
		{NewPOSC(1, 2, 0), 0},
		{NewPOSC(1, 2, 7), 7},
	} {
		t.Run(fmt.Sprintf("%T steps %d", c.s, c.steps), func(t *testing.T) {
			c.s.Begin(0)
			if k := c.s.Info().Steps; k != max(c.steps, commMinSteps) && c.steps == 0 || c.steps != 0 && k != c.steps {
				t.Fatalf("first k %d", k)
			}
			var most int
			for run := range 5 {
				order := drive(c.s, run, left, obj)
				steps := make([]Choice, len(order))
				for i, a := range order {
					steps[i] = Choice{Actor: a, Op: op.Write, Object: 0}
				}
				most = max(most, CountCommunicating(steps))
			}
			c.s.Begin(5)
			want := c.steps
			if want == 0 {
				want = max(most, commMinSteps)
			}
			if k := c.s.Info().Steps; k != want {
				t.Fatalf("k after 5 executions %d, want %d", k, want)
			}
		})
	}
}
