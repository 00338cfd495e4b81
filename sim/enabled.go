package sim

import (
	"fmt"
	"math/bits"
	"os"
	"sync"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
)

// The enabled set kept between decisions.
//
// decide asks every live actor whether it can step (its blocker's ready,
// an interface call) and labels each one that can. Most steps change no
// blocker: a Var or Atomic access, a Record, Work, an Object.Do. After
// such a step only the actor that stepped has a new pending operation;
// every other actor can step now if and only if it could at the last
// decision. So decide keeps, as bits by actor id, which actors could step
// (enMask), which wait on a blocker (wMask) and which sleep on a Cond
// (spMask, the spurious wakeups on offer), and after a step that changes
// no blocker it re-asks only the actor that stepped. The Choices, and their order (the current actor
// first, then by id), are those the full scan gives: SIMRUN_ENABLEDCHECK=1
// compares the two at every decision.
//
// Any other operation (one not in pureOps) may have changed a blocker:
// the next decision asks again the actors that wait on one (wMask), and
// keeps the others' answers. That an actor that waits on nothing can
// step depends only on whether it sleeps and whether its time has come,
// so whatever changes those drops the kept sets (enOK = false) and the
// next decision scans every actor: a spawn, an actor's end, a wakeup or
// sleep, a spurious wakeup, a wake latency, virtual time moving on, a
// timer armed or disarmed. Timers are never kept: a timer's readiness
// depends on every actor's progress, so a scan that sees a daemon keeps
// nothing; nor are executions of more than 64 actors, or while an actor
// that slept in GoSleep is still to be deferred by fair. Under a run of
// idle steps (fairSpin) the kept set's choices go through fair.

// pureOps are the operations that change no blocker's state, no actor's
// sleep and no other actor's readiness: the kept sets survive them.
var pureOps uint64 = 1<<op.Start | 1<<op.Load | 1<<op.Store | 1<<op.CAS |
	1<<op.Swap | 1<<op.And | 1<<op.Or | 1<<op.Read | 1<<op.Write |
	1<<op.Sleep | 1<<op.Work | 1<<op.Yield | 1<<op.Call | 1<<op.Use |
	1<<op.Len

// pure reports whether o keeps the enabled set (see pureOps).
func pure(o op.Op) bool { return o < 64 && pureOps>>o&1 != 0 }

// enabledSet is decide's kept enabled set.
type enabledSet struct {
	enOK    bool   // the masks are up to date but for cur's bits and enReask
	enReask bool   // a blocker may have changed: the actors of wMask must be re-asked
	enMask  uint64 // bit i: actor i can step
	wMask   uint64 // bit i: actor i waits on a blocker, awake and its time come
	spMask  uint64 // bit i: actor i sleeps on a Cond (valid when spurious wakeups are on offer)
	sleptN  int    // actors whose sleptAt is set (finished ones too): fair may defer them
}

// keepScan records the result of a full scan: m the actors that can step,
// w those that wait on a blocker. Nothing is kept while an actor that
// slept in GoSleep may be deferred by fair: a waiter asked again could be
// one.
func (x *Execution) keepScan(m, w uint64) {
	x.enMask, x.wMask, x.enReask = m, w, false
	x.enOK = x.sleptN == 0 && x.daemons == 0 && len(x.actors) <= 64 && !keepNothing
}

// keepNothing makes every decision scan every actor (tests: the reference
// the kept set's executions are compared with).
var keepNothing bool

// reaskKept brings the kept set up to date: cur has a new pending
// operation, and after a step that may have changed a blocker every
// waiter is asked again. It reports whether some actor can step.
func (x *Execution) reaskKept() bool {
	cur := x.cur
	if cur == nil { // no step yet: scan
		x.enOK = false
		return false
	}
	bit := uint64(1) << uint(cur.id)
	m, w := x.enMask&^bit, x.wMask&^bit
	if x.enReask {
		x.enReask = false
		for r := w; r != 0; r &= r - 1 {
			i := bits.TrailingZeros64(r)
			a := x.actors[i]
			if a.req.wait.ready(a) {
				m |= 1 << uint(i)
			} else {
				m &^= 1 << uint(i)
			}
		}
	}
	if cur.readyAt <= x.now && !cur.asleep {
		if cur.req.wait == nil {
			m |= bit
		} else {
			w |= bit
			if cur.req.wait.ready(cur) {
				m |= bit
			}
		}
	}
	x.enMask, x.wMask = m, w
	return m != 0
}

// keptChoices appends the choices of the kept set to cs: cur first, then
// the others by id, as the full scan orders them.
func (x *Execution) keptChoices(cs []scheduler.Choice) []scheduler.Choice {
	cur := x.cur
	bit := uint64(1) << uint(cur.id)
	if x.enMask&bit != 0 {
		cs = append(cs, x.label(cur))
	}
	for m := x.enMask &^ bit; m != 0; m &= m - 1 {
		cs = append(cs, x.label(x.actors[bits.TrailingZeros64(m)]))
	}
	return cs
}

// pickKept is a random walk's decision from the kept set, without
// building the choices: the walk needs only their number, n of them
// steps and the others spurious wakeups (sp), and the one it picks.
func (x *Execution) pickKept() scheduler.Choice {
	var sp uint64
	if x.asleep > 0 && x.spurious < x.spuriousMax {
		sp = x.spMask
	}
	cur := x.cur
	bit := uint64(1) << uint(cur.id)
	m := x.enMask
	n := bits.OnesCount64(m)
	i := 0
	if total := n + bits.OnesCount64(sp); total > 1 {
		i = x.rnd.Pick(scheduler.Schedule, total, n)
		x.path.Decisions = append(x.path.Decisions, i)
	}
	var c scheduler.Choice
	switch k := i; {
	case k >= n:
		a := x.actors[nthBit(sp, k-n)]
		c = scheduler.Choice{Actor: a.id, Op: op.Spurious, Object: a.req.wait.(*Cond).id}
	case m&bit != 0 && k == 0:
		c = x.label(cur)
	default:
		if m&bit != 0 {
			k--
		}
		c = x.label(x.actors[nthBit(m&^bit, k)])
	}
	if checkEnabledSet {
		x.checkKept(i, c, sp)
	}
	return c
}

// nthBit returns the index of m's k-th set bit, counting from 0 at the
// lowest.
func nthBit(m uint64, k int) int {
	for ; k > 0; k-- {
		m &= m - 1
	}
	return bits.TrailingZeros64(m)
}

// checkEnabledSet makes every decision taken from the kept set scan every
// actor as well and compare (enabledMismatch): the kept set's soundness
// check, for tests. SIMRUN_ENABLEDCHECK=1 turns it on in any binary and
// makes a difference fatal.
var (
	checkEnabledSet = os.Getenv("SIMRUN_ENABLEDCHECK") == "1"
	enabledCheck    = soundness{fatal: checkEnabledSet}
)

// soundness is what a soundness check of an incremental structure (its
// answer against the one from scratch) found: the differences, counted
// and the first kept for a test, or fatal; and how many answers it
// compared.
type soundness struct {
	mu      sync.Mutex
	fatal   bool
	n       int
	first   string
	checked int
}

// compared counts an answer the check compared, for its test to know
// that it looked at some.
func (s *soundness) compared() {
	s.mu.Lock()
	s.checked++
	s.mu.Unlock()
}

// differ records a difference; when fatal it stops the program.
func (s *soundness) differ(msg string) {
	s.mu.Lock()
	s.n++
	if s.first == "" {
		s.first = msg
	}
	s.mu.Unlock()
	if s.fatal {
		fmt.Fprintln(os.Stderr, msg)
		os.Exit(3)
	}
}

// scanFresh returns the choices of a full scan (steps, then spurious
// wakeups if sp) without touching the kept set, for the check.
func (x *Execution) scanFresh(spurious bool) (cs []scheduler.Choice, real int) {
	cur := x.cur
	if cur != nil && !cur.done && cur.readyAt <= x.now && x.enabled(cur) {
		cs = append(cs, x.label(cur))
	}
	for _, a := range x.live {
		if a != cur && a.readyAt <= x.now && x.enabled(a) {
			cs = append(cs, x.label(a))
		}
	}
	real = len(cs)
	if spurious {
		for _, a := range x.live {
			if c, ok := x.sleepsOn(a); ok {
				cs = append(cs, scheduler.Choice{Actor: a.id, Op: op.Spurious, Object: c.id})
			}
		}
	}
	return cs, real
}

// checkKept compares the kept set's decision (choice i, c) with a full
// scan's.
func (x *Execution) checkKept(i int, c scheduler.Choice, sp uint64) {
	enabledCheck.compared()
	x.checkNoneSlept()
	want, real := x.scanFresh(x.asleep > 0 && x.spurious < x.spuriousMax)
	got := x.keptChoices(nil)
	n := len(got)
	for m := sp; m != 0; m &= m - 1 {
		a := x.actors[bits.TrailingZeros64(m)]
		got = append(got, scheduler.Choice{Actor: a.id, Op: op.Spurious, Object: a.req.wait.(*Cond).id})
	}
	switch {
	case n != real || len(got) != len(want):
		x.enabledMismatch(fmt.Sprintf("%d choices (%d steps), a full scan %d (%d steps): %v, want %v", len(got), n, len(want), real, got, want))
	case i >= len(want) || c != want[i]:
		x.enabledMismatch(fmt.Sprintf("choice %d is %v, a full scan's %v", i, c, want))
	default:
		for k := range got {
			if got[k] != want[k] {
				x.enabledMismatch(fmt.Sprintf("choices %v, a full scan's %v", got, want))
				return
			}
		}
	}
}

// checkKeptChoices compares the kept set's steps (cs) with a full scan's.
func (x *Execution) checkKeptChoices(cs []scheduler.Choice) {
	enabledCheck.compared()
	x.checkNoneSlept()
	want, _ := x.scanFresh(false)
	ok := len(cs) == len(want)
	for k := 0; ok && k < len(cs); k++ {
		ok = cs[k] == want[k]
	}
	if !ok {
		x.enabledMismatch(fmt.Sprintf("choices %v, a full scan's %v", cs, want))
	}
}

// checkNoneSlept checks that no live actor slept in GoSleep: a decision
// from the kept set does not ask fair whether to defer one.
func (x *Execution) checkNoneSlept() {
	for _, a := range x.live {
		if a.sleptAt != 0 {
			x.enabledMismatch(fmt.Sprintf("%s slept in GoSleep and may be deferred (see fair)", a.name))
			return
		}
	}
}

// enabledMismatch records a difference between the kept enabled set and a
// full scan; under SIMRUN_ENABLEDCHECK=1 it stops the program.
func (x *Execution) enabledMismatch(what string) {
	enabledCheck.differ(fmt.Sprintf("sim: kept enabled set at step %d: %s", x.step, what))
}
