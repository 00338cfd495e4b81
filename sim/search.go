package sim

import (
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/simrun/simrun/scheduler"
)

// This file runs exhaustive strategies (scheduler.Splitter) on one or more
// workers. The search is a set of tasks (subtrees); workers take the least
// pending task in the sequential order, explore it with a fork of the
// strategy and hand back the tasks it splits off. Results are kept per task
// and put in the sequential order at the end, so run numbers, counts and
// findings do not depend on the number of workers.

// execRec is what a search keeps of one execution.
type execRec struct {
	hash  uint64
	steps int32
	kind  int16 // 1 + index into search.kinds; 0 for none
}

type taskResult struct {
	task     scheduler.Task
	recs     []execRec
	findings map[Kind]*foundAt // the first finding of each kind in the task
	partial  bool
}

type foundAt struct {
	f         *Finding
	local     int
	decisions []int
	info      scheduler.Info
}

type search struct {
	s     Scenario
	opts  *Options
	sp    scheduler.Splitter
	start time.Time

	mu        sync.Mutex
	cond      *sync.Cond
	pending   []scheduler.Task // a heap in sequential order
	running   map[*taskResult]bool
	done      []*taskResult
	total     int // executions so far, all tasks
	stop      bool
	stopped   bool // the search was cut short
	kinds     []Kind
	kindIdx   map[Kind]int16
	pruned    int
	redundant int
	errs      []string
	progress  int
	idle      int // workers waiting for a task
}

// runSearch explores every task of sp, on opts.Workers workers.
func runSearch(s Scenario, opts *Options, sp scheduler.Splitter) *Report {
	se := &search{s: s, opts: opts, sp: sp, start: time.Now(),
		running: map[*taskResult]bool{}, kindIdx: map[Kind]int16{}}
	se.cond = sync.NewCond(&se.mu)
	for {
		t, ok := sp.Take()
		if !ok {
			break
		}
		se.push(t)
	}
	var wg sync.WaitGroup
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() { defer wg.Done(); se.worker() }()
	}
	wg.Wait()
	return se.report()
}

func (se *search) push(t scheduler.Task) {
	se.pending = append(se.pending, t)
	h := se.pending
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !scheduler.LessTask(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (se *search) pop() scheduler.Task {
	h := se.pending
	t := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && scheduler.LessTask(h[l], h[m]) {
			m = l
		}
		if r < n && scheduler.LessTask(h[r], h[m]) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	se.pending = h
	return t
}

func (se *search) worker() {
	r := newRunner() // reuses coroutines and buffers across this worker's runs
	defer r.close()
	se.mu.Lock()
	defer se.mu.Unlock()
	for {
		for len(se.pending) == 0 && len(se.running) > 0 && !se.stop {
			se.idle++
			se.cond.Wait()
			se.idle--
		}
		if se.stop || len(se.pending) == 0 {
			se.cond.Broadcast()
			return
		}
		tr := &taskResult{task: se.pop()}
		se.running[tr] = true
		se.mu.Unlock()
		se.runTask(tr, r)
		se.mu.Lock()
		delete(se.running, tr)
		se.done = append(se.done, tr)
		se.checkBudget()
		se.cond.Broadcast()
	}
}

// runTask explores one task. It runs without the lock except to publish.
func (se *search) runTask(tr *taskResult, r *runner) {
	strat := se.sp.Fork(tr.task)
	sp, _ := strat.(scheduler.Splitter)
	sharer, _ := strat.(scheduler.Sharer)
	for run := 0; strat.Begin(run); run++ {
		x := r.exec(se.opts, strat, plainRun)
		f := x.run(se.s)
		x.path.Found = f != nil
		strat.End(&x.path)
		rec := execRec{hash: x.stateHash(), steps: int32(x.step)}
		se.mu.Lock()
		if sharer != nil && se.idle > 0 && len(se.pending) == 0 {
			// A worker waits for work: give it part of this task.
			sharer.Share()
		}
		if f != nil {
			k, ok := se.kindIdx[f.Kind]
			if !ok {
				se.kinds = append(se.kinds, f.Kind)
				k = int16(len(se.kinds))
				se.kindIdx[f.Kind] = k
			}
			rec.kind = k
			if tr.findings == nil {
				tr.findings = map[Kind]*foundAt{}
			}
			if tr.findings[f.Kind] == nil {
				f.Steps = x.step
				tr.findings[f.Kind] = &foundAt{f: f, local: len(tr.recs),
					decisions: slices.Clone(x.path.Decisions), info: strat.Info()}
			}
		}
		tr.recs = append(tr.recs, rec)
		se.total++
		if sp != nil {
			if ts := sp.Spawned(); len(ts) > 0 {
				for _, t := range ts {
					se.push(t)
				}
				se.cond.Broadcast()
			}
		}
		if se.opts.OnExecution != nil {
			se.opts.OnExecution(-1, x.History(), f)
		}
		se.checkBudget()
		if p := se.opts.Progress; p != nil && se.total%256 == 0 {
			p(Progress{Runs: se.total, Findings: len(se.kinds), Elapsed: time.Since(se.start)})
		}
		stop := se.stop
		se.mu.Unlock()
		if stop {
			tr.partial = true
			break
		}
	}
	se.mu.Lock()
	if sp != nil {
		se.pruned += sp.Pruned()
	}
	if r, ok := strat.(interface{ Redundant() int }); ok {
		se.redundant += r.Redundant()
	}
	if e, ok := strat.(interface{ Err() string }); ok && e.Err() != "" {
		se.errs = append(se.errs, e.Err())
	}
	se.mu.Unlock()
}

// checkBudget stops the search once the executions that come first in the
// sequential order are all known and reach the budget (Runs), or include a
// finding under StopOnFinding. Called with the lock held.
func (se *search) checkBudget() {
	if se.stop {
		return
	}
	if se.total < se.opts.Runs && !(se.opts.StopOnFinding && len(se.kinds) > 0) {
		return
	}
	n, found := se.finalPrefix()
	if n >= se.opts.Runs || (se.opts.StopOnFinding && found) {
		se.stop, se.stopped = true, true
		se.cond.Broadcast()
	}
}

// finalPrefix counts the executions that are known to come first in the
// sequential order: those of finished tasks ordered before every pending or
// running task, plus the executions so far of a running task that is the
// least of all.
func (se *search) finalPrefix() (int, bool) {
	var least *scheduler.Task
	if len(se.pending) > 0 {
		least = &se.pending[0]
	}
	var leastRun *taskResult
	for tr := range se.running {
		if least == nil || scheduler.LessTask(tr.task, *least) {
			least, leastRun = &tr.task, tr
		}
	}
	n, found := 0, false
	for _, tr := range se.done {
		if least == nil || scheduler.LessTask(tr.task, *least) {
			n += len(tr.recs)
			found = found || len(tr.findings) > 0
		}
	}
	if leastRun != nil {
		n += len(leastRun.recs)
		found = found || len(leastRun.findings) > 0
	}
	return n, found
}

// report puts the task results in sequential order and builds the report.
func (se *search) report() *Report {
	rep := &Report{Counts: map[Kind]int{}}
	sort.Slice(se.done, func(i, j int) bool { return scheduler.LessTask(se.done[i].task, se.done[j].task) })
	limit := se.opts.Runs
	hashes := map[uint64]struct{}{}
	first := map[Kind]*Finding{}
	run := 0
	cut := false
	for _, tr := range se.done {
		for i, r := range tr.recs {
			if run >= limit {
				cut = true
				break
			}
			rep.Steps += int64(r.steps)
			rep.MaxSteps = max(rep.MaxSteps, int(r.steps))
			hashes[r.hash] = struct{}{}
			if r.kind > 0 {
				k := se.kinds[r.kind-1]
				rep.Counts[k]++
				if first[k] == nil {
					fa := tr.findings[k]
					if fa == nil || fa.local != i {
						panic("sim: search lost a finding") // the first of its kind in a task is kept
					}
					f := fa.f
					f.Run = run
					f.Trace = captureTrace(se.s, se.opts, fa.info, fa.decisions, run, f)
					first[k] = f
					rep.Findings = append(rep.Findings, f)
					if se.opts.StopOnFinding {
						limit = run + 1
					}
				}
			}
			run++
		}
	}
	rep.Runs = run
	rep.TerminalStates = len(hashes)
	rep.Exhausted = !se.stopped && !cut
	rep.Pruned = se.pruned
	rep.Redundant = se.redundant
	rep.Errors = se.errs
	rep.Wall = time.Since(se.start)
	return rep
}

// stateful is a shared value that belongs to the terminal state.
type stateful interface {
	stateString(x *Execution) string
}

func (v *Var[T]) stateString(x *Execution) string    { return x.format(v.v) }
func (v *Atomic[T]) stateString(x *Execution) string { return x.format(v.v) }

// StateHash returns a hash of the shared state at the end of the execution:
// the value of every Var and Atomic, formatted deterministically, and every
// event recorded with Record, in order. Executions that differ only in the
// order of independent steps have the same hash.
func (x *Execution) StateHash() uint64 { return x.stateHash() }

func (x *Execution) stateHash() uint64 {
	h := uint64(14695981039346656037)
	str := func(s string) {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
		h ^= 0xff
		h *= 1099511628211
	}
	num := func(n int) {
		for i := 0; i < 8; i++ {
			h ^= uint64(byte(n >> (8 * i)))
			h *= 1099511628211
		}
	}
	for _, v := range x.vals {
		str(v.stateString(x))
	}
	num(len(x.history))
	for _, e := range x.history {
		num(e.Actor)
		str(x.format(e.Value))
	}
	return h
}
