package sim

import (
	"fmt"
	"strings"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
)

// Case is one case of a Select: a send (Chan.SendCase), a receive
// (Chan.RecvCase) or the default (Default). Its body runs after the select
// has chosen it, as ordinary actor code.
type Case struct {
	c      *chanCore // nil: the default case
	send   bool
	val    any
	onSend func()
	onRecv func(v any, ok bool)
	isDef  bool
}

// SendCase is the case "case ch <- v: body()"; body may be nil.
func (ch *Chan[T]) SendCase(v T, body func()) Case {
	return Case{c: &ch.c, send: true, val: v, onSend: body}
}

// RecvCase is the case "case v, ok := <-ch: body(v, ok)"; body may be nil.
func (ch *Chan[T]) RecvCase(body func(v T, ok bool)) Case {
	var f func(any, bool)
	if body != nil {
		f = func(v any, ok bool) { body(typed[T](v), ok) }
	}
	return Case{c: &ch.c, onRecv: f}
}

// Default is the default case of a Select; body may be nil.
func Default(body func()) Case { return Case{isDef: true, onSend: body} }

// selectWait is a select blocked on all its cases.
type selectWait struct {
	fired int
	ws    []*chanWaiter // by case; nil for nil channels and the default
}

// Select is Go's select statement: it runs the body of one case that can
// proceed — a receive with a value ready or a closed channel, a send with a
// receiver waiting or room in the buffer (or a closed channel: a finding),
// never a nil channel's. When several can, the strategy chooses (a
// recorded decision), as Go's runtime chooses at random; when none can, it
// runs the default case if there is one, and otherwise blocks until a
// partner makes one proceed. It returns the index of the case run.
//
// The select is one visible step, and a second one when it had to block.
// It is labelled wide: it conflicts with every channel operation.
func Select(x *Execution, cases ...Case) int {
	for _, cs := range cases {
		if cs.c != nil {
			x.own(cs.c.gen, "chan", cs.c.name)
		}
	}
	a := x.stepOp(req{kind: op.Select, obj: noObject, wait: selectCheck(cases)})
	def := -1
	var ready []int
	for i, cs := range cases {
		switch {
		case cs.isDef:
			def = i
		case cs.c.isNil:
		case cs.send && (cs.c.closed || len(cs.c.recvq) > 0 || len(cs.c.buf) < cs.c.cap):
			ready = append(ready, i)
		case !cs.send && (len(cs.c.buf) > 0 || len(cs.c.sendq) > 0 || cs.c.closed):
			ready = append(ready, i)
		}
	}
	if len(ready) > 0 {
		choices := ready
		if len(ready) > 1 && !x.opts.Unfair {
			choices = a.fairSelect(cases, ready)
		}
		i := choices[x.choose(scheduler.Choose, a, req{kind: op.Select, obj: noObject}, len(choices), func(k int) int { return choices[k] })]
		if len(ready) > 1 && !x.opts.Unfair {
			a.selected(cases, ready, i)
		}
		cs := cases[i]
		if cs.send {
			cs.c.trySend(a, cs.val)
			run(cs.onSend)
			return i
		}
		v, ok, _ := cs.c.tryRecv(a)
		if cs.onRecv != nil {
			cs.onRecv(v, ok)
		}
		return i
	}
	if def >= 0 {
		// No case could proceed: the select changed nothing, an idle step
		// for fair scheduling (a polling loop is a spin).
		x.done(a, true, func() string { return "default" })
		run(cases[def].onSend)
		return def
	}
	s := &selectWait{fired: -1, ws: make([]*chanWaiter, len(cases))}
	var w0 *chanWaiter
	for i, cs := range cases {
		if cs.isDef || cs.c.isNil {
			continue
		}
		w := &chanWaiter{a: a, c: cs.c, send: cs.send, val: cs.val, sel: s, idx: i}
		s.ws[i] = w
		if cs.send {
			cs.c.sendq = append(cs.c.sendq, w)
		} else {
			cs.c.recvq = append(cs.c.recvq, w)
		}
		if w0 == nil {
			w0 = w
		}
	}
	if w0 == nil { // every case is a nil channel: blocked forever
		x.done(a, true, func() string { return "blocks" })
		x.stepOp(req{kind: op.Select, obj: noObject, wait: nilWait{}})
		panic("sim: a select of nil channels was scheduled")
	}
	w0.c.park(a, w0, op.Select)
	w := s.ws[s.fired]
	cs := cases[s.fired]
	if cs.send {
		if w.closed {
			cs.c.sendOnClosed(a)
		}
		x.done(a, false, func() string { return fmt.Sprintf("case %d: sent to %s", s.fired, cs.c.name) })
		run(cs.onSend)
		return s.fired
	}
	x.done(a, false, func() string { return fmt.Sprintf("case %d: %s", s.fired, cs.c.recvValue(w.val, w.ok)) })
	if cs.onRecv != nil {
		cs.onRecv(w.val, w.ok)
	}
	return s.fired
}

func run(f func()) {
	if f != nil {
		f()
	}
}

// selectCheck is the select's first step's blocker: never blocking (the
// step decides), but it rejects a select of zero cases as Go's select {}
// would block forever.
func selectCheck(cases []Case) blocker {
	if len(cases) == 0 {
		return nilWait{}
	}
	return nil
}

func (s *selectWait) describe() string {
	var parts []string
	for _, w := range s.ws {
		if w != nil {
			parts = append(parts, w.c.describeWait(w.send))
		}
	}
	return "select: " + strings.Join(parts, "; ")
}

// Fair select. Go's runtime picks among a select's ready cases at
// random, so a case that stays ready is taken sooner or later; a strategy
// that makes the choice (DFS and DPOR try every one) could skip it for
// ever, and report a loop such as "select on a closed stop channel or a
// re-armed timer" as a livelock that no Go program shows. As for spins
// (fairSpin), a channel whose case an actor's selects had ready and did
// not take fairSpin times in a row is then the only choice, with any
// others so starved, until taken.
type selectSkip struct {
	c *chanCore
	n int
}

// fairSelect returns the ready cases that may be chosen: the starved ones
// if there are any, else all.
func (a *actor) fairSelect(cases []Case, ready []int) []int {
	var starved []int
	for _, i := range ready {
		for _, s := range a.skips {
			if s.c == cases[i].c && s.n >= fairSpin {
				starved = append(starved, i)
			}
		}
	}
	if len(starved) == 0 {
		return ready
	}
	return starved
}

// selected counts the ready cases that the select chosen did not take.
func (a *actor) selected(cases []Case, ready []int, chosen int) {
	for _, i := range ready {
		c := cases[i].c
		k := -1
		for j, s := range a.skips {
			if s.c == c {
				k = j
			}
		}
		if k < 0 {
			a.skips = append(a.skips, selectSkip{c: c})
			k = len(a.skips) - 1
		}
		if cases[i].c == cases[chosen].c {
			a.skips[k].n = 0
		} else {
			a.skips[k].n++
		}
	}
}
