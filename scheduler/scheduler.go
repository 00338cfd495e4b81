// Package scheduler holds the strategies that decide which enabled step of a
// simulated execution runs next: random walk, PCT, POS, POSC, SURW
// and Mix (sampling), DFS with
// iterative preemption bounding and DPOR with sleep sets (exhaustive
// search, split into Tasks over workers), and replay of a recorded decision
// list.
//
// A strategy sees only a Decision: the enabled choices, each labelled with
// the actor, the kind of operation and the object it touches. It knows
// nothing of actors, protocols or checkers, so one strategy serves every
// protocol, and exhaustive strategies can be added without touching the
// runtime.
//
// # Decisions
//
// The runtime asks for a decision only where there is a real choice (two or
// more choices). There are three kinds:
//
//   - Schedule: which actor performs its pending operation next. Choices are
//     ordered: the actor that ran the previous step first (if it is still
//     enabled), then the other enabled actors by ascending id, then the
//     spurious wakeups on offer. Index 0 therefore always means "no
//     preemption", and a decision list of zeros is the schedule with the
//     fewest preemptions.
//   - Choose: a nondeterministic value asked for by actor code (fault
//     injection); choice i is value i.
//   - Wake: which waiter a condition-variable signal wakes.
package scheduler

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"

	"github.com/simrun/simrun/op"
)

// Choice is one enabled alternative of a decision.
type Choice struct {
	Actor  int // the actor that performs the step (for Wake: the waiter woken)
	Op     op.Op
	Object int // the object the step touches; -1 for none
	Arg    int // Choose: the value; Wake: the waiter; Wait and op.Wake: the mutex's object; Join: the actor joined; otherwise 0
}

// Conflicts reports whether two steps may not commute: they touch the same
// object and at least one of them is not read-only. Steps of the same actor
// always conflict (program order). A wide channel operation (a select, a
// cancel) conflicts with every channel operation, and timer operations
// conflict with each other (see op.Op.Wide and op.Op.Time).
func Conflicts(a, b Choice) bool {
	if a.Actor == b.Actor {
		return true
	}
	if a.Op.Chan() && b.Op.Chan() && (a.Op.Wide() || b.Op.Wide()) || a.Op.Time() && b.Op.Time() {
		return true
	}
	if a.Op.Local() || b.Op.Local() || a.Object < 0 || a.Object != b.Object {
		return false
	}
	return !(a.Op.ReadOnly() && b.Op.ReadOnly())
}

func (c Choice) String() string {
	return fmt.Sprintf("a%d:%s#%d", c.Actor, c.Op, c.Object)
}

// Kind says what a decision decides.
type Kind uint8

const (
	Schedule Kind = iota // which actor steps next
	Choose               // a value for actor code
	Wake                 // which waiter a Signal wakes
)

func (k Kind) String() string {
	switch k {
	case Schedule:
		return "schedule"
	case Choose:
		return "choose"
	case Wake:
		return "wake"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Decision is what a strategy is asked: pick one of Choices.
type Decision struct {
	Kind    Kind
	Step    int      // the number of steps executed so far in this execution
	Index   int      // the number of decisions made so far in this execution
	Current int      // the actor that ran the previous step, or -1
	Choices []Choice // at least two; valid only during the call
	Path    *Path    // the execution so far (Steps, Records); valid only during the call
	// State, when not nil, returns a canonical hash of the global state
	// at this decision (see StateMatcher); nil unless the strategy
	// matches states.
	State func() uint64
}

// Cut is what a StateMatcher's Next returns at a Schedule decision whose
// state it has seen: the execution ends there, with no finding, and is not
// a terminal state.
const Cut = -2

// StateMatcher is implemented by strategies that match states (stateful
// search): the runtime then hashes the global state at every Schedule
// decision (Decision.State) and ends an execution that Next cuts.
type StateMatcher interface {
	MatchesStates() bool
}

// Strategy picks the next step of an execution. One Strategy drives a
// sequence of executions: Begin(run) starts execution number run, Next is
// called at every decision of it, and End reports how it went.
type Strategy interface {
	// Begin prepares execution number run (0, 1, 2, ...). It returns false
	// when the strategy has nothing left to explore.
	Begin(run int) bool
	// Next returns the index of the chosen element of d.Choices.
	Next(d *Decision) int
	// End reports the finished execution.
	End(p *Path)
	// Info describes the strategy as configured for the current execution,
	// for the trace header: enough to re-create it.
	Info() Info
}

// Cloner is implemented by strategies whose runs are independent of each
// other, so that several workers can each drive a copy.
type Cloner interface {
	Clone() Strategy
}

// Info is what a strategy reports of itself: its Spec as configured for
// the current execution (Seed is that execution's seed), so that a trace
// header can re-create it with Spec.New.
type Info = Spec

// Path is the record of a finished execution that a strategy may learn
// from. Its slices are reused for the next execution: a strategy that keeps
// them must copy them.
type Path struct {
	Steps     []Choice // the label of every executed step, in order
	Decisions []int    // the index chosen at every decision, in order
	Found     bool     // the execution produced a finding
	Records   []int    // ascending indices into Steps of the steps that recorded history events (Execution.Record)
	Pending   []Choice // at the end: the pending operation of every unfinished actor (and its spurious wakeup if it waits)
	Cut       bool     // the strategy cut the execution at a known state (Cut)
}

// Task is a subtree of an exhaustive search: the executions whose decision
// lists begin with Prefix, explored at preemption level Level.
type Task struct {
	Prefix []int
	Level  int
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
	// Each lies outside the fork's own task, after it in the sequential
	// order.
	Spawned() []Task
}

// Sharer is implemented by forks that can split their remaining work on
// demand: Share moves part of it into tasks (returned by Spawned) for idle
// workers and reports whether it did. The order of executions must not
// change: the tasks given away come, in the sequential order, after
// everything the fork still runs itself.
type Sharer interface {
	Share() bool
}

// SearchStats is what an exhaustive strategy tells the exploration about
// itself besides its executions.
type SearchStats struct {
	Pruned    int    // alternatives left out because of a bound
	Redundant int    // DPOR: executions that ended sleep-blocked
	States    int    // stateful search: distinct states stored
	Cut       int    // stateful search: executions cut at a known state
	Err       string // nondeterminism detected while replaying prefixes, or ""
}

// Reporter is implemented by strategies (and forks) that keep SearchStats.
// The exploration adds up the stats of every fork when it is done.
type Reporter interface {
	Stats() SearchStats
}

// CompareTask compares tasks in sequential search order.
func CompareTask(a, b Task) int {
	return cmp.Or(cmp.Compare(a.Level, b.Level), slices.Compare(a.Prefix, b.Prefix))
}

// TaskQueue is a min-heap of tasks in sequential search order: the one
// queue of pending work, used by DFS on its own and by the exploration loop
// over workers. The zero value is empty.
type TaskQueue struct{ h taskHeap }

type taskHeap []Task

func (h taskHeap) Len() int           { return len(h) }
func (h taskHeap) Less(i, j int) bool { return CompareTask(h[i], h[j]) < 0 }
func (h taskHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *taskHeap) Push(x any)        { *h = append(*h, x.(Task)) }
func (h *taskHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

// Len returns the number of pending tasks.
func (q *TaskQueue) Len() int { return q.h.Len() }

// Push adds t.
func (q *TaskQueue) Push(t Task) { heap.Push(&q.h, t) }

// Pop removes and returns the least task; the queue must not be empty.
func (q *TaskQueue) Pop() Task { return heap.Pop(&q.h).(Task) }

// Peek returns the least task without removing it; the queue must not be
// empty.
func (q *TaskQueue) Peek() Task { return q.h[0] }

// Rerunner is implemented by strategies that run some executions again only
// to find their way to new ones (DFS re-walks the executions of lower
// preemption levels to reach those of the next, rather than remember every
// branch it leaves for later). Rerun, asked after End, reports whether the
// execution that just ended was such a re-run: the exploration does not
// count it.
type Rerunner interface {
	Rerun() bool
}
