package scheduler

import "github.com/simrun/simrun/op"

// hbState computes happens-before over an execution's steps with vector
// clocks (one component per actor) and reports races as it goes.
type hbState struct {
	na     int
	clocks []int32 // event j's clock: clocks[j*na : (j+1)*na]
	actor  []int
	ord    []int32 // event j's position in its actor's sequence (1-based)
	last   []int   // by actor: its latest event, or -1
	res    []resAcc
	cur    []int32
	acc    []access
	pend   []int32 // pending step k's clock: pend[k*na : (k+1)*na]
}

type resAcc struct {
	write, acq, rel, try int // latest event of each kind, or -1
	reads                []int
	all                  []int // every modeAll event
}

// Access modes. Mutexes are special because a release and an acquire by
// another actor are never enabled together: only acquires race (and a
// TryLock, which is enabled even when the mutex is held, races with
// releases too); a release only orders what follows.
const (
	modeRead = iota
	modeWrite
	modeAcquire // Lock, the re-acquire after a wakeup
	modeTry     // TryLock
	modeRelease // Unlock, the release in Wait
	modeAfter   // the wakeup after a Signal: ordered after the cond's last write
	// modeAll: Go's blocking primitives (channels, GoMutex, RWMutex,
	// WaitGroup, Once, GoCond, semaphores, timers). Such a step can be
	// blocked until a partner's step, so the step it must be reversed with
	// need not be the object's latest write (a Lock blocked behind an
	// Unlock races with the earlier Lock): it races with every earlier
	// unordered modeAll step of the object, and orders like a write.
	modeAll
)

type access struct {
	r    int
	mode int
}

// Pseudo-objects of Dependent, offset in hbState.res.
const (
	resHistory = iota
	resSpurious
	resChannels // every channel op reads it, a wide one writes it
	resTime     // timer operations write it
	resObjects
)

func newHB(na, n int) *hbState {
	h := &hbState{na: na, clocks: make([]int32, 0, n*na), last: make([]int, na), cur: make([]int32, na)}
	for i := range h.last {
		h.last[i] = -1
	}
	return h
}

func (h *hbState) accesses(c Choice, rec bool) []access {
	a := h.acc[:0]
	if c.Object >= 0 && !c.Op.Local() {
		m := modeWrite
		switch {
		case c.Op.ReadOnly():
			m = modeRead
		case c.Op == op.Lock:
			m = modeAcquire
		case c.Op == op.TryLock:
			m = modeTry
		case c.Op == op.Unlock:
			m = modeRelease
		case c.Op == op.Wake:
			m = modeAfter
		}
		if c.Op.Go() {
			m = modeAll
		}
		a = append(a, access{resObjects + c.Object, m})
	}
	switch c.Op {
	case op.Wait:
		a = append(a, access{resObjects + c.Arg, modeRelease})
	case op.Wake:
		a = append(a, access{resObjects + c.Arg, modeAcquire})
	}
	if rec {
		a = append(a, access{resHistory, modeWrite})
	}
	if c.Op == op.Spurious {
		a = append(a, access{resSpurious, modeWrite})
	}
	if c.Op.Chan() {
		m := modeRead
		if c.Op.Wide() {
			m = modeAll
		}
		a = append(a, access{resChannels, m})
	}
	if c.Op.Time() {
		a = append(a, access{resTime, modeAll})
	}
	h.acc = a
	return a
}

func (h *hbState) resource(r int) *resAcc {
	for len(h.res) <= r {
		h.res = append(h.res, resAcc{write: -1, acq: -1, rel: -1, try: -1})
	}
	return &h.res[r]
}

// before loads into h.cur the clock of actor p before its next step.
func (h *hbState) before(p int) {
	if l := h.last[p]; l >= 0 {
		copy(h.cur, h.clocks[l*h.na:(l+1)*h.na])
	} else {
		clear(h.cur)
	}
}

// check reports a race between event i and the next step c of its actor,
// unless i happens before c's actor's current clock.
func (h *hbState) check(i int, c Choice, race func(int, Choice)) {
	if i >= 0 && h.actor[i] != c.Actor && h.cur[h.actor[i]] < h.ord[i] {
		race(i, c)
	}
}

func (h *hbState) checkAll(c Choice, rec bool, race func(int, Choice)) []access {
	acc := h.accesses(c, rec)
	for _, a := range acc {
		r := h.resource(a.r)
		switch a.mode {
		case modeRead:
			h.check(r.write, c, race)
		case modeWrite:
			h.check(r.write, c, race)
			for _, i := range r.reads {
				h.check(i, c, race)
			}
		case modeAcquire:
			h.check(r.acq, c, race)
		case modeTry:
			h.check(r.acq, c, race)
			h.check(r.rel, c, race)
		case modeRelease:
			h.check(r.try, c, race)
		case modeAll:
			h.check(r.write, c, race)
			for _, i := range r.reads {
				h.check(i, c, race)
			}
			for _, i := range r.all {
				h.check(i, c, race)
			}
		}
	}
	return acc
}

func (h *hbState) join(i int) {
	if i < 0 {
		return
	}
	for k, t := range h.clocks[i*h.na : (i+1)*h.na] {
		h.cur[k] = max(h.cur[k], t)
	}
}

// step adds event j, labelled c, after checking it for races.
func (h *hbState) step(j int, c Choice, rec bool, race func(int, Choice)) {
	p := c.Actor
	h.before(p)
	acc := h.checkAll(c, rec, race)
	h.joinAll(c, acc)
	var o int32 = 1
	if l := h.last[p]; l >= 0 {
		o = h.ord[l] + 1
	}
	h.cur[p] = o
	h.clocks = append(h.clocks, h.cur...)
	h.actor = append(h.actor, p)
	h.ord = append(h.ord, o)
	h.last[p] = j
	for _, a := range acc {
		r := h.resource(a.r)
		switch a.mode {
		case modeRead:
			r.reads = append(r.reads, j)
		case modeWrite:
			r.write, r.reads = j, r.reads[:0]
		case modeAll:
			r.write, r.reads = j, r.reads[:0]
			r.all = append(r.all, j)
		case modeAcquire:
			r.acq = j
		case modeTry:
			r.acq, r.try = j, j
		case modeRelease:
			r.rel = j
		}
	}
}

// joinAll joins into h.cur the clocks of the events that the step c, with
// accesses acc, is ordered after.
func (h *hbState) joinAll(c Choice, acc []access) {
	for _, a := range acc {
		r := h.resource(a.r)
		switch a.mode {
		case modeRead, modeAfter:
			h.join(r.write)
		case modeWrite, modeAll:
			h.join(r.write)
			for _, i := range r.reads {
				h.join(i)
			}
		default:
			h.join(r.acq)
			h.join(r.rel)
			h.join(r.try)
		}
	}
	if c.Op == op.Join && c.Arg >= 0 && c.Arg < h.na {
		h.join(h.last[c.Arg])
	}
}

// pending checks a step that never ran (the execution ended first), and
// keeps the clock it would have (for before), as event number
// len(steps)+k for the k-th pending step. Whether it would record history
// is unknown; it is taken not to.
func (h *hbState) pending(c Choice, race func(int, Choice)) {
	h.before(c.Actor)
	h.joinAll(c, h.checkAll(c, false, race))
	h.pend = append(h.pend, h.cur...)
}

// clock returns event j's clock (j past the executed steps: a pending
// step, see pending).
func (h *hbState) clock(j int) []int32 {
	if n := len(h.actor); j >= n {
		j -= n
		return h.pend[j*h.na : (j+1)*h.na]
	}
	return h.clocks[j*h.na : (j+1)*h.na]
}

// happensBefore reports whether the executed event i happens before event
// j (executed or pending).
func (h *hbState) happensBefore(i, j int) bool {
	return h.clock(j)[h.actor[i]] >= h.ord[i]
}

// initials returns the initials of the race of event i with the later
// event j (Abdulla, Aronis, Jonsson and Sagonas, "Source Sets: A
// Foundation for Optimal Dynamic Partial Order Reduction", JACM 2017): of
// v, the events after i that do not happen after it, followed by j, the
// ones that no other event of v happens before. Reversing the race means
// running v before i, and v can only start with one of its initials. at
// labels the events (executed or pending).
func (h *hbState) initials(i, j int, at func(int) Choice) []Choice {
	var v, out []int
	for k := i + 1; k < min(j, len(h.actor)); k++ { // not other pending steps
		if !h.happensBefore(i, k) {
			v = append(v, k)
		}
	}
	v = append(v, j)
	for n, e := range v {
		first := true
		for _, d := range v[:n] {
			if h.happensBefore(d, e) {
				first = false
				break
			}
		}
		if first {
			out = append(out, e)
		}
	}
	cs := make([]Choice, len(out))
	for n, e := range out {
		cs[n] = at(e)
	}
	return cs
}
