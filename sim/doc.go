// Package sim is simrun's runtime: it runs a scenario's actors as
// coroutines, one at a time, and lets a strategy (package scheduler) decide
// at every visible operation which actor steps next. The same scenario,
// options, strategy and seed always give the same execution, step for step.
//
// # Actors and visible operations
//
// A Scenario is a function run as the first actor, "main"; it creates the
// shared objects and spawns the other actors with Execution.Go. An actor
// runs ordinary Go code until its next visible operation: an operation of a
// primitive bound to the execution (Mutex, Cond, Atomic, Var, Object,
// Resource), Go, Join, Yield, Sleep or Work. There it stops; the strategy
// picks, among the enabled operations of all actors, the one that runs
// next. Code between two visible operations is atomic, so actor code must
// share memory only through the primitives: it must not use the go
// statement, channels, package sync, package time or math/rand, and must
// not depend on map iteration order.
//
// # Go's vocabulary
//
// Beside the pthread-flavoured Mutex and Cond that the seeds' C protocols
// need, sim has Go's primitives with Go's semantics: Chan and Select,
// GoMutex, RWMutex, WaitGroup, Once, GoCond, Semaphore, AtomicInt,
// contexts (Background, WithCancel, WithTimeout, ...) and timers on
// virtual time (NewTimer, After, NewTicker, AfterFunc, GoSleep). Their
// misuse is reported in Go's words: "all goroutines are asleep", a
// goroutine leak when main has returned, send on a closed channel,
// negative WaitGroup counter. Scheduling is fair (see fairSpin): a spin
// loop is not a livelock. See docs/govocab.md.
//
// # Enabled
//
// An operation is enabled when it can complete now: Lock when the mutex is
// free, the wakeup of a Cond waiter once it was signalled (or woken
// spuriously) and the mutex is free, Join when the actor has finished, and
// any operation of an actor whose virtual ready time has come. Everything
// else is always enabled.
//
// # Decisions
//
// Where two or more operations are enabled, the strategy decides. It also
// decides the values of Choose, which waiter a Signal wakes, and when a
// waiter wakes spuriously (on by default; Options.NoSpurious turns it off).
// Every decision is one entry of the execution's decision list, which a
// trace stores and a replay reads back.
//
// # Time
//
// Virtual time advances only when no actor is enabled but some wait for
// time (Sleep, Work, the cost model's latencies); then it jumps to the
// earliest. See Cost.
//
// # Ends and findings
//
// An execution ends when every actor has finished, or when none can step.
// Unfinished actors that cannot step are a finding: a cycle of waits is a
// deadlock; a Cond waiter that nobody can signal is a lost wakeup. A panic
// in actor code, an unlock of a mutex not held, a failed Assert and the
// step bound (livelock) are findings too, never a crash. Checks registered
// with Execution.Check read the recorded History when the execution ends
// normally.
//
// # Inside: one door per operation
//
// Every visible operation passes its label once, through one door:
// Execution.stepOp parks the running actor on a req (the op, its object,
// its argument and, if it can block, its blocker) and returns the actor
// when the strategy chooses it; the primitive applies its effect and calls
// done (or record) once. Decisions that are not schedules (Choose, which
// waiter a Signal wakes) go through choose. "What blocks this actor" has
// one answer, the blocker: whether it can step, whose progress it needs
// (deadlock cycles) and what to say (explanations). A new blocking
// primitive is one stepOp and one done per operation, plus one blocker.
// Values are formatted only when a trace is captured (see record), and
// object names only when a trace or finding needs them (see Name).
//
// An exploration worker runs its executions on a runner, which reuses the
// previous execution's coroutines (with their grown stacks), actors and
// buffers; an Execution, its History and every object bound to it are
// therefore valid only until the worker's next execution starts.
package sim
