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
// then two, and so on up to Bound. Every execution runs exactly once.
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
// # Order and tasks
//
// Within one preemption count, executions run in lexicographic order of
// their decision lists. The search is a set of tasks — subtrees given by a
// decision prefix — so that it can also be split over several workers (see
// Splitter): the alternatives at the first Split decisions of a task become
// tasks of their own, and an alternative that would exceed the current
// preemption level becomes a task of the next level. The order of
// executions, and so every run number, is the same however tasks are
// distributed.
//
// # Determinism
//
// DFS is stateless: it re-creates a state by replaying a decision prefix.
// If a replayed decision has a different number of choices than it had, the
// scenario is not deterministic; Err reports it and the search goes on as
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

	queue   *TaskQueue // nil in a forked (single-task) DFS
	out     []Task     // forked: tasks split off, in order
	pruned  int        // alternatives beyond the bound, not explored
	err     string
	started bool
}

type dfsFrame struct {
	n      int  // number of choices
	limit  int  // alternatives of this task: indices below limit
	chosen int  // index chosen
	pre    int  // preemptions before this decision
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
	s := &DFS{bound: bound, split: DefaultSplit, queue: &TaskQueue{}}
	s.queue.Push(Task{Level: 0})
	return s
}

// Bound returns the preemption bound (< 0: none).
func (s *DFS) Bound() int { return s.bound }

// Begin implements Strategy. It returns false once every execution within
// the bound has run.
func (s *DFS) Begin(run int) bool {
	s.started = true
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
	t := s.queue.Pop()
	s.start(t)
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
	if k := len(s.frames); k > 0 {
		p := &s.frames[k-1]
		f.pre = p.pre + p.cost(p.chosen)
	}
	if s.pos < len(s.task.Prefix) {
		f.chosen, f.fixed = s.task.Prefix[s.pos], true
		if f.chosen >= n {
			s.fail(d)
			f.chosen = n - 1
		}
	} else {
		f.split = s.pos < s.split
	}
	s.frames = append(s.frames, f)
	s.pos++
	return f.chosen
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
	// Split frames hand their alternatives out as tasks, once, on the
	// first execution that reaches them.
	for k := len(s.frames) - 1; k >= 0; k-- {
		f := &s.frames[k]
		if f.split {
			f.split = false
			for i := f.chosen + 1; i < f.n; i++ {
				s.offer(k, i)
			}
			f.limit = f.chosen + 1 // nothing left here for this task
		}
	}
	s.more = s.backtrack()
}

// backtrack moves the path to the next execution of the task, if any.
func (s *DFS) backtrack() bool {
	level := s.task.Level
	for k := len(s.frames) - 1; k >= 0; k-- {
		f := &s.frames[k]
		if f.fixed {
			break
		}
		for i := f.chosen + 1; i < f.limit; i++ {
			if f.pre+f.cost(i) <= level {
				f.chosen = i
				s.frames = s.frames[:k+1]
				return true
			}
			s.offer(k, i)
		}
		s.frames = s.frames[:k]
	}
	return false
}

// offer hands out alternative i of frame k as a task: of this level if it
// fits, of the next one if the bound allows, else it is pruned.
func (s *DFS) offer(k, i int) {
	f := &s.frames[k]
	lv := f.pre + f.cost(i)
	if s.bound >= 0 && lv > s.bound {
		s.pruned++
		return
	}
	lv = max(lv, s.task.Level)
	prefix := make([]int, k+1)
	for j := 0; j < k; j++ {
		prefix[j] = s.frames[j].chosen
	}
	prefix[k] = i
	t := Task{Prefix: prefix, Level: lv}
	if s.queue != nil {
		s.queue.Push(t)
	} else {
		s.out = append(s.out, t)
	}
}

// Info implements Strategy.
func (s *DFS) Info() Info { return Info{Name: "dfs", Depth: s.bound} }

// Stats implements Reporter: Pruned counts the alternatives left
// unexplored because they exceed the bound (the search was exhaustive for
// every bound when it is zero); Err is the nondeterminism detected while
// replaying prefixes.
func (s *DFS) Stats() SearchStats { return SearchStats{Pruned: s.pruned, Err: s.err} }

// Fork implements Splitter: a DFS of the same configuration that explores
// only t; the tasks it splits off are collected by Spawned.
func (s *DFS) Fork(t Task) Strategy {
	c := &DFS{bound: s.bound, split: s.split}
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
		f := &s.frames[k]
		if f.fixed || f.limit <= f.chosen+1 {
			continue
		}
		for i := f.chosen + 1; i < f.limit; i++ {
			s.offer(k, i)
		}
		f.limit = f.chosen + 1
		return true
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
