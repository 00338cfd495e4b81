package scheduler

import (
	"slices"
	"strconv"

	"github.com/simrun/simrun/op"
)

// DPOR is dynamic partial-order reduction with sleep sets (Flanagan and
// Godefroid, "Dynamic Partial-Order Reduction for Model Checking Software",
// POPL 2005; sleep sets after Godefroid's thesis, LNCS 1032): it explores at
// least one execution of every Mazurkiewicz trace — every class of
// executions that differ only in the order of independent steps — and
// usually few more. It is driven only by the step labels: two steps are
// dependent as Dependent says.
//
// The search is stateless: after every execution it looks for races in the
// execution's steps (two dependent steps of different actors not ordered by
// happens-before, where happens-before is the transitive closure of program
// order and of dependence in execution order) and, for each race, adds the
// later step's actor to the backtrack set of the state just before the
// earlier step; if that actor is not enabled there (it is blocked, or does
// not exist yet), every enabled actor is added. If that actor is asleep
// there and its step must follow steps of other actors that do not happen
// after the earlier step, running it there would not reverse the race:
// one of the actors that can start the reversal (an initial, as in
// source-set DPOR, Abdulla et al., JACM 2017) is added instead, unless one
// is already explored, due or asleep there. Pending operations of
// actors still unfinished at the end (blocked forever, or cut off by a
// finding) take part as if they ran last. A spurious wakeup of a waiter is
// an alternative of its own (key: actor and "spurious"), so racing with a
// spurious wakeup schedules exactly that.
//
// Choose and Wake decisions are never pruned: every value and every waiter
// is explored, like DFS does.
//
// Sleep sets: once a step has been explored from a state, it sleeps in the
// states reached by independent steps; a sleeping step is not taken again.
// An execution that reaches a state where every enabled step sleeps is
// redundant: DPOR lets the runtime finish it (the runtime cannot stop early)
// but learns nothing from it, and counts it (Redundant).
//
// # Tasks
//
// So that several workers can share the search, and still number its
// executions as one worker would, DPOR splits like DFS (see Splitter): the
// alternatives of the first Split branching decisions (two or more
// choices) are explored in full, each as a task of its own, and each task
// is a DPOR search of its subtree that never backtracks above its root.
// Races with steps of the task's prefix need no backtrack point: every
// alternative there is a task anyway. What the split keeps of the
// reduction is the sleep sets: a task's alternative at a split decision
// starts with the alternatives before it (in choice order, all explored)
// asleep, as they would be had one DPOR explored them first. Whether those
// steps record history decides what wakes them, and only running them
// tells; a task learns it by probes, one execution per earlier alternative
// per split decision of its prefix, which are not counted (Rerun). On the
// group-commit protocols the split costs under 1% more counted executions
// than DPOR as one task, and probes about 1-5% more (docs/verification.md).
// A sleeping step that runs because it is the only one enabled (no
// decision is asked) makes the execution sleep-blocked too, which the
// split made common.
//
// Assumptions, which hold for simrun scenarios with the zero cost model:
// an actor's pending step is determined by the state; virtual time does not
// decide which steps are enabled (Sleep and Work with a nonzero duration,
// or a nonzero Cost, make the reduction unsound); and whether a step
// records history events (Path.Records) does not depend on Choose values
// taken inside it.
type DPOR struct {
	bound     int // max preemptions; < 0 for none
	pruned    int // alternatives left out because of the bound
	frames    []dporFrame
	pos       int
	blocked   int  // frame index at which the execution became sleep-blocked, or -1
	blockStep int  // the step at which it did: races after it are not looked for
	cut       bool // blocked by the bound, not by sleep sets
	started   bool
	done      bool
	redundant int
	taken     bool // Take handed out the root task
	err       string

	// Splitting (see "Tasks" in the type's doc). split is the number of
	// leading branching decisions whose alternatives become tasks; only a
	// fork splits, so a DPOR driven directly explores everything itself.
	split  int
	forked bool
	task   Task   // a fork's task: its prefix is replayed, never backtracked
	out    []Task // tasks split off, for Spawned

	// Probes (see "Tasks"): whether the alternative j of prefix frame k
	// records history, learned by running it once, uncounted.
	recs    map[[2]int]bool
	probing bool // the current execution is a probe of its last frame
	rerun   bool // the execution that ended was a probe
}

// dporKey identifies an alternative of a Schedule decision: an actor's
// pending step, or its spurious wakeup.
type dporKey int

func keyOf(c Choice) dporKey {
	k := dporKey(c.Actor) * 2
	if c.Op == op.Spurious {
		k++
	}
	return k
}

// sleeper is a step asleep at a state, with whether it recorded history
// when it was explored.
type sleeper struct {
	c   Choice
	rec bool
}

type dporFrame struct {
	kind    Kind
	step    int // steps executed before the decision
	n       int
	chosen  int
	choices []Choice  // Schedule: the enabled alternatives
	pre     int       // preemptions before the decision (as DFS counts them)
	curOK   bool      // Schedule: choices[0] is the actor of the previous step
	over    []dporKey // Schedule: backtrack keys left out because of the bound

	sleep     []sleeper // Schedule: asleep on arrival
	backtrack []dporKey
	done      []sleeper // explored, with their labels and records

	depth int  // branching decisions (two or more choices) before this one
	fixed bool // part of the task's prefix, or split: never backtracked
}

// NewDPOR returns a DPOR search.
func NewDPOR() *DPOR { return NewBoundedDPOR(-1) }

// NewBoundedDPOR returns a DPOR search that explores only executions with
// at most bound preemptions, counted as DFS counts them (a switch away from
// an enabled actor, or a spurious wakeup); bound < 0 is NewDPOR.
//
// Preemption bounding makes the search finite for programs that spin, and
// much smaller, but it is not a partial-order reduction of bounded DFS:
// reordering independent steps changes the number of preemptions, so the
// one execution DPOR keeps of a Mazurkiewicz trace may exceed the bound
// while another member of the trace would not. Like bounded POR (Coons,
// Musuvathi and McKinley, "Bounded Partial-Order Reduction", OOPSLA 2013),
// when a race asks for an actor at a state where running it would exceed
// the bound, the actor is also added at the start of the current actor's
// run (the last context switch), where running it instead may be free.
// That recovers most of what the bound hides, not provably all: a bounded
// DPOR search can miss an execution that DFS with the same bound runs. Use
// it to find bugs and to check larger configurations; only an unbounded
// DPOR or DFS search verifies.
func NewBoundedDPOR(bound int) *DPOR {
	return &DPOR{blocked: -1, bound: bound, split: DefaultDPORSplit}
}

// Bound returns the preemption bound (< 0: none).
func (s *DPOR) Bound() int { return s.bound }

// cost returns the preemptions that taking the alternative k at frame f
// costs: 1 for a spurious wakeup, 1 for another actor while the actor of
// the previous step is still enabled, else 0.
func (f *dporFrame) cost(k dporKey) int {
	if f.kind != Schedule {
		return 0
	}
	for i, c := range f.choices {
		if keyOf(c) == k {
			return preemptionCost(c.Op == op.Spurious, f.curOK, i)
		}
	}
	return 0
}

// chosenCost is the cost of the alternative chosen at f.
func (f *dporFrame) chosenCost() int {
	if f.kind != Schedule || f.chosen < 0 {
		return 0
	}
	return f.cost(keyOf(f.choices[f.chosen]))
}

// fits reports whether taking k at f stays within the bound.
func (s *DPOR) fits(f *dporFrame, k dporKey) bool {
	return s.bound < 0 || f.pre+f.cost(k) <= s.bound
}

// Stats implements Reporter: Pruned counts the alternatives left out
// because of the preemption bound (0 when unbounded; the search was
// exhaustive for every bound when it is zero), Redundant the executions
// that ended in a state where every enabled step was asleep, and Err the
// nondeterminism detected while replaying prefixes.
func (s *DPOR) Stats() SearchStats {
	return SearchStats{Pruned: s.pruned, Redundant: s.redundant, Err: s.err}
}

// Begin implements Strategy.
func (s *DPOR) Begin(run int) bool {
	if s.done {
		return false
	}
	s.started = true
	s.pos = 0
	s.blocked = -1
	s.cut = false
	return true
}

// Next implements Strategy.
func (s *DPOR) Next(d *Decision) int {
	n := len(d.Choices)
	if s.pos < len(s.frames) {
		f := &s.frames[s.pos]
		s.pos++
		if f.n != n || f.kind != d.Kind {
			if s.err == "" {
				s.err = "dpor: replaying a decision prefix gave a different decision (the scenario is not deterministic) at decision " + strconv.Itoa(d.Index)
			}
			return min(f.chosen, n-1)
		}
		return f.chosen
	}
	s.pos++
	if s.blocked >= 0 {
		return 0 // past a sleep-blocked state: nothing to learn
	}
	var sleep []sleeper
	if d.Path != nil {
		var i int
		if sleep, i = s.sleepWalk(d.Path, d.Step); i >= 0 {
			s.block(i)
			return 0
		}
	}
	f := dporFrame{kind: d.Kind, step: d.Step, n: n}
	k := len(s.frames)
	if k > 0 {
		p := &s.frames[k-1]
		f.pre = p.pre + p.chosenCost()
		f.depth = p.depth
		if p.n > 1 {
			f.depth++
		}
	}
	prefixed := k < len(s.task.Prefix)
	if prefixed {
		f.fixed, f.chosen = true, s.task.Prefix[k]
		if f.chosen >= n {
			if s.err == "" {
				s.err = "dpor: a task's decision prefix does not fit the scenario (the scenario is not deterministic) at decision " + strconv.Itoa(d.Index)
			}
			f.chosen = n - 1
		}
	}
	splits := !prefixed && s.forked && f.depth < s.split && n > 1
	if d.Kind == Schedule {
		f.choices = append([]Choice(nil), d.Choices...)
		f.curOK = currentFirst(d)
		f.sleep = sleep
		if prefixed {
			// The alternatives before the task's own were handed out as
			// tasks of their own: explored, so they sleep below it, with
			// whether they record history, which a probe learns.
			for j, c := range f.choices[:f.chosen] {
				if !s.splitAlt(&f, c) {
					continue
				}
				rec, ok := s.recs[[2]int{k, j}]
				if !ok {
					return s.probe(f, j)
				}
				f.done = append(f.done, sleeper{c, rec})
			}
		} else {
			f.chosen = -1
			over := false
			for i, c := range f.choices {
				if asleep(f.sleep, c) {
					continue
				}
				if !s.fits(&f, keyOf(c)) {
					over = true
					if splits {
						s.pruned++ // a split frame's alternative left out
					}
					continue
				}
				f.chosen = i
				break
			}
			if f.chosen < 0 && over {
				if !splits {
					s.pruned++ // every awake alternative exceeds the bound: cut off
				}
				s.cut = true
			}
			if f.chosen < 0 {
				s.block(f.step)
				s.frames = append(s.frames, f)
				return 0
			}
		}
		f.backtrack = append(f.backtrack, keyOf(f.choices[f.chosen]))
	}
	if splits {
		s.give(&f)
	}
	s.frames = append(s.frames, f)
	return f.chosen
}

// probe turns the current execution into a probe of the alternative j of
// the prefix frame f: it takes j there, and then choice 0 until the end,
// which tells whether j's step records history. End forgets f, and the
// next execution builds it again.
func (s *DPOR) probe(f dporFrame, j int) int {
	f.chosen = j
	s.frames = append(s.frames, f)
	s.probing, s.blocked = true, len(s.frames)
	return j
}

// splitAlt reports whether a split frame f explores the alternative c: it
// is awake and within the bound.
func (s *DPOR) splitAlt(f *dporFrame, c Choice) bool {
	return !asleep(f.sleep, c) && s.fits(f, keyOf(c))
}

// give hands out the alternatives of the split frame f after the one it
// takes (awake and within the bound, for a Schedule decision; every one
// otherwise) as tasks, and fixes f: no race backtracks to it. It runs on
// the first execution that reaches f, before f is appended.
func (s *DPOR) give(f *dporFrame) {
	f.fixed = true
	k := len(s.frames)
	for i := f.chosen + 1; i < f.n; i++ {
		if f.kind == Schedule && !s.splitAlt(f, f.choices[i]) {
			if !asleep(f.sleep, f.choices[i]) {
				s.pruned++
			}
			continue
		}
		prefix := make([]int, k+1)
		for j := range k {
			prefix[j] = s.frames[j].chosen
		}
		prefix[k] = i
		s.out = append(s.out, Task{Prefix: prefix})
	}
}

// block records that the execution became sleep-blocked at step i: every
// decision after it is left to the runtime (choice 0) and forgotten.
func (s *DPOR) block(i int) {
	s.blocked, s.blockStep = len(s.frames), i
}

func asleep(sl []sleeper, c Choice) bool {
	k := keyOf(c)
	for _, t := range sl {
		if keyOf(t.c) == k {
			return true
		}
	}
	return false
}

// sleepWalk computes the sleep set at step to of p: that of the previous
// Schedule decision, plus the steps explored there before the current one,
// less those dependent with any step executed since. It also returns the
// first of those steps that ran a sleeping step, or -1 (the sleep set is
// then meaningless). Only a forced step (the one enabled step, for which
// no decision is asked) can, since decisions choose awake steps: it makes
// the execution sleep-blocked. The split made that common: a task's
// alternative at a split decision puts the ones before it to sleep, and a
// sleeping actor may be the only one left.
func (s *DPOR) sleepWalk(p *Path, to int) ([]sleeper, int) {
	var prev *dporFrame
	for k := len(s.frames) - 1; k >= 0; k-- {
		if s.frames[k].kind == Schedule {
			prev = &s.frames[k]
			break
		}
	}
	if prev == nil || prev.chosen < 0 {
		return nil, -1
	}
	cands := make([]sleeper, 0, len(prev.sleep)+len(prev.done))
	cands = append(cands, prev.sleep...)
	cur := keyOf(prev.choices[prev.chosen])
	for _, t := range prev.done {
		if keyOf(t.c) != cur {
			cands = append(cands, t)
		}
	}
	if len(cands) == 0 {
		return nil, -1
	}
	steps, recs := p.Steps, p.Records
	for i := prev.step; i < to && i < len(steps) && len(cands) > 0; i++ {
		k, rec := keyOf(steps[i]), recorded(recs, i)
		out := cands[:0]
		for _, t := range cands {
			if keyOf(t.c) == k {
				return nil, i
			}
			if !Dependent(t.c, steps[i], t.rec, rec) {
				out = append(out, t)
			}
		}
		cands = out
	}
	if len(cands) == 0 {
		return nil, -1
	}
	return cands, -1
}

// recorded reports whether step i is in the ascending list recs.
func recorded(recs []int, i int) bool {
	_, ok := slices.BinarySearch(recs, i)
	return ok
}

// Dependent reports whether two steps may not commute, given whether each
// recorded history events. It refines Conflicts: steps of one actor are
// dependent (program order); steps that both record history events are
// dependent (the history is one shared log that checks read in order).
//
// The record rule is kept on purpose, although it is what makes the
// unbounded search large (at 2 threads the group-commit variants already
// have 1,500 to 98,000 distinct histories, at 3 threads lockfree has more
// than 300,000, and DPOR runs within 25% of that many executions): a check
// is an arbitrary function of the order of the history, and the
// group-commit checks compare events on different objects. CommitOrder
// fails "commit_ordered before its binlog group was fsynced" when a
// CommitOrdered event (recorded in a step on an engine) precedes the
// BinlogSync event of its group (recorded in a step on the binlog); when a
// buggy protocol leaves the two steps unordered by happens-before, they
// touch different objects, and if recording made no dependence DPOR would
// run only one of the two orders, perhaps the harmless one. The same holds
// for Returned against the engine and binlog events, and for Linearizable,
// which reads the real-time order of Begin and Returned. Making records
// independent would need each check to declare which event orders it
// reads.
//
// Two spurious wakeups are dependent (they share the per-execution budget);
// Wait and the re-acquire after a wakeup also touch their mutex (Arg); a
// Join depends on every step of the actor it joins; otherwise steps are
// dependent when they touch the same object and not both only read it.
func Dependent(a, b Choice, recA, recB bool) bool {
	if a.Actor == b.Actor || (recA && recB) {
		return true
	}
	if a.Op == op.Spurious && b.Op == op.Spurious {
		return true
	}
	if (a.Op == op.Join && a.Arg == b.Actor) || (b.Op == op.Join && b.Arg == a.Actor) {
		return true
	}
	if Conflicts(a, b) {
		return true
	}
	am, bm := mutexOf(a), mutexOf(b)
	switch {
	case am >= 0 && bm >= 0:
		return am == bm
	case am >= 0:
		return am == b.Object && !b.Op.Local()
	case bm >= 0:
		return bm == a.Object && !a.Op.Local()
	}
	return false
}

func mutexOf(c Choice) int {
	if c.Op == op.Wait || c.Op == op.Wake {
		return c.Arg
	}
	return -1
}

// End implements Strategy: it looks for races in the execution and moves to
// the next unexplored alternative.
func (s *DPOR) End(p *Path) {
	s.rerun = s.probing
	if s.probing {
		s.probing = false
		k := len(s.frames) - 1
		f := &s.frames[k]
		if s.recs == nil {
			s.recs = map[[2]int]bool{}
		}
		// A step cut short by a finding is taken to record: that only
		// wakes it sooner where it sleeps.
		s.recs[[2]int{k, f.chosen}] = f.step >= len(p.Steps) || recorded(p.Records, f.step)
		s.frames = s.frames[:k]
		return
	}
	if len(s.frames) > s.pos {
		if s.err == "" {
			s.err = "dpor: an execution ended before its replayed prefix (the scenario is not deterministic)"
		}
		s.frames = s.frames[:s.pos]
	}
	if s.blocked < 0 {
		if _, i := s.sleepWalk(p, len(p.Steps)); i >= 0 {
			s.block(i) // a sleeping step ran after the last decision
		}
	}
	limit := len(p.Steps)
	if s.blocked >= 0 {
		if !s.cut {
			s.redundant++
		}
		limit = min(limit, s.blockStep)
		s.frames = s.frames[:s.blocked]
	}
	// Remember what each explored step was, for sleep sets.
	for k := range s.frames {
		f := &s.frames[k]
		if f.kind != Schedule || f.step >= len(p.Steps) {
			continue
		}
		c := p.Steps[f.step]
		if !asleep(f.done, c) {
			f.done = append(f.done, sleeper{c, recorded(p.Records, f.step)})
		}
	}
	s.races(p, limit)
	s.done = !s.backtrack()
}

// races adds backtrack points for every race in the first limit steps of p
// (and with p's pending steps when the whole execution counts).
func (s *DPOR) races(p *Path, limit int) {
	steps := p.Steps[:limit]
	atFrame := make(map[int]int, len(s.frames)) // step -> Schedule frame
	for k, f := range s.frames {
		if f.kind == Schedule {
			atFrame[f.step] = k
		}
	}
	na := 0
	for _, c := range steps {
		na = max(na, c.Actor+1)
	}
	for _, c := range p.Pending {
		na = max(na, c.Actor+1)
	}
	hb := newHB(na, len(steps))
	// Races are collected first and handled once every clock is known:
	// a race whose later step is asleep needs the clocks of the steps
	// after it (see initials).
	type raceAt struct {
		i, j int // the earlier event, the later one (past steps: pending)
		next Choice
	}
	var rs []raceAt
	j := 0
	race := func(i int, next Choice) {
		// Step j can race with event i through several objects (and a
		// modeAll step with an object's latest write, which is also in
		// its list of modeAll events): keep the pair once.
		for n := len(rs) - 1; n >= 0 && rs[n].j == j; n-- {
			if rs[n].i == i {
				return
			}
		}
		rs = append(rs, raceAt{i, j, next})
	}
	for ; j < len(steps); j++ {
		hb.step(j, steps[j], recorded(p.Records, j), race)
	}
	if limit == len(p.Steps) {
		for _, c := range p.Pending {
			hb.pending(c, race)
			j++
		}
	}
	at := func(e int) Choice {
		if e < len(steps) {
			return steps[e]
		}
		return p.Pending[e-len(steps)]
	}
	for _, r := range rs {
		k, ok := atFrame[r.i]
		if !ok {
			continue // a forced step: nothing else was enabled
		}
		f := &s.frames[k]
		if f.fixed {
			// Every alternative of a fixed frame is a task of its own,
			// or was one of the task this fork explores.
			continue
		}
		want := keyOf(r.next)
		if asleep(f.sleep, r.next) {
			// Adding want would do nothing. That is right when want's
			// step can run first at f (its trace was explored where
			// want was put to sleep), but not when it must follow steps
			// of other actors that do not happen after step i: then
			// the reversal starts with one of those (an initial), which
			// running want at f would have found as a race. Without
			// this, a scenario of three actors loses a terminal state
			// (TestDPORSleepingRace).
			inits := hb.initials(r.i, r.j, at)
			if !slices.ContainsFunc(inits, func(c Choice) bool { return keyOf(c) == want }) {
				s.addInitial(k, inits)
				continue
			}
		}
		s.addRace(k, want)
	}
}

// addRace adds want, the actor of the later step of a race whose earlier
// step was taken at frame k, to k's backtrack set, or every enabled actor
// if want is not enabled there.
func (s *DPOR) addRace(k int, want dporKey) {
	f := &s.frames[k]
	for _, c := range f.choices {
		if keyOf(c) == want {
			f.addBacktrack(want)
			if !s.fits(f, want) {
				s.switchPoint(k, want)
			}
			return
		}
	}
	for _, c := range f.choices {
		f.addBacktrack(keyOf(c))
	}
}

// addInitial makes frame k explore one of the initials of a race (see
// hbState.initials), unless one is already explored, due, or asleep there
// (its traces were explored where it was put to sleep); as a source set
// does (Abdulla et al.).
func (s *DPOR) addInitial(k int, inits []Choice) {
	f := &s.frames[k]
	for _, c := range inits {
		if asleep(f.sleep, c) || slices.Contains(f.backtrack, keyOf(c)) {
			return
		}
	}
	for _, c := range inits {
		if slices.ContainsFunc(f.choices, func(d Choice) bool { return keyOf(d) == keyOf(c) }) {
			s.addRace(k, keyOf(c))
			return
		}
	}
	s.addRace(k, -1) // no initial is enabled at k: every enabled actor
}

// switchPoint adds k at the Schedule frame where the actor chosen at frame
// k began its current run (the last context switch to it at or before k),
// if k is enabled there: running k there instead may cost no preemption
// (bounded DPOR; see NewBoundedDPOR).
func (s *DPOR) switchPoint(k int, want dporKey) {
	a := s.frames[k].choices[s.frames[k].chosen].Actor
	j := k
	for i := k - 1; i >= 0; i-- {
		f := &s.frames[i]
		if f.kind != Schedule {
			continue
		}
		if f.choices[f.chosen].Actor != a {
			break
		}
		j = i
	}
	f := &s.frames[j]
	if j == k || f.fixed {
		return
	}
	for _, c := range f.choices {
		if keyOf(c) == want {
			f.addBacktrack(want)
			return
		}
	}
}

func (f *dporFrame) addBacktrack(k dporKey) {
	for _, b := range f.backtrack {
		if b == k {
			return
		}
	}
	f.backtrack = append(f.backtrack, k)
}

// backtrack moves to the deepest frame with an unexplored alternative.
func (s *DPOR) backtrack() bool {
	for k := len(s.frames) - 1; k >= 0; k-- {
		f := &s.frames[k]
		if f.fixed {
			break // the task's root: what lies above belongs to other tasks
		}
		if f.kind != Schedule {
			if f.chosen+1 < f.n {
				f.chosen++
				s.frames = s.frames[:k+1]
				return true
			}
			continue
		}
		for _, b := range f.backtrack {
			if s.explored(f, b) {
				continue
			}
			if !s.fits(f, b) {
				if !slices.Contains(f.over, b) {
					f.over = append(f.over, b)
					s.pruned++
				}
				continue
			}
			for i, c := range f.choices {
				if keyOf(c) == b {
					f.chosen = i
					s.frames = s.frames[:k+1]
					return true
				}
			}
		}
	}
	s.frames = s.frames[:0]
	return false
}

func (s *DPOR) explored(f *dporFrame, k dporKey) bool {
	for _, t := range f.done {
		if keyOf(t.c) == k {
			return true
		}
	}
	for _, t := range f.sleep {
		if keyOf(t.c) == k {
			return true
		}
	}
	return false
}

// Rerun implements Rerunner: the execution that ended was a probe, run
// only to learn whether a step records history (see DPOR, "Tasks").
func (s *DPOR) Rerun() bool { return s.rerun }

// Info implements Strategy.
func (s *DPOR) Info() Info { return Info{Name: NameDPOR, Bound: boundSpec(s.bound)} }

// DefaultDPORSplit is the number of leading branching decisions whose
// alternatives a DPOR search hands out as tasks of their own (see DPOR,
// "Tasks").
const DefaultDPORSplit = 4

// WithSplit sets the number of leading branching decisions whose
// alternatives become tasks (0: the whole search is one task, as DPOR was
// before it split) and returns s.
func (s *DPOR) WithSplit(n int) *DPOR {
	s.split = max(n, 0)
	return s
}

// Take implements Splitter: the root task, whose fork hands out the rest.
func (s *DPOR) Take() (Task, bool) {
	if s.taken {
		return Task{}, false
	}
	s.taken = true
	return Task{}, true
}

// Fork implements Splitter: a DPOR of the same configuration that explores
// only t, splitting off the alternatives of the split decisions below t's
// prefix (collected by Spawned).
func (s *DPOR) Fork(t Task) Strategy {
	return &DPOR{blocked: -1, bound: s.bound, split: s.split, forked: true, task: t}
}

// Spawned implements Splitter.
func (s *DPOR) Spawned() []Task {
	out := s.out
	s.out = nil
	return out
}
