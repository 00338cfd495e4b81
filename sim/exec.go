package sim

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/simrun/simrun/op"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/traces"
)

// Scenario builds and runs one execution. It runs as the first actor,
// "main": it creates the shared objects, spawns the other actors with Go,
// may Join them, and registers the checks to run at the end with Check.
type Scenario func(x *Execution)

// Execution is one run of a scenario. Every primitive is bound to it, and
// exactly one of its actors runs at a time. Its state is split by concern:
// the engine schedules, the clock prices, the recorder keeps what checks
// and traces read, objects names what actors share, and raceState finds
// data races. An Execution (and every object bound to it) is valid only
// until its run ends: a runner reuses it for the next execution.
type Execution struct {
	opts *Options
	engine
	clock
	recorder
	objects
	raceState
	stateRec  // state matching (state.go); off unless the strategy matches states
	covRec    // coverage (coverage.go)
	lifetimes // objects whose lifetime Free ended (lifetime.go)
}

// engine is the scheduling state: who exists, who runs, what was decided.
type engine struct {
	strat  scheduler.Strategy
	rnd    *scheduler.Random // strat, when it is a random walk: asked directly (see pick)
	actors []*actor          // by id
	live   []*actor          // unfinished, by ascending id

	cur  *actor // the actor that performed the last step
	next *actor // chosen by decide; nil when the execution is over
	step int

	decision scheduler.Decision
	choices  []scheduler.Choice
	path     scheduler.Path

	asleep      int      // actors blocked until another wakes them (Cond.Wait)
	daemons     int      // live daemon actors (timers): the execution ends without them
	timers      timerSet // the armed ones (Timer.arm)
	timerFired  int      // the path's length at the last firing of any timer (see Timer.ready)
	progress    progressScan
	scan        uint64 // numbers decide's scans of the candidates
	scanning    bool   // decide is scanning: nothing changes (see timerSet.shared)
	idleActor   int    // the actor of the run of idle steps ending the path (see fair)
	idleRun     int    // the run's steps that repeat an earlier step of the run
	idleSeen    [8]idleStep
	idleSeenN   int
	spuriousMax int
	spurious    int
	enabledSet  // the enabled set kept between decisions (enabled.go)

	finding  *Finding
	halted   bool
	scenario Scenario // the body of main

	pool *runner // the actors' coroutines come from, and go back to, it
	gen  uint64  // numbers the execution among the process's: see stale
}

// clock is virtual time and the cost model.
type clock struct {
	cost    Cost
	now     Duration
	end     Duration // the latest time an actor finished (after its last work)
	cpuFree []Duration
}

// objects are the shared objects of the execution, by id. Names are kept
// unformatted (see Name) until a trace or a finding needs them.
type objects struct {
	objs      []objInfo
	mutexList []*Mutex
	vals      []stateful // every Var and Atomic, for StateHash
	sites     map[string]int
}

// raceState is the data-race detector (nil unless Options.Races) and the
// first race it found, reported if nothing else is.
type raceState struct {
	race        *raceDetector
	raceFinding *Finding
}

type objInfo struct {
	kind string
	name Name
}

const noObject = -1

// abort is the type of errAbort.
type abort struct{ s string }

// Error is what a crash says if an abort escapes the actors, which
// recover it: the panic of a visible operation called outside any actor.
func (e *abort) Error() string { return e.s }

// errAbort unwinds an actor's coroutine when its execution ends. Raised
// anywhere but in an actor of that execution, it is a misuse.
var errAbort = &abort{"sim: a visible operation after its execution ended: called from a real goroutine (a go statement in actor code), or with a primitive kept from an ended execution; start actors with Execution.Go and create primitives inside the scenario"}

// req is what an actor is about to do: the label strategies see and, if
// the operation can block, what it waits for.
type req struct {
	kind op.Op
	obj  int
	arg  int     // Wait/Wake: the mutex; Join: the actor; else 0
	wait blocker // nil: enabled whenever the actor's time has come
}

// blocker is the one answer to "what holds this actor up": whether it can
// step, whose progress it needs (for deadlock cycles), and what to say in
// an explanation. A blocking primitive is one blocker; the engine asks
// nothing else.
type blocker interface {
	ready(a *actor) bool
	holder(a *actor) *actor // nil: nobody in particular (a cond waiter)
	describe(a *actor) string
}

type actor struct {
	x      *Execution
	id     int
	obj    int
	name   string
	fn     func()
	co     *coro
	handle *Actor       // fresh per execution (see alloc): a kept handle never aliases a later actor
	skips  []selectSkip // the actor's selects' ready cases not taken (see fairSelect)

	started bool
	exited  bool // the body returned (or was unwound)
	done    bool // finished: the engine has taken it out of live

	inDo    *Object // running the function of this Object.Do: no visible operation
	req     req     // the pending visible operation
	asleep  bool    // blocked until another actor wakes it (req.wait says on what)
	readyAt Duration
	daemon  bool // a timer's actor: not waited for at the end, never a leak
	sleptAt int  // 1 + the path length at its last GoSleep (see fair; counted in sleptN)
}

// newObject registers a shared object and returns its id.
func (x *Execution) newObject(kind string, n Name) int {
	id := len(x.objs)
	if id < cap(x.objs) {
		x.objs = x.objs[:id+1] // the runner's array: every field is set below
	} else {
		x.objs = append(x.objs, objInfo{})
	}
	// Field by field: copying the record whole would take the bulk write
	// barrier (wbMove) whenever the collector is marking, a few per cent
	// of an execution's CPU in profiles of simrun run.
	o := &x.objs[id]
	o.kind, o.name.base, o.name.index = kind, n.base, n.index
	if x.stateRec.on {
		x.stateNewObject(id)
	}
	return id
}

// spawn creates an actor; it starts at its first scheduled step.
func (x *Execution) spawn(name string, fn func()) *actor {
	a := x.pool.newActor(len(x.actors)) // reset but for its coroutine
	// Field by field: newActor has zeroed the rest, and a second whole
	// struct copy showed as a few per cent of a scenario's setup.
	a.x, a.id, a.name, a.fn, a.readyAt = x, len(x.actors), name, fn, x.now
	a.obj = x.newObject("actor", Name{base: name})
	a.req = req{kind: op.Start, obj: a.obj}
	h := alloc[Actor](x.pool)
	h.x, h.gen, h.a = x, x.gen, a
	a.handle = h
	x.actors = append(x.actors, a)
	x.live = append(x.live, a)
	x.enOK = false // a new candidate
	x.raceSpawn(x.cur, a)
	return a
}

// body runs the actor's code on its coroutine, to its end or until the
// execution aborts it. A panic is the execution's finding.
func (a *actor) body() {
	returned := false
	defer func() {
		a.exited = true
		r := recover()
		switch {
		case r == nil && !returned:
			a.goexit(debug.Stack()) // does not return
		case r == errAbort && a.x.halted:
			// this execution ended: unwound
		case r != nil:
			a.x.panicked(a, r, debug.Stack())
		}
	}()
	if !a.daemon { // a daemon's first step is its first operation (see Timer)
		a.x.record(a, op.Start, a.obj, 0, false, nil)
	}
	if a.fn == nil {
		a.x.scenario(a.x)
	} else {
		a.fn()
	}
	returned = true
}

// run executes the scenario to its end and returns the finding, if any.
func (x *Execution) run(s Scenario) *Finding {
	defer x.stopAll()
	x.scenario = s
	x.spawn("main", nil)
	x.next = x.decide()
	x.steps()
	if x.stateRec.cut {
		x.path.Cut = true
		return nil
	}
	if x.finding == nil && len(x.live) > x.daemons {
		x.finding = x.explainStuck()
	}
	if x.finding == nil && len(x.checks) > 0 {
		h := x.History()
		for _, c := range x.checks {
			if f := runCheck(c, h); f != nil {
				x.finding = f
				break
			}
		}
	}
	if x.finding == nil {
		x.finding = x.raceFinding
	}
	for _, a := range x.unfinished() {
		x.path.Pending = append(x.path.Pending, x.label(a))
		if c, ok := x.sleepsOn(a); ok {
			x.path.Pending = append(x.path.Pending, scheduler.Choice{Actor: a.id, Op: op.Spurious, Object: c.id})
		}
	}
	return x.finding
}

// steps runs the actors until the execution ends.
func (x *Execution) steps() {
	defer recoverGoexit()
	for x.next != nil && !x.halted {
		a := x.next
		x.next = nil
		a.started = true
		if b := x.pool.resume(a); b != nil && b.exited {
			x.finish(b)
			if !x.halted {
				x.next = x.decide()
			}
		}
	}
}

// stopAll unwinds the actors still parked in a step and hands their
// coroutines back.
func (x *Execution) stopAll() {
	x.halted = true
	r := x.pool
	r.unwinding = true
	for i, a := range x.actors {
		if a.started && !a.exited {
			// stepOp sees halted and unwinds a with errAbort; the actors
			// after it that are still parked are unwound in turn before
			// control comes back here (runner.afterBody).
			r.unwindAt = i + 1
			r.resume(a)
		}
		r.release(a)
	}
	r.unwinding = false
	if x.pool.oneShot {
		x.pool.close()
	}
}

func (x *Execution) finish(a *actor) {
	a.done = true
	x.enOK = false // its joiners may step, and it no longer can
	if a.daemon {
		x.daemons--
	}
	x.end = max(x.end, a.readyAt)
	for i, b := range x.live {
		if b == a {
			x.live = append(x.live[:i], x.live[i+1:]...)
			break
		}
	}
	x.latency(func(b *actor) bool { return b.req.kind == op.Join && b.req.arg == a.id })
}

// latency applies the cost model's wake latency to the actors that match:
// ones that were blocked (their time had come) on something that has just
// become free. One still busy before its operation (readyAt in the future)
// has not blocked yet and finds it free.
func (x *Execution) latency(blocked func(b *actor) bool) {
	if x.cost.WakeLatency <= 0 {
		return
	}
	for _, b := range x.live {
		if !b.asleep && b.readyAt <= x.now && blocked(b) {
			x.enOK = false // b's time has not come any more
			b.readyAt = max(b.readyAt, x.now+x.cost.WakeLatency)
		}
	}
}

// self returns the running actor.
func (x *Execution) self() *actor {
	if x.halted {
		panic(errAbort)
	}
	a := x.cur
	if a == nil || a.done {
		panic("sim: a visible operation was called outside an actor")
	}
	return a
}

// stepOp is the one door of a visible operation: it parks the running actor
// on o, lets the strategy decide what runs next, and returns the actor when
// it is chosen to perform o, its CPU cost charged. The caller then applies
// the effect and calls done (or record) once.
func (x *Execution) stepOp(o req) *actor {
	a := x.self()
	if a.inDo != nil {
		x.inDo(a, o.kind)
	}
	if !pure(a.req.kind) {
		x.enReask = true // a's last operation may have changed a blocker
	}
	// Field by field, not a.req = o: the caller has just stored o's
	// fields one by one, and a block copy would load them 16 bytes at a
	// time, across two stores, which the processor cannot forward from
	// its store buffer: a stall of a dozen cycles, 3 % of a random run's
	// CPU.
	a.req.kind, a.req.obj, a.req.arg, a.req.wait = o.kind, o.obj, o.arg, o.wait
	// Hand control to the chosen actor (or, when there is none, back to
	// the runner to end the execution) and return when a is chosen again:
	// one coroutine switch. This is runner.transfer written out, not
	// called: after a coroutine switch every frame between the primitive
	// and the switch is a return the processor mispredicts (about 7 ns
	// each, see docs/performance.md), and transfer is too big to inline.
	// The call costs about 8 of the 85 CPU-ns of a switching step
	// (BenchmarkSwitchRatio: switch/roundtrip 1.06-1.10 with this copy,
	// 1.15-1.18 calling transfer). Keep the two the same.
	if n := x.decide(); n != a {
		r := x.pool
		t := &r.main
		if n != nil {
			n.started = true
			t = &n.co.thread
		}
		me, s := &a.co.thread, t.in
		s.occ, me.in, t.in = me, s, nil
		if s.entered {
			s.entered = false
			s.yield(struct{}{})
		} else {
			s.entered = true
			s.next()
		}
		if r.fixing {
			r.moveHome(me)
		}
		if x.halted || a.co.dead {
			panic(errAbort) // this execution is over: unwind a's body
		}
	}
	if len(x.freed) > 0 {
		x.checkLive(a, o)
	}
	if x.cost.OpCPU > 0 {
		a.readyAt = x.cpu(x.now, x.cost.OpCPU)
	}
	return a
}

func (x *Execution) enabled(a *actor) bool {
	return !a.asleep && (a.req.wait == nil || a.req.wait.ready(a))
}

func (x *Execution) label(a *actor) scheduler.Choice {
	return scheduler.Choice{Actor: a.id, Op: a.req.kind, Object: a.req.obj, Arg: a.req.arg}
}

// sleepsOn reports the Cond an actor sleeps on: it may wake spuriously,
// and if nobody can signal it, its wakeup is lost.
func (x *Execution) sleepsOn(a *actor) (*Cond, bool) {
	if !a.asleep {
		return nil, false
	}
	c, ok := a.req.wait.(*Cond)
	return c, ok
}

// decide picks the actor that performs the next step, applying spurious
// wakeups and advancing virtual time on the way. It returns nil when no
// actor can step: the execution is over, stuck, or past its step bound.
func (x *Execution) decide() *actor {
	for {
		if x.daemons+x.timers.dormant > 0 && x.daemons == len(x.live) {
			return nil // only timers are left: the program has ended
		}
		if x.step >= x.opts.MaxSteps {
			x.fail(&Finding{Kind: Livelock, Step: x.step,
				Message: fmt.Sprintf("no end after %d steps (the step bound): an actor spins or the protocol never terminates", x.step),
				Detail:  x.describeActors()})
			return nil
		}
		var c scheduler.Choice
		switch {
		case x.enOK && x.reaskKept() && x.rnd != nil && x.idleRun < fairSpin:
			// The kept enabled set, brought up to date: a random walk
			// needs only the number of choices (see enabled.go).
			c = x.pickKept()
		case x.enOK && x.enMask != 0:
			cs := x.keptChoices(x.choices[:0])
			if checkEnabledSet {
				x.checkKeptChoices(cs)
			}
			i, ok := x.pickFrom(cs, false)
			if !ok {
				return nil
			}
			c = x.choices[i]
		default:
			cs, slept := x.scanChoices()
			if len(cs) == 0 {
				x.enOK = false
				x.choices = cs
				if x.advanceTime() {
					continue
				}
				return nil
			}
			i, ok := x.pickFrom(cs, slept)
			if !ok {
				return nil
			}
			c = x.choices[i]
		}
		if x.replay && !x.expected(c) { // expected is not inlined: test replay here
			return nil
		}
		x.step++
		x.path.Steps = append(x.path.Steps, c)
		a := x.actors[c.Actor]
		if c.Op == op.Spurious {
			x.enOK = false
			x.spurious++
			cond := a.req.wait.(*Cond)
			cond.remove(a)
			x.wake(a)
			x.record(a, op.Spurious, cond.id, 0, false, nil)
			continue
		}
		x.cur = a
		return a
	}
}

// scanChoices asks every live actor whether it can step and returns the
// choices of those that can (cur first, then by id), and whether one of
// them slept in GoSleep (fair must look). It keeps the result (see
// enabled.go).
func (x *Execution) scanChoices() (cs []scheduler.Choice, slept bool) {
	cs = x.choices[:0]
	x.scan++
	x.scanning = true
	cur, now := x.cur, x.now
	var m, w uint64 // see enabledSet
	if cur != nil && !cur.done && cur.readyAt <= now && !cur.asleep {
		bit := uint64(1) << uint(cur.id&63)
		if cur.req.wait != nil {
			w = bit
		}
		if cur.req.wait == nil || cur.req.wait.ready(cur) {
			cs = append(cs, x.label(cur))
			slept = cur.sleptAt != 0
			m = bit
		}
	}
	for _, a := range x.live {
		if a == cur || a.readyAt > now || a.asleep {
			continue
		}
		bit := uint64(1) << uint(a.id&63)
		if a.req.wait != nil {
			w |= bit
			if !a.req.wait.ready(a) {
				continue
			}
		}
		cs = append(cs, x.label(a))
		slept = slept || a.sleptAt != 0
		m |= bit
	}
	x.scanning = false
	x.keepScan(m, w)
	return cs, slept
}

// pickFrom lets the strategy pick one of the steps cs, after fair
// scheduling and with the spurious wakeups on offer appended, and
// returns its index in x.choices; false when the execution halted.
func (x *Execution) pickFrom(cs []scheduler.Choice, slept bool) (int, bool) {
	if slept || x.idleRun >= fairSpin {
		cs = x.fair(cs) // otherwise fair defers nobody
	}
	// Spurious wakeups are on offer only beside a real step: a state in
	// which only spurious wakeups remain is stuck (a waiter that loops
	// would wait again).
	real := len(cs)
	if x.asleep > 0 && x.spurious < x.spuriousMax {
		var sp uint64
		for _, a := range x.live {
			if c, ok := x.sleepsOn(a); ok {
				cs = append(cs, scheduler.Choice{Actor: a.id, Op: op.Spurious, Object: c.id})
				sp |= 1 << uint(a.id&63)
			}
		}
		x.spMask = sp
	}
	x.choices = cs
	i := 0
	if len(cs) > 1 {
		i = x.pick(scheduler.Schedule, cs, real)
		if x.halted {
			return 0, false
		}
	}
	return i, true
}

// choose is the one door of a decision that is not a schedule: a Choose
// value, or which of n waiters a Signal wakes. Choice i is labelled with
// o and arg(i) (i itself when arg is nil). With one choice nothing is
// asked.
func (x *Execution) choose(kind scheduler.Kind, a *actor, o req, n int, arg func(i int) int) int {
	if n <= 1 {
		return 0
	}
	cs := x.choices[:0]
	for i := 0; i < n; i++ {
		v := i
		if arg != nil {
			v = arg(i)
		}
		cs = append(cs, scheduler.Choice{Actor: a.id, Op: o.kind, Object: o.obj, Arg: v})
	}
	x.choices = cs
	i := x.pick(kind, cs, n)
	if x.halted || !x.expected(cs[i]) {
		panic(errAbort)
	}
	return i
}

// pick asks the strategy for one of cs, of which the first real are
// steps and the others spurious wakeups, and records the answer. A random
// walk looks at nothing but the counts: it is asked directly, without an
// interface call or a Decision to fill (a few per cent of a random run's
// CPU), and answers as its Next would.
func (x *Execution) pick(kind scheduler.Kind, cs []scheduler.Choice, real int) int {
	if r := x.rnd; r != nil {
		i := r.Pick(kind, len(cs), real)
		x.path.Decisions = append(x.path.Decisions, i)
		return i
	}
	return x.ask(kind, cs)
}

// ask puts a decision to the strategy and records the answer.
func (x *Execution) ask(kind scheduler.Kind, cs []scheduler.Choice) int {
	d := &x.decision
	d.Kind, d.Step, d.Index, d.Choices, d.Path = kind, x.step, len(x.path.Decisions), cs, &x.path
	d.Current = -1
	if x.cur != nil {
		d.Current = x.cur.id
	}
	d.State = x.stateRec.hash
	i := x.strat.Next(d)
	d.Choices = nil
	if i == scheduler.Cut && d.State != nil {
		x.stateRec.cut, x.halted = true, true
		return 0
	}
	if i < 0 || i >= len(cs) {
		x.fail(&Finding{Kind: Divergence, Step: x.step + 1,
			Message: fmt.Sprintf("step %d: the %s decision #%d has %d choices, but the strategy gave %d%s",
				x.step+1, kind, len(x.path.Decisions), len(cs), i, x.describeChoices(cs))})
		return 0
	}
	x.path.Decisions = append(x.path.Decisions, i)
	return i
}

func (x *Execution) advanceTime() bool {
	found := false
	var t Duration
	for _, a := range x.live {
		if a.readyAt > x.now && x.enabled(a) && (!found || a.readyAt < t) {
			t, found = a.readyAt, true
		}
	}
	if found {
		x.now = t
	}
	return found
}

// cpu schedules d of CPU time starting no earlier than at and returns when
// it ends: on the processor that frees first, or at once when unlimited.
func (x *Execution) cpu(at, d Duration) Duration {
	if len(x.cpuFree) == 0 {
		return at + d
	}
	best := 0
	for i, f := range x.cpuFree {
		if f < x.cpuFree[best] {
			best = i
		}
	}
	start := max(at, x.cpuFree[best])
	x.cpuFree[best] = start + d
	return start + d
}

// sleep blocks a (which is stepping) until wake.
func (x *Execution) sleep(a *actor) {
	x.enOK = false
	a.asleep = true
	x.asleep++
}

// wake ends a's sleep; it becomes ready after the wake latency.
func (x *Execution) wake(a *actor) {
	x.enOK = false
	a.asleep = false
	x.asleep--
	a.readyAt = max(a.readyAt, x.now+x.cost.WakeLatency)
}

// fail records the finding of this execution and stops it.
func (x *Execution) fail(f *Finding) {
	if x.finding == nil {
		x.finding = f
	}
	x.halted = true
}

func (x *Execution) panicked(a *actor, r any, stack []byte) {
	if f := x.misuseFinding(a, r, stack); f != nil {
		x.fail(f)
		return
	}
	x.fail(&Finding{Kind: Panic, Step: x.step, Actor: a.name,
		Message: fmt.Sprintf("%s panicked: %v", a.name, r),
		Detail:  fmt.Sprintf("stack of actor %s at the panic:\n%s", a.name, cleanStack(stack))})
}

// cleanStack keeps the frames of a goroutine stack that say where the panic
// happened, without goroutine ids, argument values or pc offsets, which
// differ from run to run; traces stay byte-identical.
func cleanStack(stack []byte) string { return frames(string(stack), true) }

// frames formats the frames of one goroutine's stack as cleanStack does;
// skipTop drops those down to the panic (debug.Stack's, the deferred
// recover's, the panic's).
func frames(stack string, skipTop bool) string {
	lines := strings.Split(strings.TrimSpace(stack), "\n")
	var out []string
	skip := skipTop
	for i := 1; i+1 < len(lines); i += 2 {
		fn, file := lines[i], strings.TrimSpace(lines[i+1])
		if j := strings.LastIndex(fn, "("); j > 0 {
			fn = fn[:j]
		}
		if j := strings.LastIndex(file, " +0x"); j > 0 {
			file = file[:j]
		}
		if skip {
			if strings.HasPrefix(fn, "panic") || strings.HasPrefix(fn, "runtime.") {
				skip = false
			}
			continue
		}
		if strings.HasPrefix(fn, "runtime.") {
			continue
		}
		if strings.HasPrefix(fn, "iter.Pull") || strings.Contains(fn, "sim.(*actor).body") || strings.Contains(fn, "sim.runCheck") {
			break
		}
		out = append(out, "  "+fn+"\n      "+file)
	}
	return strings.Join(out, "\n")
}

// Failf ends the execution with a finding of the given kind, raised by actor
// code (an assertion or a protocol-level check).
func (x *Execution) Failf(kind Kind, format string, args ...any) {
	a := x.self()
	x.fail(&Finding{Kind: kind, Step: x.step, Actor: a.name, Message: fmt.Sprintf(format, args...)})
	panic(errAbort)
}

// Assert ends the execution with an assertion finding when ok is false.
func (x *Execution) Assert(ok bool, format string, args ...any) {
	if !ok {
		x.Failf(Assertion, format, args...)
	}
}

// Now returns the virtual time.
func (x *Execution) Now() Duration { return x.now }

// Step returns the number of visible steps executed so far.
func (x *Execution) Step() int { return x.step }

// Cost returns the cost model of this execution.
func (x *Execution) Cost() Cost { return x.cost }

// ActorName returns the name of the running actor.
func (x *Execution) ActorName() string { return x.self().name }

// Yield is a visible step with no effect: a point where the strategy may
// run another actor.
func (x *Execution) Yield() {
	a := x.stepOp(req{kind: op.Yield, obj: noObject})
	x.done(a, false, nil)
}

// Sleep waits for d of virtual time without using a CPU (I/O, a timer).
func (x *Execution) Sleep(d Duration) {
	nonNegative("Sleep", d)
	a := x.stepOp(req{kind: op.Sleep, obj: noObject})
	// After the operation's own CPU time, not overlapping it.
	a.readyAt = max(a.readyAt, x.now) + d
	x.done(a, false, d.String)
}

// Work uses d of CPU time.
func (x *Execution) Work(d Duration) {
	nonNegative("Work", d)
	a := x.stepOp(req{kind: op.Work, obj: noObject})
	a.readyAt = x.cpu(max(a.readyAt, x.now), d)
	x.done(a, false, d.String)
}

// Choose returns a value in [0, n) chosen by the strategy and recorded in
// the trace: a nondeterministic choice inside actor code, such as whether a
// write fails. name identifies the choice point in traces.
func (x *Execution) Choose(name string, n int) int {
	a := x.self()
	if n <= 1 {
		if n < 1 {
			panic(fmt.Sprintf("sim: Choose(%q, %d): n must be at least 1", name, n))
		}
		return 0
	}
	if a.inDo != nil {
		x.inDo(a, op.Choose)
	}
	site, ok := x.sites[name]
	if !ok {
		if x.sites == nil {
			x.sites = map[string]int{}
		}
		site = x.newObject("choose", Name{base: name})
		x.sites[name] = site
	}
	i := x.choose(scheduler.Choose, a, req{kind: op.Choose, obj: site}, n, nil)
	if x.stateRec.on {
		x.observe(a, i)
	}
	x.record(a, op.Choose, site, 0, false, func() string { return fmt.Sprint(i) })
	return i
}

// Actor is a handle on a spawned actor.
type Actor struct {
	x   *Execution
	gen uint64
	a   *actor
}

// Go spawns an actor that runs fn; it starts when the strategy first
// schedules it. Go is not a scheduling point itself: creating an actor
// touches nothing another actor can see, so a scenario's main spawns all its
// actors at once and they race from the start.
func (x *Execution) Go(name string, fn func()) *Actor {
	a := x.self()
	b := x.spawn(name, fn)
	x.record(a, op.Go, b.obj, 0, false, func() string { return name })
	return b.handle
}

// Name returns the actor's name.
func (h *Actor) Name() string { return h.a.name }

// An actor is the blocker of the actors that Join it.
func (b *actor) ready(*actor) bool      { return b.done }
func (b *actor) holder(*actor) *actor   { return b }
func (b *actor) describe(*actor) string { return "actor " + b.name + " to finish" }

// Join waits until the actor has finished.
func (h *Actor) Join() {
	x := h.x
	if h.gen != x.gen {
		x.stale("Join of an actor", Name{}, h.gen)
	}
	a := x.stepOp(req{kind: op.Join, obj: h.a.obj, arg: h.a.id, wait: h.a})
	x.raceJoin(a, h.a)
	x.done(a, false, nil)
}

// Record appends a protocol-level event (a binlog append, a commit, a
// response) to the history that checks read. It is not a visible step.
// Values should be plain data or implement fmt.Stringer, so that traces
// print them the same way every time.
func (x *Execution) Record(ev any) {
	a := x.self()
	// The event happens when the actor is done with its pending work.
	at := max(x.now, a.readyAt)
	x.history = append(x.history, Event{Step: x.step, Actor: a.id, Time: at, Value: ev})
	if x.stateRec.on {
		x.stateRecord()
	}
	if n := len(x.path.Steps) - 1; n >= 0 && (len(x.path.Records) == 0 || x.path.Records[len(x.path.Records)-1] != n) {
		x.path.Records = append(x.path.Records, n)
	}
	if x.capture {
		x.events = append(x.events, traces.Event{Step: x.step, Actor: a.id, Op: op.Event, Object: noObject, Value: x.format(ev), Time: int64(at)})
	}
}

// Check registers a check to run over the history when the execution ends
// with every actor finished. The first check that returns a finding decides
// the verdict.
func (x *Execution) Check(c func(h *History) *Finding) {
	x.checks = append(x.checks, check{fn: c})
}

// Aborting reports whether r, a value recovered from a panic in actor code,
// is the runtime unwinding the actor (its execution has ended, or it called
// runtime.Goexit) rather than a panic of the code. Code that recovers
// panics in an actor (translated Go code's recover) must panic again with
// such a value, or the actor would run on in an execution that is over.
func Aborting(r any) bool { return r == errAbort || r == errGoexit }

// ParseStrategies parses comma-separated strategy specs as Check's
// Strategy option and -simrun.strategy take them ("dpor", "dfs:bound=2",
// "random,pct:depth=2"), validated; "explore" is dpor.
func ParseStrategies(s string) ([]scheduler.Spec, error) { return parseSpecs(s) }
