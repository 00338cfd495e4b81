package scheduler

import (
	"fmt"
	"strconv"
	"strings"
)

// SURW is a selectively uniform random walk (Zhao, Wolff, Mathur,
// Roychoudhury: "Selectively Uniform Concurrency Testing", ASPLOS 2025).
// A random walk that picks uniformly among the enabled actors at every step
// is far from uniform over interleavings: an actor with few events left is
// as likely to run as one with many, so the interleavings in which a short
// actor runs late are starved. SURW picks an actor with probability
// proportional to the number of events it has left; if the counts are
// exact, every interleaving of the events is equally likely (the paper's
// uniform random walk), and a bug that needs one actor to act inside a
// narrow window of another is found with probability given by the width of
// the window, not by the number of steps before it.
//
// The remaining events are not known in advance: SURW needs an estimate of
// every actor's events per execution (Events, by actor id). Obtaining it:
// sim.Hunt (and so `simrun run` and sim.Check) runs a calibration once,
// before the hunt, as for PCT's k: ten random-walk executions from the
// hunt's seed, each actor's estimate the mean (rounded up) of its steps in
// them (sim.CalibrateEvents). The estimate is thus a function of the
// scenario and the seed alone, the same for every clone and every run, so
// the executions do not depend on the worker count; and it is written into
// the strategy's Spec ("surw:events=12/30/30"), so that a trace header
// re-creates the strategy. Without an estimate (Events empty) SURW learns
// one from its own finished executions, in the order this instance ran
// them, starting from the counts of its first execution: deterministic on
// one worker, but clones learn apart, so give Events when running on
// several (as Hunt does).
//
// Deviations from the paper: the paper weighs only a selected set of
// interesting events (those on the objects a bug is suspected on) and runs
// the others freely; here every step is an event of the selection, so
// SURW is the paper's uniform random walk over all visible operations,
// which needs no knowledge of the bug. An actor that has used up its
// estimate keeps weight 1, and an actor without an estimate (an actor id
// beyond the calibration's) weighs the mean estimate, less its steps so
// far. Choose and Wake decisions are uniform random, and a spurious wakeup
// is taken with probability 1/16 where one is on offer, as in Random.
type SURW struct {
	base   uint64
	seed   uint64
	r      Rand
	events []int // estimated steps per actor, by id; given or learned
	given  bool  // events came from the Spec: do not learn
	sum    []int // learning: total steps per actor over learned executions
	runs   int   // learning: executions learned from
	mean   int   // mean of events, for actors beyond them

	done []int // steps run by each actor in the current execution
	seen int   // steps of the current execution already counted
	w    []int // scratch: weights of the current decision
}

// NewSURW returns a SURW strategy whose first execution uses seed, with
// events the estimated steps of each actor (by id) in one execution; nil
// learns them (see SURW).
func NewSURW(seed uint64, events []int) *SURW {
	s := &SURW{base: seed, events: append([]int(nil), events...), given: len(events) > 0}
	s.mean = meanOf(s.events)
	return s
}

func meanOf(a []int) int {
	if len(a) == 0 {
		return 1
	}
	t := 0
	for _, v := range a {
		t += v
	}
	return max((t+len(a)-1)/len(a), 1)
}

// Begin implements Strategy.
func (s *SURW) Begin(run int) bool {
	s.seed = ExecutionSeed(s.base, run)
	s.r = NewRand(s.seed)
	s.done = s.done[:0]
	s.seen = 0
	return true
}

// weight is the weight of actor a: its estimated events left.
func (s *SURW) weight(a int) int {
	est := s.mean
	if a < len(s.events) {
		est = s.events[a]
	}
	done := 0
	if a < len(s.done) {
		done = s.done[a]
	}
	return max(est-done, 1)
}

// Next implements Strategy.
func (s *SURW) Next(d *Decision) int {
	if d.Kind != Schedule {
		return s.r.IntN(len(d.Choices))
	}
	if p := d.Path; p != nil {
		for ; s.seen < len(p.Steps); s.seen++ {
			a := p.Steps[s.seen].Actor
			for len(s.done) <= a {
				s.done = append(s.done, 0)
			}
			s.done[a]++
		}
	}
	real := splitSpurious(d.Choices)
	if real < len(d.Choices) && (real == 0 || s.r.IntN(spuriousOdds) == 0) {
		return real + s.r.IntN(len(d.Choices)-real)
	}
	s.w = s.w[:0]
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

// End implements Strategy: without a given estimate, SURW learns each
// actor's mean steps from the executions it has run.
func (s *SURW) End(p *Path) {
	if s.given {
		return
	}
	for _, c := range p.Steps {
		for len(s.sum) <= c.Actor {
			s.sum = append(s.sum, 0)
		}
		s.sum[c.Actor]++
	}
	s.runs++
	s.events = s.events[:0]
	for _, t := range s.sum {
		s.events = append(s.events, max((t+s.runs-1)/s.runs, 1))
	}
	s.mean = meanOf(s.events)
}

// Info implements Strategy. A learned estimate is reported too, so that
// the header says what the execution ran with.
func (s *SURW) Info() Info {
	return Info{Name: NameSURW, Seed: s.seed, Events: FormatEvents(s.events)}
}

// Clone implements Cloner. A clone continues from what s has learned and
// then learns on its own: give an estimate when running on several
// workers.
func (s *SURW) Clone() Strategy {
	return &SURW{base: s.base, events: append([]int(nil), s.events...), given: s.given,
		sum: append([]int(nil), s.sum...), runs: s.runs, mean: s.mean}
}

// FormatEvents writes per-actor event estimates as Spec.Events holds them:
// "12/30/30"; nil is "".
func FormatEvents(events []int) string {
	var b strings.Builder
	for i, n := range events {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// ParseEvents reads Spec.Events: positive counts separated by slashes, or
// "" for none.
func ParseEvents(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, "/") {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("events %q: want positive counts separated by '/', as in 12/30/30", s)
		}
		out = append(out, n)
	}
	return out, nil
}
