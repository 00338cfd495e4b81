package scheduler

import (
	"strconv"
	"sync"

	"github.com/simrun/simrun/op"
)

// DFS is exhaustive depth-first search over decisions with iterative
// preemption bounding (Musuvathi and Qadeer, "Iterative Context Bounding for
// Systematic Testing of Multithreaded Programs", PLDI 2007 — CHESS): it runs
// every execution with no preemption, then every execution with exactly one,
// then two, and so on up to Bound. Every execution is counted exactly once.
//
// # Preemptions
//
// A preemption is the choice, at a Schedule decision, of anything other than
// the actor that ran the previous step while that actor is still enabled
// (Choices[0] is then that actor, so any index > 0 is a preemption). A
// switch away from a blocked or finished actor is free. A spurious wakeup
// also costs one preemption, wherever it is taken: it is the scheduler
// perturbing the program just as a preemption is, and counting it keeps
// bound 0 to the single spurious-free schedule family (the runtime also caps
// spurious wakeups per execution with Options.MaxSpurious). Choose and Wake
// decisions are free branches: every value and every waiter is explored.
//
// An execution's level is the largest preemption count, taken at each
// decision where it did not take the default choice 0, of the path up to
// and including that choice (a forced spurious wakeup, taken where it is the
// only choice, costs a preemption but raises no level).
//
// # Order and tasks
//
// Executions run by level, and within one level in lexicographic order of
// their decision lists. Level L is a depth-first walk of every execution of
// level at most L that counts only those of level L: the executions of
// lower levels are run again, uncounted (Rerun), only to reach the branches
// that lead to level L. That costs the lower levels once more per level,
// which are much smaller than the last, and keeps the memory of the search
// to the current path, where remembering every branch left for a later
// level grew with the number of executions (hundreds of megabytes at 50,000
// executions of 4 threads).
//
// The walk is a set of tasks — subtrees given by a decision prefix, at one
// level — so that it can also be split over several workers (see
// Splitter): the alternatives at the first Split decisions of a task become
// tasks of their own, and so does the walk of the next level, once a branch
// that leads to it is seen. The order of executions, and so every run
// number, is the same however tasks are distributed.
//
// # Determinism
//
// DFS is stateless: it re-creates a state by replaying a decision prefix.
// If a replayed decision has a different number of choices than it had, the
// scenario is not deterministic; Stats reports it and the search goes on as
// well as it can.
type DFS struct {
	bound int // max preemptions; < 0 for none
	split int // decisions whose alternatives become tasks of their own

	// The task being explored and the current path.
	task   Task
	frames []dfsFrame
	pos    int  // decisions made in the current execution
	more   bool // the current task has another execution
	active bool // a task is being explored
	rerun  bool // the execution that ended is below the task's level

	queue  *TaskQueue // nil in a forked (single-task) DFS
	out    []Task     // forked: tasks split off, in order
	levels *dfsLevels // shared by a DFS and its forks
	pruned int        // alternatives beyond the bound, not explored
	err    string
}

// dfsLevels remembers the levels whose walk has been handed out, so that
// each is walked once whichever fork sees the first branch that leads to
// it.
type dfsLevels struct {
	mu   sync.Mutex
	seen map[int]bool
}

type dfsFrame struct {
	n      int  // number of choices
	limit  int  // alternatives of this task: indices below limit
	chosen int  // index chosen
	pre    int  // preemptions before this decision
	lv     int  // the level of the path up to and including this choice
	real   int  // Schedule: non-spurious choices; others: n
	sched  bool // a Schedule decision
	curOK  bool // Schedule: Choices[0] is the actor of the previous step
	split  bool // alternatives become tasks
	fixed  bool // part of the task's prefix
}

// cost returns the preemptions that choosing i costs.
func (f *dfsFrame) cost(i int) int {
	if !f.sched {
		return 0
	}
	return preemptionCost(i >= f.real, f.curOK, i)
}

// choose sets the choice of f, after a path of level prev.
func (f *dfsFrame) choose(i, prev int) {
	f.chosen, f.lv = i, prev
	if i > 0 {
		f.lv = max(prev, f.pre+f.cost(i))
	}
}

// framePool keeps the paths of finished forks: a search runs many small
// tasks, and growing a fresh path for each was a good part of its
// allocation.
var framePool sync.Pool

// DefaultSplit is the number of leading decisions whose alternatives become
// separate tasks (for parallel search).
const DefaultSplit = 8

// NewDFS returns a DFS that explores every execution with at most bound
// preemptions (bound < 0: no bound).
func NewDFS(bound int) *DFS {
	s := &DFS{bound: bound, split: DefaultSplit, queue: &TaskQueue{},
		levels: &dfsLevels{seen: map[int]bool{0: true}}}
	s.queue.Push(Task{Level: 0})
	return s
}

// Bound returns the preemption bound (< 0: none).
func (s *DFS) Bound() int { return s.bound }

// Begin implements Strategy. It returns false once every execution within
// the bound has run.
func (s *DFS) Begin(run int) bool {
	s.pos = 0
	if s.active && s.more {
		return true
	}
	s.active = false
	if s.queue == nil {
		if s.frames != nil {
			// A fork is done with its task: its path can serve another.
			f := s.frames[:0]
			s.frames = nil
			framePool.Put(&f)
		}
		return false
	}
	if s.queue.Len() == 0 {
		return false
	}
	s.start(s.queue.Pop())
	return true
}

func (s *DFS) start(t Task) {
	s.task, s.active, s.more = t, true, false
	s.frames = s.frames[:0]
}

// Next implements Strategy.
func (s *DFS) Next(d *Decision) int {
	n := len(d.Choices)
	if s.pos < len(s.frames) {
		f := &s.frames[s.pos]
		s.pos++
		if f.n != n || f.sched != (d.Kind == Schedule) {
			s.fail(d)
			return min(f.chosen, n-1)
		}
		return f.chosen
	}
	f := dfsFrame{n: n, limit: n, real: n, sched: d.Kind == Schedule}
	if f.sched {
		f.real = splitSpurious(d.Choices)
		f.curOK = currentFirst(d)
	}
	prev := 0
	if k := len(s.frames); k > 0 {
		p := &s.frames[k-1]
		f.pre, prev = p.pre+p.cost(p.chosen), p.lv
	}
	if s.pos < len(s.task.Prefix) {
		i := s.task.Prefix[s.pos]
		if i >= n {
			s.fail(d)
			i = n - 1
		}
		f.fixed = true
		f.choose(i, prev)
	} else {
		f.split = s.pos < s.split
		f.choose(0, prev)
		if prev == s.task.Level {
			// The first walk to reach this decision: account for the
			// alternatives beyond its level once.
			s.beyond(&f)
		}
	}
	s.frames = append(s.frames, f)
	s.pos++
	return f.chosen
}

// beyond hands out the walk of every level that an alternative of f leads
// to above the task's level, or counts the alternative pruned if the level
// exceeds the bound.
func (s *DFS) beyond(f *dfsFrame) {
	for i := 1; i < f.n; i++ {
		lv := f.pre + f.cost(i)
		switch {
		case lv <= s.task.Level:
		case s.bound >= 0 && lv > s.bound:
			s.pruned++
		default:
			s.levels.mu.Lock()
			if !s.levels.seen[lv] {
				s.levels.seen[lv] = true
				s.hand(Task{Level: lv})
			}
			s.levels.mu.Unlock()
		}
	}
}

func (s *DFS) fail(d *Decision) {
	if s.err == "" {
		s.err = "dfs: replaying a decision prefix gave a different decision (the scenario is not deterministic) at decision " + strconv.Itoa(d.Index)
	}
}

// End implements Strategy: it moves to the next execution of the task.
func (s *DFS) End(p *Path) {
	if len(s.frames) > s.pos {
		// The execution ended before the recorded path did: only possible
		// if the scenario is not deterministic.
		if s.err == "" {
			s.err = "dfs: an execution ended before its replayed prefix (the scenario is not deterministic)"
		}
		s.frames = s.frames[:s.pos]
	}
	s.rerun = false
	if k := len(s.frames); k > 0 {
		s.rerun = s.frames[k-1].lv < s.task.Level
	} else {
		s.rerun = s.task.Level > 0
	}
	// Split frames hand their alternatives out as tasks, once, on the
	// first execution that reaches them.
	for k := len(s.frames) - 1; k >= 0; k-- {
		if f := &s.frames[k]; f.split {
			f.split = false
			s.give(k)
		}
	}
	s.more = s.backtrack()
}

// Rerun implements Rerunner: the execution that ended was run only to reach
// executions of a higher level.
func (s *DFS) Rerun() bool { return s.rerun }

// backtrack moves the path to the next execution of the task, if any.
func (s *DFS) backtrack() bool {
	for k := len(s.frames) - 1; k >= 0; k-- {
		f := &s.frames[k]
		if f.fixed {
			break
		}
		for i := f.chosen + 1; i < f.limit; i++ {
			if f.pre+f.cost(i) <= s.task.Level {
				f.choose(i, s.levelBefore(k))
				s.frames = s.frames[:k+1]
				return true
			}
		}
		s.frames = s.frames[:k]
	}
	return false
}

// levelBefore returns the level of the path before frame k.
func (s *DFS) levelBefore(k int) int {
	if k == 0 {
		return 0
	}
	return s.frames[k-1].lv
}

// give hands out the untried alternatives of frame k within the task's
// level as tasks of their own, and leaves the frame none. It reports
// whether there were any.
func (s *DFS) give(k int) bool {
	f := &s.frames[k]
	gave := false
	for i := f.chosen + 1; i < f.limit; i++ {
		if f.pre+f.cost(i) > s.task.Level {
			continue
		}
		prefix := make([]int, k+1)
		for j := range k {
			prefix[j] = s.frames[j].chosen
		}
		prefix[k] = i
		s.hand(Task{Prefix: prefix, Level: s.task.Level})
		gave = true
	}
	f.limit = f.chosen + 1
	return gave
}

// hand queues t (a DFS on its own) or hands it out through Spawned (a fork).
func (s *DFS) hand(t Task) {
	if s.queue != nil {
		s.queue.Push(t)
	} else {
		s.out = append(s.out, t)
	}
}

// Info implements Strategy.
func (s *DFS) Info() Info { return Info{Name: NameDFS, Bound: boundSpec(s.bound)} }

// Stats implements Reporter: Pruned counts the alternatives left
// unexplored because they exceed the bound (the search was exhaustive for
// every bound when it is zero); Err is the nondeterminism detected while
// replaying prefixes.
func (s *DFS) Stats() SearchStats { return SearchStats{Pruned: s.pruned, Err: s.err} }

// Fork implements Splitter: a DFS of the same configuration that explores
// only t; the tasks it splits off are collected by Spawned.
func (s *DFS) Fork(t Task) Strategy {
	c := &DFS{bound: s.bound, split: s.split, levels: s.levels}
	if p, ok := framePool.Get().(*[]dfsFrame); ok {
		c.frames = (*p)[:0]
	}
	c.start(t)
	c.more = true
	return c
}

// Spawned implements Splitter.
func (s *DFS) Spawned() []Task {
	out := s.out
	s.out = nil
	return out
}

// Share implements Sharer: it gives away, as tasks that Spawned returns,
// the untried alternatives at the shallowest decision of the current path
// that still has some, so that an idle worker can take them. It is called
// between executions (after End). The alternatives given away all lie
// after everything the task still explores in the sequential order (their
// prefixes extend the task's prefix and are greater than the rest of its
// path), so the sequential numbering of executions does not change.
func (s *DFS) Share() bool {
	if !s.active || !s.more {
		return false
	}
	for k := range s.frames {
		if f := &s.frames[k]; !f.fixed && f.limit > f.chosen+1 && s.give(k) {
			return true
		}
	}
	return false
}

// Take implements Splitter.
func (s *DFS) Take() (Task, bool) {
	if s.queue == nil || s.queue.Len() == 0 {
		return Task{}, false
	}
	return s.queue.Pop(), true
}

// Preemptions returns the preemptions that choosing index i at decision d
// costs, as DFS and DPOR count them (see DFS, "Preemptions"): 1 for a
// spurious wakeup, 1 for another actor while the previous step's actor is
// still enabled (i > 0), else 0.
func Preemptions(d *Decision, i int) int {
	if d.Kind != Schedule {
		return 0
	}
	return preemptionCost(d.Choices[i].Op == op.Spurious, currentFirst(d), i)
}

// currentFirst reports whether Choices[0] of a Schedule decision is the
// actor of the previous step, so that any other index is a preemption.
func currentFirst(d *Decision) bool {
	return d.Current >= 0 && d.Choices[0].Actor == d.Current && d.Choices[0].Op != op.Spurious
}

// preemptionCost is Preemptions for choice i of a Schedule decision, given
// whether it is a spurious wakeup and whether Choices[0] is the current
// actor: the one rule both DFS and DPOR frames apply.
func preemptionCost(spurious, curOK bool, i int) int {
	if spurious || curOK && i > 0 {
		return 1
	}
	return 0
}
