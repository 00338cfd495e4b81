package scheduler

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// SURW is a selectively uniform random walk (Zhao, Wolff, Mathur,
// Roychoudhury: "Selectively Uniform Concurrency Testing", ASPLOS 2025).
// A random walk that picks uniformly among the enabled actors at every step
// is far from uniform over interleavings: an actor with few events left is
// as likely to run as one with many, so the interleavings in which a short
// actor runs late are starved. The uniform random walk picks an actor with
// probability proportional to the number of events it has left; with exact
// counts, every interleaving is equally likely. SURW applies this to a
// selected set of interesting events only, so that their interleavings are
// sampled uniformly however many other events lie between them, while
// every interleaving stays possible.
//
// Here, the interesting events of an execution are the steps on one shared
// object, drawn uniformly per execution from the objects that two or more
// actors touch. At a scheduling decision, an enabled actor whose pending
// step is not interesting runs first (uniformly among such actors); only
// when every enabled actor's pending step is interesting does the weighted
// choice happen: actor a with weight its estimated interesting steps left
// (at least 1). So the actors race to their next access to the object, and
// the accesses interleave as a uniform draw of their orders would.
//
// The remaining events are not known in advance: SURW needs an estimate of
// each actor's steps on each object in one execution. Obtaining it:
// sim.Hunt (and so `simrun run` and sim.Check) runs a calibration once,
// before the hunt, as for PCT's k: ten random-walk executions from the
// hunt's seed, each (object, actor) estimate the mean, rounded up, of its
// steps in them (sim.CalibrateEvents). The estimate is thus a function of
// the scenario and the seed alone, the same for every clone and every run,
// so the executions do not depend on the worker count; and it is written
// into the strategy's Spec (Events, "obj:n0/n1/...;obj:...", see
// FormatEvents), so that a trace header re-creates the strategy. Without an
// estimate SURW learns one from its own finished executions, in the order
// this instance ran them (the first execution is a plain random walk):
// deterministic on one worker, but clones learn apart, so give Events when
// running on several (as Hunt does).
//
// Deviations from the paper: the paper selects the interesting events from
// the program (its evaluation: accesses to chosen shared resources) and
// lets the other events interleave freely; here the selection is one
// object drawn per execution, and the uninteresting steps run eagerly
// (uniformly among the actors that have one), which keeps every
// interleaving possible but not uniform outside the selection. Choose and
// Wake decisions are uniform random, and a spurious wakeup is taken with
// probability 1/16 where one is on offer, as in Random.
type SURW struct {
	base   uint64
	seed   uint64
	r      Rand
	events []ObjectEvents // estimate by object, ascending; given or learned
	given  bool           // events came from the Spec: do not learn
	sum    []ObjectEvents // learning: total steps over learned executions
	runs   int            // learning: executions learned from
	spec   string         // FormatEvents(events), for Info

	sel  *ObjectEvents // the selected object of the current execution; nil: none (random walk)
	done []int         // steps of each actor on the selected object in the current execution
	seen int           // steps of the current execution already counted
	w    []int         // scratch: weights or indices of the current decision
}

// ObjectEvents is the estimated number of steps of each actor (by id) on
// one object in one execution.
type ObjectEvents struct {
	Object int
	Steps  []int
}

// NewSURW returns a SURW strategy whose first execution uses seed, with
// events the estimated steps on each shared object (nil: learn them; see
// SURW).
func NewSURW(seed uint64, events []ObjectEvents) *SURW {
	s := &SURW{base: seed, events: shared(events), given: len(events) > 0}
	s.spec = FormatEvents(s.events)
	return s
}

// shared keeps the objects that at least two actors touch.
func shared(ev []ObjectEvents) []ObjectEvents {
	var out []ObjectEvents
	for _, e := range ev {
		n := 0
		for _, s := range e.Steps {
			if s > 0 {
				n++
			}
		}
		if n >= 2 {
			out = append(out, ObjectEvents{Object: e.Object, Steps: slices.Clone(e.Steps)})
		}
	}
	return out
}

// Begin implements Strategy.
func (s *SURW) Begin(run int) bool {
	s.seed = ExecutionSeed(s.base, run)
	s.r = NewRand(s.seed)
	s.done = s.done[:0]
	s.seen = 0
	s.sel = nil
	if len(s.events) > 0 {
		s.sel = &s.events[s.r.IntN(len(s.events))]
	}
	return true
}

// weight is the weight of actor a: its estimated steps on the selected
// object left, at least 1.
func (s *SURW) weight(a int) int {
	est, done := 0, 0
	if a < len(s.sel.Steps) {
		est = s.sel.Steps[a]
	}
	if a < len(s.done) {
		done = s.done[a]
	}
	return max(est-done, 1)
}

// Next implements Strategy.
func (s *SURW) Next(d *Decision) int {
	if d.Kind != Schedule || s.sel == nil {
		return pickRandom(&s.r, d)
	}
	if p := d.Path; p != nil {
		for ; s.seen < len(p.Steps); s.seen++ {
			if c := p.Steps[s.seen]; c.Object == s.sel.Object && !c.Op.Local() {
				for len(s.done) <= c.Actor {
					s.done = append(s.done, 0)
				}
				s.done[c.Actor]++
			}
		}
	}
	real := splitSpurious(d.Choices)
	if i, ok := pickSpurious(&s.r, d, real); ok {
		return i
	}
	// Uninteresting steps first.
	s.w = s.w[:0]
	for i, c := range d.Choices[:real] {
		if c.Object != s.sel.Object || c.Op.Local() {
			s.w = append(s.w, i)
		}
	}
	if len(s.w) > 0 {
		return s.w[s.r.IntN(len(s.w))]
	}
	total := 0
	for _, c := range d.Choices[:real] {
		w := s.weight(c.Actor)
		s.w = append(s.w, w)
		total += w
	}
	x := s.r.IntN(total)
	for i, w := range s.w {
		if x < w {
			return i
		}
		x -= w
	}
	return real - 1 // not reached
}

// End implements Strategy: without a given estimate, SURW learns the mean
// steps of each actor on each object from the executions it has run.
func (s *SURW) End(p *Path) {
	if s.given {
		return
	}
	s.sum = CountEvents(s.sum, p.Steps)
	s.runs++
	s.events = shared(MeanEvents(s.sum, s.runs))
	s.spec = FormatEvents(s.events)
}

// CountEvents adds the steps of one execution to sum (steps per object and
// actor) and returns it.
func CountEvents(sum []ObjectEvents, steps []Choice) []ObjectEvents {
	for _, c := range steps {
		if c.Object < 0 || c.Op.Local() {
			continue
		}
		i, ok := slices.BinarySearchFunc(sum, c.Object, func(e ObjectEvents, o int) int { return cmp.Compare(e.Object, o) })
		if !ok {
			sum = slices.Insert(sum, i, ObjectEvents{Object: c.Object})
		}
		e := &sum[i]
		for len(e.Steps) <= c.Actor {
			e.Steps = append(e.Steps, 0)
		}
		e.Steps[c.Actor]++
	}
	return sum
}

// MeanEvents divides the totals of runs executions by runs, rounding up.
func MeanEvents(sum []ObjectEvents, runs int) []ObjectEvents {
	out := make([]ObjectEvents, len(sum))
	for i, e := range sum {
		out[i] = ObjectEvents{Object: e.Object, Steps: make([]int, len(e.Steps))}
		for a, t := range e.Steps {
			out[i].Steps[a] = (t + runs - 1) / max(runs, 1)
		}
	}
	return out
}

// Info implements Strategy. A learned estimate is reported too, so that
// the header says what the execution ran with.
func (s *SURW) Info() Info {
	return Info{Name: NameSURW, Seed: s.seed, Events: s.spec}
}

// Clone implements Cloner. A clone continues from what s has learned and
// then learns on its own: give an estimate when running on several
// workers.
func (s *SURW) Clone() Strategy {
	c := &SURW{base: s.base, given: s.given, runs: s.runs, spec: s.spec}
	for _, e := range s.events {
		c.events = append(c.events, ObjectEvents{e.Object, slices.Clone(e.Steps)})
	}
	for _, e := range s.sum {
		c.sum = append(c.sum, ObjectEvents{e.Object, slices.Clone(e.Steps)})
	}
	return c
}

// FormatEvents writes an estimate as Spec.Events holds it: objects
// separated by ';', each "object:steps of actor 0/actor 1/...", as in
// "3:0/2/2;7:1/1/1"; nil is "".
func FormatEvents(events []ObjectEvents) string {
	var b strings.Builder
	for i, e := range events {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.Itoa(e.Object))
		b.WriteByte(':')
		for j, n := range e.Steps {
			if j > 0 {
				b.WriteByte('/')
			}
			b.WriteString(strconv.Itoa(n))
		}
	}
	return b.String()
}

// ParseEvents reads Spec.Events (see FormatEvents); "" is none.
func ParseEvents(s string) ([]ObjectEvents, error) {
	if s == "" {
		return nil, nil
	}
	bad := fmt.Errorf("events %q: want object:steps/steps/...;object:... with counts >= 0, as in 3:0/2/2;7:1/1/1", s)
	var out []ObjectEvents
	for _, part := range strings.Split(s, ";") {
		o, counts, ok := strings.Cut(part, ":")
		obj, err := strconv.Atoi(o)
		if !ok || err != nil || obj < 0 || len(out) > 0 && obj <= out[len(out)-1].Object {
			return nil, bad
		}
		e := ObjectEvents{Object: obj}
		for _, f := range strings.Split(counts, "/") {
			n, err := strconv.Atoi(f)
			if err != nil || n < 0 {
				return nil, bad
			}
			e.Steps = append(e.Steps, n)
		}
		out = append(out, e)
	}
	return out, nil
}
