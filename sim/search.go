package sim

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simrun/simrun/scheduler"
)

// This file is the one exploration loop, for every strategy. The
// exploration is a set of tasks in a fixed sequential order: a Splitter's
// subtrees (scheduler.Task, ordered by scheduler.CompareTask), or blocks of
// blockRuns consecutive run numbers of any other strategy (a Cloner, or one
// strategy on one worker), as Task{Prefix: []int{block}}. Workers take the
// least pending task and run its executions, each through runOne.
//
// An execution is numbered when everything before it in the sequential
// order is known. The least unfinished task is "live": its executions are
// numbered (folded into the report, handed to OnExecution, checked against
// the stop rule) as they finish. Any other task keeps what it found until
// the tasks before it end. So run numbers, counts, findings and the
// arguments of OnExecution do not depend on the number of workers; with one
// worker every task is live and nothing is kept.

// blockRuns is the number of consecutive runs of a sampling strategy in one
// task: large enough that taking a task is rare, small enough that two
// workers share a few thousand runs evenly.
const blockRuns = 64

// execRec is what a task that is not live keeps of one execution until it
// can be numbered.
type execRec struct {
	hash    uint64
	steps   int32
	cut     bool      // cut at a known state: not a terminal state
	cov     *covRec   // what it reached (the runner's until add keeps a copy)
	objs    []objInfo // its objects, valid until add returns
	f       *Finding
	first   *firstFinding // the first finding of its kind in the task, for its trace
	history *History      // for OnExecution; nil without it

	// The strategy's Pruned and Redundant counts that this execution
	// added: summed over the numbered executions only, so that a search
	// stopped by its budget reports counts that do not depend on how far
	// other workers got.
	pruned, redundant int32
}

// firstFinding is what a trace of a finding is re-captured from.
type firstFinding struct {
	f         *Finding
	decisions []int
	info      scheduler.Info
}

// taskRun is a task taken by a worker.
type taskRun struct {
	task  scheduler.Task
	live  bool              // every task before it is numbered
	recs  []execRec         // executions not numbered yet (not live)
	kinds map[Kind]struct{} // kinds found in the task (not live)
	skim  bool              // a shard runs it only to learn its subtasks (shard.go)
	st    *shardTask        // what a shard reports of it (shard.go)
}

// search is the state of one exploration, shared by its workers.
type search struct {
	s     Scenario
	opts  *Options
	start time.Time
	split scheduler.Splitter // nil: blocks of runs

	finished atomic.Int64 // executions finished, for the watchdog
	runners  []*runner    // the workers' runners, for the watchdog (with Watchdog only)

	mu      sync.Mutex
	cond    *sync.Cond
	pending scheduler.TaskQueue
	blocks  int        // blocks of runs handed out so far
	running []*taskRun // taken, not finished
	done    []*taskRun // finished but not numbered, in sequential order
	idle    int        // workers waiting for a task
	stop    bool       // the numbered executions reached the limit
	halted  bool       // Options.Stop was closed (see stopped)
	total   int        // executions run, numbered or not (for Progress)
	seen    map[Kind]bool

	// The numbered executions, in sequential order.
	limit     int  // Runs, lowered by the stop rule or an exhausted strategy
	exhausted bool // a sampling strategy had nothing left (Begin false)
	rep       *Report
	hashes    map[uint64]struct{}
	first     map[Kind]*firstFinding

	shard *sharding // nil unless this is one shard of the exploration (shard.go)
	cov   coverSet
}

// worker is the state of one worker: its copy of a cloneable strategy and
// the buffers an execution reuses.
type worker struct {
	se    *search
	strat scheduler.Strategy // blocks of runs: this worker's strategy
	r     *runner            // reuses coroutines and buffers across this worker's runs
}

// newSearch returns the search of s under opts, with the first tasks of a
// splitting strategy taken.
func newSearch(s Scenario, opts *Options) *search {
	se := emptySearch(s, opts)
	if se.split != nil {
		for t, ok := se.split.Take(); ok; t, ok = se.split.Take() {
			se.pending.Push(t)
		}
	}
	return se
}

// emptySearch is a search with nothing numbered and no task taken: what
// newSearch starts from, and what mergeStage folds shard reports into.
func emptySearch(s Scenario, opts *Options) *search {
	se := &search{s: s, opts: opts, start: time.Now(), limit: opts.Runs, seen: map[Kind]bool{},
		rep: &Report{Counts: map[Kind]int{}}, hashes: map[uint64]struct{}{}, first: map[Kind]*firstFinding{}}
	se.cond = sync.NewCond(&se.mu) // fold broadcasts
	se.split, _ = opts.Strategy.(scheduler.Splitter)
	return se
}

// run explores on n workers and returns when they are done.
func (se *search) run(n int) {
	workers := make([]*worker, n)
	for i := range workers {
		workers[i] = &worker{se: se, strat: se.opts.Strategy}
		if n > 1 && se.split == nil {
			workers[i].strat = se.opts.Strategy.(scheduler.Cloner).Clone()
		}
	}
	if n == 1 {
		workers[0].loop()
		return
	}
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(w.loop)
	}
	wg.Wait()
}

func (w *worker) loop() {
	w.r = newRunner()
	defer w.r.close()
	se := w.se
	se.mu.Lock()
	defer se.mu.Unlock()
	if se.opts.Watchdog > 0 {
		w.r.watched = true
		se.runners = append(se.runners, w.r)
	}
	for tr := se.take(); tr != nil; tr = se.take() {
		se.mu.Unlock()
		w.runTask(tr)
		se.mu.Lock()
		se.finish(tr)
	}
}

// take returns the least pending task, waiting while other workers may
// still split some off, or nil when the exploration is over. Called with
// the lock held.
func (se *search) take() *taskRun {
	for {
		if se.shard != nil {
			se.shard.skipBlocks(se)
		}
		if !se.stop && se.pending.Len() == 0 && se.split == nil && se.blocks*blockRuns < se.limit {
			se.pending.Push(scheduler.Task{Prefix: []int{se.blocks}})
			se.blocks++
		}
		if se.stop || se.pending.Len() == 0 && len(se.running) == 0 {
			se.cond.Broadcast()
			return nil
		}
		if se.pending.Len() > 0 {
			tr := &taskRun{task: se.pending.Pop()}
			if se.shard != nil {
				se.shard.start(se, tr)
			}
			se.running = append(se.running, tr)
			return tr
		}
		se.idle++
		se.cond.Wait()
		se.idle--
	}
}

// runTask runs the executions of one task. It holds the lock only to
// publish each execution.
func (w *worker) runTask(tr *taskRun) {
	se := w.se
	strat, first, n := w.strat, 0, blockRuns
	if se.split != nil {
		strat, n = se.split.Fork(tr.task), -1
	} else {
		first = tr.task.Prefix[0] * blockRuns
		n = min(n, se.opts.Runs-first) // the last block may be short
	}
	if se.shard != nil {
		n = se.shard.runs(tr, n)
	}
	sp, _ := strat.(scheduler.Splitter)
	sharer, _ := strat.(scheduler.Sharer)
	reporter, _ := strat.(scheduler.Reporter)
	var stats scheduler.SearchStats // reporter's, after the last execution
	if se.shard != nil {
		sharer = nil // a shard's tasks must not depend on its timing
	}
	for i := 0; i != n; i++ {
		if se.stopped() {
			break
		}
		if !strat.Begin(first + i) {
			if se.split == nil {
				se.mu.Lock()
				se.exhaust(first + i)
				se.mu.Unlock()
			}
			break
		}
		rec, f, decisions, counted := w.runOne(strat)
		if reporter != nil && se.split != nil && counted {
			st := reporter.Stats()
			rec.pruned, rec.redundant = int32(st.Pruned-stats.Pruned), int32(st.Redundant-stats.Redundant)
			stats = st
		}
		var info scheduler.Info // only findings and shards need it: Info may allocate
		if f != nil || se.shard != nil {
			info = strat.Info()
		}
		if se.shard != nil && counted && !tr.skim {
			tr.st.add(rec, f, decisions, info, stats.Err)
		}
		se.mu.Lock()
		if sharer != nil && se.idle > 0 && se.pending.Len() == 0 {
			sharer.Share() // a worker waits for work: give it part of this task
		}
		if sp != nil {
			for _, t := range sp.Spawned() {
				if se.shard != nil && se.shard.drop(t) {
					continue
				}
				se.pending.Push(t)
				se.cond.Broadcast()
			}
		}
		if counted && se.shard == nil {
			se.total++
			se.add(tr, rec, f, decisions, info)
			if p := se.opts.Progress; p != nil && se.total%256 == 0 {
				p(Progress{Runs: se.total, Findings: len(se.seen), Elapsed: time.Since(se.start)})
			}
		}
		stop := se.stop || se.shard != nil && se.shard.full(se, tr)
		se.mu.Unlock()
		if stop {
			break
		}
	}
	if se.shard != nil {
		if !tr.skim {
			tr.st.end(strat)
		}
		return
	}
	if r, ok := strat.(scheduler.Reporter); ok && se.split != nil {
		st := r.Stats()
		se.mu.Lock()
		se.rep.States += st.States
		se.rep.Cut += st.Cut
		if st.Err != "" {
			se.rep.Errors = append(se.rep.Errors, st.Err)
		}
		se.mu.Unlock()
	}
}

// runOne is everything that happens to one execution, whatever the
// strategy: run the scenario, self-check it, report it to the strategy.
// The decisions returned are valid until the worker's next execution. An
// execution that the strategy ran only to find its way (Rerunner) is not
// counted, and nothing else happens to it.
func (w *worker) runOne(strat scheduler.Strategy) (rec execRec, f *Finding, decisions []int, counted bool) {
	se := w.se
	x := w.r.exec(se.opts, strat, plainRun)
	f = x.run(se.s)
	if se.opts.SelfCheck {
		if g := selfCheck(se.s, se.opts, strat.Info(), &x.path); g != nil {
			f = g
		}
	}
	x.path.Found = f != nil
	strat.End(&x.path)
	se.finished.Add(1)
	if r, ok := strat.(scheduler.Rerunner); ok && r.Rerun() {
		return execRec{}, nil, nil, false
	}
	rec = execRec{steps: int32(x.step), f: f, cut: x.path.Cut}
	if se.opts.Coverage {
		rec.cov, rec.objs = &x.covRec, x.objs
	}
	if se.split != nil && !rec.cut {
		rec.hash = x.stateHash()
	}
	if f != nil {
		f.Seed, f.Steps = strat.Info().Seed, x.step
	}
	if (se.opts.OnExecution != nil || se.shard != nil) && !rec.cut {
		rec.history = x.History()
	}
	return rec, f, x.path.Decisions, true
}

// add publishes one execution of tr: numbered now if tr is live, kept
// otherwise. Called with the lock held.
func (se *search) add(tr *taskRun, rec execRec, f *Finding, decisions []int, info scheduler.Info) {
	if f != nil {
		se.seen[f.Kind] = true
	}
	se.cov.names(rec.objs)
	rec.objs = nil
	if !tr.live && se.least(tr) {
		tr.live = true
		for _, r := range tr.recs {
			se.fold(r)
		}
		tr.recs, tr.kinds = nil, nil
	}
	if tr.live {
		if f != nil && se.first[f.Kind] == nil {
			rec.first = &firstFinding{f: f, decisions: slices.Clone(decisions), info: info}
		}
		se.fold(rec)
		return
	}
	if f != nil {
		if _, ok := tr.kinds[f.Kind]; !ok {
			if tr.kinds == nil {
				tr.kinds = map[Kind]struct{}{}
			}
			tr.kinds[f.Kind] = struct{}{}
			rec.first = &firstFinding{f: f, decisions: slices.Clone(decisions), info: info}
		}
	}
	if rec.history != nil {
		// Kept past the worker's next execution, which reuses the original.
		rec.history = rec.history.clone()
	}
	if rec.cov != nil {
		rec.cov = rec.cov.snapshot()
	}
	tr.recs = append(tr.recs, rec)
}

// least reports whether every task before t in the sequential order is
// numbered. Called with the lock held.
func (se *search) least(tr *taskRun) bool {
	before := func(o *taskRun) bool { return scheduler.CompareTask(o.task, tr.task) < 0 }
	if se.pending.Len() > 0 && scheduler.CompareTask(se.pending.Peek(), tr.task) < 0 {
		return false
	}
	if len(se.done) > 0 && before(se.done[0]) { // done is in order
		return false
	}
	return !slices.ContainsFunc(se.running, before)
}

// finish ends a task and numbers the finished tasks that now come first.
// Called with the lock held.
func (se *search) finish(tr *taskRun) {
	se.running = slices.DeleteFunc(se.running, func(o *taskRun) bool { return o == tr })
	if se.shard != nil {
		se.shard.finish(tr)
		se.cond.Broadcast()
		return
	}
	if !tr.live {
		i, _ := slices.BinarySearchFunc(se.done, tr, func(a, b *taskRun) int { return scheduler.CompareTask(a.task, b.task) })
		se.done = slices.Insert(se.done, i, tr)
	}
	for len(se.done) > 0 && se.least(se.done[0]) {
		d := se.done[0]
		se.done = se.done[1:]
		for _, r := range d.recs {
			se.fold(r)
		}
	}
	se.cond.Broadcast()
}

// fold numbers one execution: the next in the sequential order. Called
// with the lock held.
func (se *search) fold(r execRec) {
	if se.rep.Runs >= se.limit {
		se.stop = true
		return
	}
	run := se.rep.Runs
	se.rep.Runs++
	se.rep.Steps += int64(r.steps)
	se.rep.Pruned += int(r.pruned)
	se.rep.Redundant += int(r.redundant)
	se.rep.MaxSteps = max(se.rep.MaxSteps, int(r.steps))
	if r.cov != nil {
		se.cov.add(r.cov)
	}
	if se.split != nil && !r.cut {
		se.hashes[r.hash] = struct{}{}
	}
	if f := r.f; f != nil {
		f.Run = run
		se.rep.Counts[f.Kind]++
		if se.first[f.Kind] == nil {
			if r.first == nil || r.first.f != f {
				panic("sim: the exploration lost a finding") // the first of its kind in a task is kept
			}
			se.first[f.Kind] = r.first
			se.rep.Findings = append(se.rep.Findings, f)
		}
		if se.opts.stops(f) {
			se.limit = min(se.limit, run+1)
		}
	}
	if r.history != nil {
		se.opts.OnExecution(run, r.history, r.f)
	}
	if se.rep.Runs >= se.limit {
		se.stop = true
		se.cond.Broadcast()
	}
}

// exhaust records that a sampling strategy had nothing left at run.
// Called with the lock held.
func (se *search) exhaust(run int) {
	if run <= se.limit {
		se.limit, se.exhausted = run, true
	}
}

// report finishes the report: the traces of the first findings, and what
// only the end can tell.
func (se *search) report() *Report {
	rep := se.rep
	for _, f := range rep.Findings {
		ff := se.first[f.Kind]
		f.Trace = captureTrace(se.s, se.opts, ff.info, ff.decisions, f.Run, f)
	}
	if se.split != nil {
		rep.TerminalStates = len(se.hashes)
		rep.Exhausted = !se.stop
	} else {
		rep.Exhausted = se.exhausted
	}
	rep.Interrupted = se.halted
	if se.opts.Coverage {
		rep.Coverage, rep.covSet = se.cov.coverage(), &se.cov
	}
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
