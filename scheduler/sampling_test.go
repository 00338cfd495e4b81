package scheduler

import (
	"fmt"
	"testing"

	"github.com/simrun/simrun/op"
)

// drive runs a synthetic execution: at every decision the actors with
// steps left (left[a]) are offered, each its next step on object obj[a]; it
// returns the actors in the order they ran.
func drive(s Strategy, run int, left, obj []int) []int {
	left = append([]int(nil), left...)
	s.Begin(run)
	var p Path
	for {
		var cs []Choice
		for a, n := range left {
			if n > 0 {
				cs = append(cs, Choice{Actor: a, Op: op.Write, Object: obj[a]})
			}
		}
		if len(cs) == 0 {
			break
		}
		i := 0
		if len(cs) > 1 {
			i = s.Next(&Decision{Kind: Schedule, Step: len(p.Steps), Current: -1, Choices: cs, Path: &p})
		}
		p.Steps = append(p.Steps, cs[i])
		left[cs[i].Actor]--
	}
	s.End(&p)
	order := make([]int, len(p.Steps))
	for i, c := range p.Steps {
		order[i] = c.Actor
	}
	return order
}

// SURW with exact counts samples the interleavings uniformly: actor 0's one
// step is equally likely at each of the four places among actor 1's three,
// where a uniform choice of actor at every step puts it first half the time.
func TestSURWUniformOverInterleavings(t *testing.T) {
	const n = 8000
	for _, c := range []struct {
		name    string
		s       Strategy
		uniform bool
	}{
		{"surw", NewSURW(1, []ObjectEvents{{Object: 0, Steps: []int{1, 3}}}), true},
		{"random", NewRandom(1), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var at [4]int
			for run := range n {
				for i, a := range drive(c.s, run, []int{1, 3}, []int{0, 0}) {
					if a == 0 {
						at[i]++
					}
				}
			}
			uniform := true
			for _, k := range at {
				if k < n/4-n/20 || k > n/4+n/20 {
					uniform = false
				}
			}
			if uniform != c.uniform {
				t.Fatalf("positions of actor 0's step: %v of %d; uniform %v, want %v", at, n, uniform, c.uniform)
			}
		})
	}
}

// SURW runs the steps off the selected object first: with actor 1's steps
// elsewhere, actor 0's steps on the shared object wait for them.
func TestSURWUninterestingFirst(t *testing.T) {
	s := NewSURW(3, []ObjectEvents{{Object: 0, Steps: []int{2, 0, 1}}, {Object: 1, Steps: []int{0, 1}}})
	// Only object 0 is shared by two actors, so it is always selected.
	for run := range 50 {
		order := drive(s, run, []int{2, 3, 1}, []int{0, 1, 0})
		if order[0] != 1 || order[1] != 1 || order[2] != 1 {
			t.Fatalf("run %d: order %v, want actor 1's steps first", run, order)
		}
	}
}

// Without an estimate SURW learns one, per object and actor, from the
// executions it runs, and reports it.
func TestSURWLearns(t *testing.T) {
	s := NewSURW(1, nil)
	drive(s, 0, []int{2, 4}, []int{5, 5})
	if got, want := s.Info().Events, "5:2/4"; got != want {
		t.Fatalf("learned %q, want %q", got, want)
	}
	c := s.Clone().(*SURW)
	drive(s, 1, []int{4, 4}, []int{5, 5})
	if got, want := s.Info().Events, "5:3/4"; got != want {
		t.Fatalf("learned %q after two runs, want %q", got, want)
	}
	if got := c.Info().Events; got != "5:2/4" {
		t.Fatalf("clone changed with its original: %q", got)
	}
}

func TestEventsRoundTrip(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"", true}, {"3:0/2/2", true}, {"3:0/2/2;7:1/1/1", true},
		{"3", false}, {"3:x", false}, {"3:-1/2", false}, {"7:1/1;3:1/1", false}, {"-1:1/1", false},
	} {
		ev, err := ParseEvents(c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseEvents(%q) error %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if err == nil && FormatEvents(ev) != c.in {
			t.Errorf("FormatEvents(ParseEvents(%q)) = %q", c.in, FormatEvents(ev))
		}
	}
}

// POS re-draws the priority of the actors whose pending steps race with
// the step that ran, keeps the others', and re-draws that of the actor
// that stepped one time in posRedraw: over many executions, sometimes and
// sometimes not.
func TestPOSRedrawsRacingOnly(t *testing.T) {
	s := NewPOS(7)
	redrawn := 0
	const runs = 200
	for run := range runs {
		s.Begin(run)
		cs := []Choice{{Actor: 0, Op: op.Write, Object: 1}, {Actor: 1, Op: op.Write, Object: 1}, {Actor: 2, Op: op.Write, Object: 2}, {Actor: 3, Op: op.Read, Object: 1}}
		var p Path
		i := s.Next(&Decision{Kind: Schedule, Choices: cs, Path: &p, Current: -1})
		before := append([]uint64(nil), s.prio...)
		ran := cs[i]
		p.Steps = append(p.Steps, ran)
		s.Next(&Decision{Kind: Schedule, Step: 1, Choices: cs, Path: &p, Current: ran.Actor})
		for _, c := range cs {
			changed := s.prio[c.Actor] != before[c.Actor]
			if c.Actor == ran.Actor {
				if changed {
					redrawn++
				}
				continue
			}
			if want := Conflicts(c, ran); changed != want {
				t.Errorf("run %d: ran %v: priority of %v changed %v, want %v", run, ran, c, changed, want)
			}
		}
	}
	if lo, hi := runs/posRedraw/2, 3*runs/posRedraw/2; redrawn < lo || redrawn > hi {
		t.Errorf("the stepping actor was re-drawn in %d of %d executions, want about 1 in %d", redrawn, runs, posRedraw)
	}
}

// POS runs the enabled actor of highest priority.
func TestPOSRunsHighestPriority(t *testing.T) {
	s := NewPOS(3)
	for run := range 20 {
		s.Begin(run)
		cs := []Choice{{Actor: 0, Op: op.Write, Object: 1}, {Actor: 1, Op: op.Write, Object: 2}, {Actor: 2, Op: op.Write, Object: 3}}
		i := s.Next(&Decision{Kind: Schedule, Choices: cs, Path: &Path{}, Current: -1})
		for _, c := range cs {
			if s.prio[c.Actor] > s.prio[cs[i].Actor] {
				t.Fatalf("run %d: chose %v of priority %d over %v of %d", run, cs[i], s.prio[cs[i].Actor], c, s.prio[c.Actor])
			}
		}
	}
}

// Mix runs each execution exactly as POS or PCT on its own would, POS in
// about two of three.
func TestMixIsPOSOrPCT(t *testing.T) {
	const runs = 600
	m := NewMix(5, 3, 12)
	pos, pct := NewPOS(5), NewPCT(5, 3, 12)
	left, obj := []int{4, 4, 4}, []int{0, 0, 1}
	nPOS := 0
	for run := range runs {
		got := fmt.Sprint(drive(m, run, left, obj))
		name := m.Info().Name
		var want string
		switch name {
		case NamePOS:
			nPOS++
			want = fmt.Sprint(drive(pos, run, left, obj))
		case NamePCT:
			want = fmt.Sprint(drive(pct, run, left, obj))
		default:
			t.Fatalf("run %d: Info %+v, want pos or pct", run, m.Info())
		}
		if got != want {
			t.Fatalf("run %d: mix ran %s, %s on its own %s", run, got, name, want)
		}
	}
	if want := runs * (mixPCTOneIn - 1) / mixPCTOneIn; nPOS < want*9/10 || nPOS > want*11/10 {
		t.Fatalf("POS ran %d of %d executions, want about %d", nPOS, runs, want)
	}
}
