package sim

import (
	"fmt"
	"strings"

	"github.com/simrun/simrun/op"
)

// goWaitState names what a goroutine blocked on one of Go's primitives
// waits in, as a Go goroutine dump does ("chan send", "select",
// "sync.Mutex.Lock"); ok is false for the pthread-flavoured primitives and
// Join, which keep simrun's own words.
func goWaitState(a *actor) (string, bool) {
	switch w := a.req.wait.(type) {
	case *chanWaiter:
		switch {
		case w.sel != nil:
			return "select", true
		case w.send:
			return "chan send", true
		}
		return "chan receive", true
	case nilWait:
		switch {
		case w.c == nil:
			return "select (no cases)", true
		case w.send:
			return "chan send (nil chan)", true
		}
		return "chan receive (nil chan)", true
	case *GoMutex:
		return "sync.Mutex.Lock", true
	case rwWait:
		if a.req.kind == op.RLock {
			return "sync.RWMutex.RLock", true
		}
		return "sync.RWMutex.Lock", true
	case *WaitGroup:
		return "sync.WaitGroup.Wait", true
	case *Once:
		return "sync.Once.Do", true
	case *condTicket:
		return "sync.Cond.Wait", true
	case semWait:
		return "semacquire", true
	}
	return "", false
}

// explainGo classifies a stuck execution in which some actor is blocked on
// one of Go's primitives, in Go's words: if main is among the blocked, it
// is Go's global deadlock ("all goroutines are asleep"); if main has
// returned, the blocked goroutines leak, as goleak reports at the end of a
// test. It returns nil when no actor waits on a Go primitive, leaving the
// pthread-flavoured classification to explainStuck.
func (x *Execution) explainGo() *Finding {
	var blocked []*actor
	goish := false
	for _, a := range x.live {
		if a.daemon {
			continue
		}
		blocked = append(blocked, a)
		if _, ok := goWaitState(a); ok {
			goish = true
		}
	}
	if !goish {
		return nil
	}
	var lines []string
	for _, a := range blocked {
		st, ok := goWaitState(a)
		if !ok {
			st = a.req.kind.String()
		}
		lines = append(lines, fmt.Sprintf("  goroutine %s [%s]: waits for %s", a.name, st, x.blockedOn(a)))
	}
	detail := strings.Join(lines, "\n")
	first := blocked[0]
	st, _ := goWaitState(first)
	if !x.actors[0].done {
		m := x.actors[0]
		if mst, ok := goWaitState(m); ok {
			first, st = m, mst
		}
		msg := fmt.Sprintf("fatal error: all goroutines are asleep - deadlock! %s [%s] waits for %s", first.name, st, x.blockedOn(first))
		if c := x.goCycle(blocked); c != "" {
			msg = "fatal error: all goroutines are asleep - deadlock! cycle: " + c
		}
		return &Finding{Kind: Deadlock, Step: x.step, Actor: first.name, Message: msg, Detail: detail}
	}
	return &Finding{Kind: Leak, Step: x.step, Actor: first.name,
		Message: fmt.Sprintf("goroutine leak: %d goroutine(s) blocked forever after main returned; %s [%s] waits for %s",
			len(blocked), first.name, st, x.blockedOn(first)),
		Detail: detail}
}

// goCycle returns the first cycle of goroutines each waiting for the next
// (a lock held, a Once running), as "t1 waits for B, locked by t2 ...;
// t2 waits for A, locked by t1 ...", or "" if there is none.
func (x *Execution) goCycle(blocked []*actor) string {
	next := func(a *actor) *actor {
		if a.req.wait == nil {
			return nil
		}
		return a.req.wait.holder(a)
	}
	for _, a := range blocked {
		chain := []*actor{a}
		for b := next(a); b != nil && !b.done && len(chain) <= len(blocked); b = next(b) {
			if b == a {
				parts := make([]string, len(chain))
				for i, c := range chain {
					parts[i] = c.name + " waits for " + x.blockedOn(c)
				}
				return strings.Join(parts, "; ")
			}
			chain = append(chain, b)
		}
	}
	return ""
}
