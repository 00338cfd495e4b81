package scheduler

import (
	"slices"
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

	queue   *taskQueue // nil in a forked (single-task) DFS
	out     []Task     // forked: tasks split off, in order
	pruned  int        // alternatives beyond the bound, not explored
	err     string
	started bool
}

// Task is a subtree of an exhaustive search: the executions whose decision
// lists begin with Prefix, explored at preemption level Level.
type Task struct {
	Prefix []int
	Level  int
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
	if i >= f.real {
		return 1 // spurious wakeup
	}
	if f.curOK && i > 0 {
		return 1
	}
	return 0
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
	s := &DFS{bound: bound, split: DefaultSplit, queue: newTaskQueue()}
	s.queue.push(Task{Level: 0})
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
	t, ok := s.queue.pop()
	if !ok {
		return false
	}
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
		f.curOK = d.Current >= 0 && d.Choices[0].Actor == d.Current && d.Choices[0].Op != op.Spurious
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
		s.err = "dfs: replaying a decision prefix gave a different decision (the scenario is not deterministic) at decision " + itoa(d.Index)
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
		s.queue.push(t)
	} else {
		s.out = append(s.out, t)
	}
}

// Info implements Strategy.
func (s *DFS) Info() Info { return Info{Name: NameDFS, Bound: boundSpec(s.bound)} }

// Err reports nondeterminism detected while replaying prefixes, or "".
func (s *DFS) Err() string { return s.err }

// Pruned returns the number of alternatives left unexplored because they
// exceed the bound. The search was exhaustive for every bound when it is
// zero.
func (s *DFS) Pruned() int { return s.pruned }

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
	if s.queue == nil {
		return Task{}, false
	}
	return s.queue.pop()
}

// Splitter is implemented by exhaustive strategies whose search divides
// into independent tasks (subtrees), so that several workers can explore it
// and still number executions as one sequential search would. The
// sequential order is: tasks by ascending Level, then by Prefix
// lexicographically (a prefix before its extensions), each task's
// executions in the order its fork runs them.
type Splitter interface {
	Strategy
	// Take removes and returns the initial task(s) of the search.
	Take() (Task, bool)
	// Fork returns a strategy that explores exactly the task t and then
	// stops (Begin returns false).
	Fork(t Task) Strategy
	// Spawned returns, and forgets, the tasks a fork has split off so far.
	// Each lies outside the fork's own task and has a Level no lower.
	Spawned() []Task
	// Pruned counts the alternatives a fork left out because of a bound.
	Pruned() int
}

// Sharer is implemented by forks that can split their remaining work on
// demand: Share moves part of it into tasks (returned by Spawned) for idle
// workers and reports whether it did. The order of executions must not
// change: the tasks given away come, in the sequential order, after
// everything the fork still runs itself.
type Sharer interface {
	Share() bool
}

// LessTask orders tasks as the sequential search runs them.
func LessTask(a, b Task) bool { return CompareTask(a, b) < 0 }

// CompareTask compares tasks in sequential search order.
func CompareTask(a, b Task) int {
	if a.Level != b.Level {
		return a.Level - b.Level
	}
	return slices.Compare(a.Prefix, b.Prefix)
}

// taskQueue is a min-heap of tasks in sequential search order.
type taskQueue struct{ h []Task }

func newTaskQueue() *taskQueue { return &taskQueue{} }

func (q *taskQueue) push(t Task) {
	q.h = append(q.h, t)
	i := len(q.h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !LessTask(q.h[i], q.h[p]) {
			break
		}
		q.h[i], q.h[p] = q.h[p], q.h[i]
		i = p
	}
}

func (q *taskQueue) pop() (Task, bool) {
	if len(q.h) == 0 {
		return Task{}, false
	}
	t := q.h[0]
	n := len(q.h) - 1
	q.h[0] = q.h[n]
	q.h = q.h[:n]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && LessTask(q.h[l], q.h[m]) {
			m = l
		}
		if r < n && LessTask(q.h[r], q.h[m]) {
			m = r
		}
		if m == i {
			break
		}
		q.h[i], q.h[m] = q.h[m], q.h[i]
		i = m
	}
	return t, true
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}

// Preemptions returns the preemptions that choosing index i at decision d
// costs, as DFS counts them: 1 for a spurious wakeup, 1 for another actor
// while the previous step's actor is still enabled (i > 0), else 0.
func Preemptions(d *Decision, i int) int {
	if d.Kind != Schedule {
		return 0
	}
	if d.Choices[i].Op == op.Spurious {
		return 1
	}
	if i > 0 && d.Current >= 0 && d.Choices[0].Actor == d.Current && d.Choices[0].Op != op.Spurious {
		return 1
	}
	return 0
}
