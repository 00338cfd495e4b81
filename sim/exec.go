package sim

import (
	"fmt"
	"iter"
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
// exactly one of its actors runs at a time.
type Execution struct {
	opts      *Options
	strat     scheduler.Strategy
	cost      Cost
	actors    []*actor // by id
	live      []*actor // unfinished, by ascending id
	objs      []objInfo
	mutexList []*Mutex

	cur   *actor // the actor that performed the last step
	nextA *actor // chosen by decide; nil when the execution is over
	step  int
	now   Duration
	end   Duration // the latest time an actor finished (after its last work)

	decision scheduler.Decision
	choices  []scheduler.Choice
	path     scheduler.Path

	waiting     int // actors blocked in Cond.Wait
	spuriousMax int
	spurious    int
	cpuFree     []Duration

	history []Event
	checks  []func(*History) *Finding
	sites   map[string]int

	// capture mode: labelled events with values, for traces.
	capture bool
	events  []traces.Event
	expect  []traces.Event // replay: the events the trace recorded
	ptrIDs  map[any]int

	finding *Finding
	halted  bool

	vals        []stateful    // every Var and Atomic, for StateHash
	race        *raceDetector // nil unless Options.Races
	raceFinding *Finding      // the first race, reported if nothing else is
}

type objInfo struct {
	kind, name string
}

const noObject = -1

// errAbort unwinds an actor's coroutine when its execution ends.
var errAbort = &struct{ s string }{"sim: execution aborted"}

type actor struct {
	x    *Execution
	id   int
	obj  int
	name string
	fn   func()

	next    func() (struct{}, bool)
	stop    func()
	yield   func(struct{}) bool
	done    bool
	started bool

	op      op.Op // the pending visible operation
	opObj   int
	mu      *Mutex // Lock, TryLock, Wake: the mutex wanted
	join    *actor // Join: the actor awaited
	waiting *Cond  // blocked in Cond.Wait until woken
	readyAt Duration
}

func newExecution(opts *Options, strat scheduler.Strategy) *Execution {
	x := &Execution{opts: opts, strat: strat, cost: opts.Cost}
	if !opts.NoSpurious {
		x.spuriousMax = opts.MaxSpurious
	}
	if opts.Races {
		x.race = newRaceDetector()
	}
	if x.cost.CPUs > 0 {
		x.cpuFree = make([]Duration, x.cost.CPUs)
	}
	return x
}

func (x *Execution) newObject(kind, name string) int {
	x.objs = append(x.objs, objInfo{kind, name})
	return len(x.objs) - 1
}

// spawn creates an actor; it starts at its first scheduled step.
func (x *Execution) spawn(name string, fn func()) *actor {
	a := &actor{x: x, id: len(x.actors), name: name, fn: fn, op: op.Start, opObj: noObject}
	a.obj = x.newObject("actor", name)
	a.opObj = a.obj
	a.readyAt = x.now
	a.next, a.stop = iter.Pull(a.body)
	x.actors = append(x.actors, a)
	x.live = append(x.live, a)
	x.raceSpawn(x.cur, a)
	return a
}

// body is the coroutine of an actor.
func (a *actor) body(yield func(struct{}) bool) {
	a.yield = yield
	defer func() {
		if r := recover(); r != nil && r != errAbort {
			a.x.panicked(a, r, debug.Stack())
		}
	}()
	a.x.emit(a, op.Start, a.obj, "")
	a.fn()
}

// run executes the scenario to its end and returns the finding, if any.
func (x *Execution) run(s Scenario) *Finding {
	defer x.stopAll()
	x.spawn("main", func() { s(x) })
	x.nextA = x.decide()
	for x.nextA != nil && !x.halted {
		a := x.nextA
		x.nextA = nil
		a.started = true
		if _, ok := a.next(); !ok {
			x.finish(a)
			if !x.halted {
				x.nextA = x.decide()
			}
		}
	}
	if x.finding == nil && len(x.live) > 0 {
		x.finding = x.explainStuck()
	}
	if x.finding == nil {
		h := x.History()
		for _, c := range x.checks {
			if f := c(h); f != nil {
				x.finding = f
				break
			}
		}
	}
	if x.finding == nil {
		x.finding = x.raceFinding
	}
	for _, a := range x.live {
		x.path.Pending = append(x.path.Pending, x.label(a))
		if a.waiting != nil {
			x.path.Pending = append(x.path.Pending, scheduler.Choice{Actor: a.id, Op: op.Spurious, Object: a.waiting.id})
		}
	}
	return x.finding
}

func (x *Execution) stopAll() {
	x.halted = true
	for _, a := range x.actors {
		if !a.done {
			a.stop()
		}
	}
}

func (x *Execution) finish(a *actor) {
	a.done = true
	x.end = max(x.end, a.readyAt)
	for i, b := range x.live {
		if b == a {
			x.live = append(x.live[:i], x.live[i+1:]...)
			break
		}
	}
	if x.cost.WakeLatency > 0 {
		for _, b := range x.live {
			if b.op == op.Join && b.join == a && b.readyAt <= x.now {
				b.readyAt = max(b.readyAt, x.now+x.cost.WakeLatency)
			}
		}
	}
}

// self returns the running actor; primitives call it first.
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

// visible is the one door through which every visible operation passes: it
// records the pending operation, lets the strategy decide what runs next,
// and returns when this actor is chosen to perform it.
func (x *Execution) visible(a *actor, kind op.Op, obj int) {
	a.op, a.opObj = kind, obj
	x.yieldTo(a, x.decide())
	if x.cost.OpCPU > 0 {
		a.readyAt = x.cpu(x.now, x.cost.OpCPU)
	}
}

// yieldTo hands control to n (or, when n is nil, back to the loop to end
// the execution) and returns when a is chosen again.
func (x *Execution) yieldTo(a, n *actor) {
	if n == a {
		return
	}
	x.nextA = n
	if !a.yield(struct{}{}) || x.halted {
		panic(errAbort)
	}
}

func (x *Execution) opEnabled(a *actor) bool {
	if a.waiting != nil {
		return false
	}
	switch a.op {
	case op.Lock, op.Wake:
		return a.mu.owner == nil
	case op.Join:
		return a.join.done
	}
	return true
}

func (x *Execution) label(a *actor) scheduler.Choice {
	c := scheduler.Choice{Actor: a.id, Op: a.op, Object: a.opObj}
	switch a.op {
	case op.Wait, op.Wake:
		c.Arg = a.mu.id // the mutex released or re-acquired
	case op.Join:
		c.Arg = a.join.id
	}
	return c
}

// decide picks the actor that performs the next step, applying spurious
// wakeups and advancing virtual time on the way. It returns nil when no
// actor can step: the execution is over, stuck, or past its step bound.
func (x *Execution) decide() *actor {
	for {
		if x.step >= x.opts.MaxSteps {
			x.fail(&Finding{Kind: Livelock, Step: x.step,
				Message: fmt.Sprintf("no end after %d steps (the step bound): an actor spins or the protocol never terminates", x.step),
				Detail:  x.describeActors()})
			return nil
		}
		cs := x.choices[:0]
		cur := x.cur
		if cur != nil && !cur.done && cur.readyAt <= x.now && x.opEnabled(cur) {
			cs = append(cs, x.label(cur))
		}
		for _, a := range x.live {
			if a != cur && a.readyAt <= x.now && x.opEnabled(a) {
				cs = append(cs, x.label(a))
			}
		}
		if len(cs) == 0 {
			if x.advanceTime() {
				continue
			}
			return nil
		}
		// Spurious wakeups are on offer only beside a real step: a state in
		// which only spurious wakeups remain is stuck (a waiter that loops
		// would wait again).
		if x.waiting > 0 && x.spurious < x.spuriousMax {
			for _, a := range x.live {
				if a.waiting != nil {
					cs = append(cs, scheduler.Choice{Actor: a.id, Op: op.Spurious, Object: a.waiting.id})
				}
			}
		}
		x.choices = cs
		i := 0
		if len(cs) > 1 {
			i = x.ask(scheduler.Schedule, cs)
			if x.halted {
				return nil
			}
		}
		c := cs[i]
		if x.expect != nil && !x.checkExpected(c) {
			return nil
		}
		x.step++
		x.path.Steps = append(x.path.Steps, c)
		a := x.actors[c.Actor]
		if c.Op == op.Spurious {
			x.spurious++
			cond := a.waiting
			cond.remove(a)
			x.wakeWaiter(a)
			x.emit(a, op.Spurious, cond.id, "")
			continue
		}
		x.cur = a
		return a
	}
}

// ask puts a decision to the strategy and records the answer.
func (x *Execution) ask(kind scheduler.Kind, cs []scheduler.Choice) int {
	d := &x.decision
	d.Kind, d.Step, d.Index, d.Choices, d.Path = kind, x.step, len(x.path.Decisions), cs, &x.path
	d.Current = -1
	if x.cur != nil {
		d.Current = x.cur.id
	}
	i := x.strat.Next(d)
	d.Choices = nil
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
		if a.readyAt > x.now && x.opEnabled(a) && (!found || a.readyAt < t) {
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

func (x *Execution) wakeWaiter(a *actor) {
	a.waiting = nil
	x.waiting--
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
	x.fail(&Finding{Kind: Panic, Step: x.step, Actor: a.name,
		Message: fmt.Sprintf("%s panicked: %v", a.name, r),
		Detail:  fmt.Sprintf("stack of actor %s at the panic:\n%s", a.name, cleanStack(stack))})
}

// cleanStack keeps the frames of a goroutine stack that say where the panic
// happened, without goroutine ids, argument values or pc offsets, which
// differ from run to run; traces stay byte-identical.
func cleanStack(stack []byte) string {
	lines := strings.Split(strings.TrimSpace(string(stack)), "\n")
	var out []string
	skip := true // the frames of debug.Stack, the deferred recover and the panic itself
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
		if strings.HasPrefix(fn, "iter.Pull") || strings.Contains(fn, "sim.(*actor).body") {
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
	a := x.self()
	x.visible(a, op.Yield, noObject)
	x.emit(a, op.Yield, noObject, "")
}

// Sleep waits for d of virtual time without using a CPU (I/O, a timer).
func (x *Execution) Sleep(d Duration) {
	a := x.self()
	x.visible(a, op.Sleep, noObject)
	// After the operation's own CPU time, not overlapping it.
	a.readyAt = max(a.readyAt, x.now) + d
	x.emit(a, op.Sleep, noObject, d.String())
}

// Work uses d of CPU time.
func (x *Execution) Work(d Duration) {
	a := x.self()
	x.visible(a, op.Work, noObject)
	a.readyAt = x.cpu(max(a.readyAt, x.now), d)
	x.emit(a, op.Work, noObject, d.String())
}

// Choose returns a value in [0, n) chosen by the strategy and recorded in
// the trace: a nondeterministic choice inside actor code, such as whether a
// write fails. name identifies the choice point in traces.
func (x *Execution) Choose(name string, n int) int {
	a := x.self()
	if n <= 1 {
		return 0
	}
	site, ok := x.sites[name]
	if !ok {
		if x.sites == nil {
			x.sites = map[string]int{}
		}
		site = x.newObject("choose", name)
		x.sites[name] = site
	}
	cs := x.choices[:0]
	for i := 0; i < n; i++ {
		cs = append(cs, scheduler.Choice{Actor: a.id, Op: op.Choose, Object: site, Arg: i})
	}
	x.choices = cs
	i := x.ask(scheduler.Choose, cs)
	if x.halted {
		panic(errAbort)
	}
	if x.expect != nil && !x.checkExpected(cs[i]) {
		panic(errAbort)
	}
	x.emit(a, op.Choose, site, fmt.Sprint(i))
	return i
}

// Actor is a handle on a spawned actor.
type Actor struct {
	x *Execution
	a *actor
}

// Go spawns an actor that runs fn; it starts when the strategy first
// schedules it. Go is not a scheduling point itself: creating an actor
// touches nothing another actor can see, so a scenario's main spawns all its
// actors at once and they race from the start.
func (x *Execution) Go(name string, fn func()) *Actor {
	a := x.self()
	b := x.spawn(name, fn)
	x.emit(a, op.Go, b.obj, name)
	return &Actor{x: x, a: b}
}

// Name returns the actor's name.
func (h *Actor) Name() string { return h.a.name }

// Join waits until the actor has finished.
func (h *Actor) Join() {
	x := h.x
	a := x.self()
	a.join = h.a
	x.visible(a, op.Join, h.a.obj)
	a.join = nil
	x.raceJoin(a, h.a)
	x.emit(a, op.Join, h.a.obj, "")
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
	x.checks = append(x.checks, c)
}
