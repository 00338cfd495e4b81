package sim

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/simrun/simrun/scheduler"
)

// This file splits an exploration into shards that run anywhere — separate
// processes, the pods of a Kubernetes Indexed Job, a CI matrix, Bazel's
// test shards — and merges their reports into exactly what one machine
// would have found.
//
// The exploration loop (search.go) already runs every strategy as tasks in
// a fixed sequential order and numbers executions in that order. A shard
// runs a deterministic slice of those tasks and reports, for each, every
// counted execution in order (steps, finding kind, terminal-state hash,
// the strategy's statistics, what the caller measures) and the first
// finding of each kind with its decisions. The merge sorts the tasks of all
// shards into the sequential order and folds their executions exactly as
// search.fold does on one machine; so run numbers, counts, the stop rule
// and the budget cut come out the same. The slices:
//
//   - sampling strategies (random, PCT): blocks of blockRuns runs, block b
//     to shard b mod N;
//   - bounded DFS: every task to the shard its hash names. A shard learns
//     the subtasks of a task it does not own by running that task's first
//     execution only (DFS splits off every subtask of a task in its first
//     execution). The walk of each preemption level 1..bound is queued up
//     front, since which levels exist is known only at the end of the
//     level below; a level with no execution counts nothing;
//   - DPOR (its tasks are not dealt across shards yet) and unbounded DFS:
//     the whole search on shard 0.
//
// Every shard runs its slice of the whole budget with the stop rule off;
// the merge applies the cut (StopOnFinding, StopOnKind, Hunt's
// StopOnExpected, Runs), so a shard never needs to know what the others
// found.

// ShardFormat is the version of the shard report format. Merge refuses
// reports of another version.
const ShardFormat = 1

// Shard is one of Count slices of an exploration, numbered from 0.
type Shard struct{ Index, Count int }

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Validate reports a shard outside 0 <= Index < Count.
func (s Shard) Validate() error {
	if s.Count < 1 || s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("shard %d/%d: want 0 <= index < count", s.Index, s.Count)
	}
	return nil
}

// ParseShard parses "I/N".
func ParseShard(str string) (Shard, error) {
	i, n, ok := strings.Cut(str, "/")
	a, err1 := strconv.Atoi(i)
	b, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want I/N, as 0/4", str)
	}
	s := Shard{a, b}
	return s, s.Validate()
}

// ShardReport is what one shard of a Hunt found: enough to merge it with
// the other shards into the hunt's verdict (Hunt.Merge).
type ShardReport struct {
	Format int    `json:"format"`
	Tool   string `json:"tool"`
	Shard  int    `json:"shard"`
	Shards int    `json:"shards"`
	// Config is the caller's description of the run (simrun stores its
	// command line): every shard of one run must have the same.
	Config json.RawMessage `json:"config,omitempty"`
	WallNS int64           `json:"wall_ns"`
	Stages []ShardStage    `json:"stages"` // one per stage of the hunt with a budget, in order
}

// ShardStage is what a shard found with one strategy of a hunt.
type ShardStage struct {
	Spec   scheduler.Spec `json:"spec"`
	Runs   int            `json:"runs"`
	WallNS int64          `json:"wall_ns"`
	Tasks  []ShardTask    `json:"tasks"` // the shard's tasks, in sequential order
}

// ShardTask is one task a shard ran: its counted executions, in order.
type ShardTask struct {
	Level  int   `json:"level,omitempty"`
	Prefix []int `json:"prefix,omitempty"`
	N      int   `json:"n"` // counted executions
	// Execs encodes each counted execution (see shardTask.add); JSON
	// writes it in base64.
	Execs []byte         `json:"execs"`
	Kinds []ShardFinding `json:"kinds,omitempty"` // the first finding of each kind in the task
	Keys  []string       `json:"keys,omitempty"`  // names of the measured values
	// The strategy's statistics after the last counted execution.
	Pruned    int    `json:"pruned,omitempty"`
	Redundant int    `json:"redundant,omitempty"`
	Err       string `json:"err,omitempty"`
	ErrAt     int    `json:"err_at,omitempty"` // the counted execution that first saw Err (N: after the last)
}

// ShardFinding is the first finding of one kind in a task, with what its
// trace is re-captured from.
type ShardFinding struct {
	Exec      int            `json:"exec"` // its index among the task's counted executions
	Kind      Kind           `json:"kind"`
	Message   string         `json:"message"`
	Detail    string         `json:"detail,omitempty"`
	Step      int            `json:"step"`
	Actor     string         `json:"actor,omitempty"`
	Seed      uint64         `json:"seed"`
	Steps     int            `json:"steps"`
	Decisions []int          `json:"decisions"`
	Info      scheduler.Info `json:"info"`
}

// Measured is what Hunt.Merge knows of one execution in place of its
// History: the virtual time at its end, its actors, and the values the
// shard's measure function took from its history.
type Measured struct {
	Now    Duration
	Actors int
	Values map[string]float64
}

// IncompleteError is the error of a merge that lacks shards: its verdict
// is inconclusive, never verified.
type IncompleteError struct {
	Shards  int
	Missing []int
}

func (e *IncompleteError) Error() string {
	s := make([]string, len(e.Missing))
	for i, m := range e.Missing {
		s[i] = strconv.Itoa(m)
	}
	return fmt.Sprintf("inconclusive: missing %d of %d shard reports (shards %s)", len(e.Missing), e.Shards, strings.Join(s, ", "))
}

// Shard modes.
const (
	shardBlocks = iota // blocks of runs, round robin
	shardTasks         // bounded DFS: tasks by hash
	shardWhole         // the whole search on shard 0
)

// sharding is the state of a search that runs one shard.
type sharding struct {
	sh      Shard
	mode    int
	measure func(*History) map[string]float64
	tasks   []ShardTask
	total   int // counted executions in tasks
}

// skipBlocks moves se past the blocks of runs other shards own. Called
// with the lock held.
func (d *sharding) skipBlocks(se *search) {
	for se.split == nil && se.blocks*blockRuns < se.limit && se.blocks%d.sh.Count != d.sh.Index {
		se.blocks++
	}
}

// start sets up a task a worker took. Called with the lock held.
func (d *sharding) start(se *search, tr *taskRun) {
	tr.skim = d.mode == shardTasks && taskHash(tr.task)%uint64(d.sh.Count) != uint64(d.sh.Index)
	tr.st = &shardTask{t: ShardTask{Level: tr.task.Level, Prefix: tr.task.Prefix}, split: se.split != nil, measure: d.measure}
	if d.beyondBudget(se, &tr.st.t) {
		tr.skim, tr.st.skip = true, true // run nothing, report nothing
	}
}

// runs returns how many executions of a task the shard runs, where n is
// what one machine would run (-1: until the strategy has none left): one
// to learn the subtasks of a task another shard owns; none of a task that
// the budget cannot reach (see start).
func (d *sharding) runs(tr *taskRun, n int) int {
	switch {
	case tr.st.skip:
		return 0
	case tr.skim:
		return 1 // the first execution hands out the subtasks
	}
	return n
}

// beyondBudget reports whether the shard's own executions in the tasks
// before t already fill the budget, so that one machine would cut the
// exploration before t. Called with the lock held.
func (d *sharding) beyondBudget(se *search, t *ShardTask) bool {
	if d.total < se.limit {
		return false
	}
	before := 0
	for i := range d.tasks {
		if u := &d.tasks[i]; compareShardTask(u, t) < 0 {
			before += u.N
		}
	}
	return before >= se.limit
}

// full reports whether a task has run as many counted executions as the
// budget: the cut lies at or before the last. Called with the lock held.
func (d *sharding) full(se *search, tr *taskRun) bool {
	return !tr.skim && tr.st.t.N >= se.limit
}

// drop reports whether a spawned task is one the shard queued up front:
// the walk of a preemption level.
func (d *sharding) drop(t scheduler.Task) bool {
	return d.mode == shardTasks && len(t.Prefix) == 0 && t.Level > 0
}

// finish keeps what a task found. Called with the lock held.
func (d *sharding) finish(tr *taskRun) {
	if !tr.skim {
		d.tasks = append(d.tasks, tr.st.t)
		d.total += tr.st.t.N
	}
}

func taskHash(t scheduler.Task) uint64 {
	h := fnv.New64a()
	var b []byte
	b = binary.AppendUvarint(b, uint64(t.Level))
	for _, p := range t.Prefix {
		b = binary.AppendUvarint(b, uint64(p))
	}
	h.Write(b)
	return h.Sum64()
}

// shardTask builds the ShardTask of one task, on the worker that runs it.
type shardTask struct {
	t                 ShardTask
	split             bool
	measure           func(*History) map[string]float64
	skip              bool // beyond the budget: not run
	kinds             map[Kind]int
	keys              map[string]int
	pruned, redundant int // the strategy's, at the last counted execution
}

// add records one counted execution:
//
//	uvarint steps, uvarint kind (0: none, k: Kinds[k-1]), uvarint actors,
//	varint virtual time, [Splitter: 8 bytes terminal-state hash, uvarint
//	pruned and redundant since the previous one], uvarint number of
//	measured values, each uvarint key (index into Keys) and 8 bytes float.
//
// The pruned and redundant counts are rec's (runTask takes them from the
// strategy); searchErr is the strategy's error so far, if any.
func (st *shardTask) add(rec execRec, f *Finding, decisions []int, info scheduler.Info, searchErr string) {
	b := binary.AppendUvarint(st.t.Execs, uint64(rec.steps))
	k := 0
	if f != nil {
		i, ok := st.kinds[f.Kind]
		if !ok {
			if st.kinds == nil {
				st.kinds = map[Kind]int{}
			}
			i = len(st.t.Kinds)
			st.kinds[f.Kind] = i
			st.t.Kinds = append(st.t.Kinds, ShardFinding{Exec: st.t.N, Kind: f.Kind, Message: f.Message, Detail: f.Detail,
				Step: f.Step, Actor: f.Actor, Seed: f.Seed, Steps: f.Steps, Decisions: slices.Clone(decisions), Info: info})
		}
		k = i + 1
	}
	h := rec.history
	b = binary.AppendUvarint(b, uint64(k))
	b = binary.AppendUvarint(b, uint64(len(h.Actors)))
	b = binary.AppendVarint(b, int64(h.Now))
	if st.split {
		b = binary.LittleEndian.AppendUint64(b, rec.hash)
		b = binary.AppendUvarint(b, uint64(rec.pruned))
		b = binary.AppendUvarint(b, uint64(rec.redundant))
		st.pruned += int(rec.pruned)
		st.redundant += int(rec.redundant)
		if searchErr != "" && st.t.Err == "" {
			st.t.Err, st.t.ErrAt = searchErr, st.t.N
		}
	}
	var vals map[string]float64
	if st.measure != nil {
		vals = st.measure(h)
	}
	names := make([]string, 0, len(vals))
	for name := range vals {
		names = append(names, name)
	}
	slices.Sort(names) // the encoding must not depend on map order
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, name := range names {
		i, ok := st.keys[name]
		if !ok {
			if st.keys == nil {
				st.keys = map[string]int{}
			}
			i = len(st.t.Keys)
			st.keys[name] = i
			st.t.Keys = append(st.t.Keys, name)
		}
		b = binary.AppendUvarint(b, uint64(i))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(vals[name]))
	}
	st.t.Execs = b
	st.t.N++
}

// end records the strategy's statistics after the task's last counted
// execution (what uncounted re-runs after it added).
func (st *shardTask) end(strat scheduler.Strategy) {
	r, ok := strat.(scheduler.Reporter)
	if !ok || !st.split {
		return
	}
	s := r.Stats()
	st.t.Pruned, st.t.Redundant = s.Pruned-st.pruned, s.Redundant-st.redundant
	if s.Err != "" && st.t.Err == "" {
		st.t.Err, st.t.ErrAt = s.Err, st.t.N
	}
}

// exploreShard runs shard sh of Explore(s, opts), its whole slice of
// opts.Runs with the stop rule off.
func exploreShard(s Scenario, opts Options, sh Shard, measure func(*History) map[string]float64) (ShardStage, error) {
	opts.StopOnFinding, opts.StopOnKind, opts.OnExecution, opts.Progress = false, "", nil, nil
	if err := opts.fill(); err != nil {
		return ShardStage{}, err
	}
	se := newSearch(s, &opts)
	d := &sharding{sh: sh, measure: measure}
	se.shard = d
	if dfs, ok := opts.Strategy.(*scheduler.DFS); ok && dfs.Bound() >= 0 {
		d.mode = shardTasks
		for lv := 1; lv <= dfs.Bound(); lv++ {
			se.pending.Push(scheduler.Task{Level: lv})
		}
	} else if se.split != nil {
		d.mode = shardWhole
		if sh.Index != 0 {
			se.pending = scheduler.TaskQueue{}
		}
	}
	if opts.Watchdog > 0 {
		// A shard has no partial report to return: a hang ends it through
		// OnHang (the command line exits), or panics with the finding.
		defer watch(&opts, &se.finished, func() {
			f := se.hungFinding()
			if opts.OnHang != nil {
				opts.OnHang(f.Message)
				return
			}
			panic("sim: " + f.Message)
		})()
	}
	se.run(opts.Workers)
	slices.SortFunc(d.tasks, func(a, b ShardTask) int { return compareShardTask(&a, &b) })
	if d.tasks == nil {
		d.tasks = []ShardTask{}
	}
	return ShardStage{Spec: opts.Strategy.Info(), Runs: opts.Runs, WallNS: int64(time.Since(se.start)), Tasks: d.tasks}, nil
}

func compareShardTask(a, b *ShardTask) int {
	return scheduler.CompareTask(scheduler.Task{Level: a.Level, Prefix: a.Prefix}, scheduler.Task{Level: b.Level, Prefix: b.Prefix})
}

// RunShard runs shard sh of the hunt: every strategy, each on its whole
// share of the budget (StopOnExpected and the stop rule are applied by
// Merge), its slice of the tasks only. measure, if set, is called with the
// history of every counted execution; Merge hands what it returns to its
// onExec in place of Options.OnExecution, which a shard does not call.
func (h Hunt) RunShard(s Scenario, sh Shard, measure func(*History) map[string]float64) (*ShardReport, error) {
	start := time.Now()
	if err := sh.Validate(); err != nil {
		return nil, err
	}
	stages, err := h.plan(s)
	if err != nil {
		return nil, err
	}
	rep := &ShardReport{Format: ShardFormat, Tool: ToolVersion, Shard: sh.Index, Shards: sh.Count, Stages: []ShardStage{}}
	for _, sg := range stages {
		if sg.runs == 0 {
			continue
		}
		o := h.Options
		o.Strategy, o.Runs = sg.strat, sg.runs
		st, err := exploreShard(s, o, sh, measure)
		if err != nil {
			return nil, fmt.Errorf("hunt with %s: %w", sg.spec, err)
		}
		st.Spec = sg.spec
		rep.Stages = append(rep.Stages, st)
	}
	rep.WallNS = int64(time.Since(start))
	return rep, nil
}

// CheckShards reports whether reps are the complete set of shards of one
// run of this simrun: the same format, tool version, configuration and
// shard count, each index once. A set that lacks shards gives an *IncompleteError.
func CheckShards(reps []*ShardReport) error {
	if len(reps) == 0 {
		return errors.New("no shard reports")
	}
	r0 := reps[0]
	seen := make([]bool, max(r0.Shards, 0))
	for _, r := range reps {
		switch {
		case r.Format != ShardFormat:
			return fmt.Errorf("shard %d: report format %d, this simrun reads %d", r.Shard, r.Format, ShardFormat)
		case r.Tool != ToolVersion:
			// The merge re-runs parts of the exploration (traces,
			// minimization): only the same simrun gives the same answer.
			return fmt.Errorf("shard %d was written by %q, this is %q", r.Shard, r.Tool, ToolVersion)
		case r.Shards != r0.Shards:
			return fmt.Errorf("shard %d is one of %d shards, shard %d one of %d", r.Shard, r.Shards, r0.Shard, r0.Shards)
		case string(r.Config) != string(r0.Config):
			return fmt.Errorf("shard %d ran another configuration than shard %d", r.Shard, r0.Shard)
		case (Shard{r.Shard, r.Shards}).Validate() != nil:
			return fmt.Errorf("bad shard %d/%d", r.Shard, r.Shards)
		case seen[r.Shard]:
			return fmt.Errorf("shard %d/%d given twice", r.Shard, r.Shards)
		case len(r.Stages) != len(r0.Stages):
			return fmt.Errorf("shard %d ran %d strategies, shard %d ran %d", r.Shard, len(r.Stages), r0.Shard, len(r0.Stages))
		}
		for i := range r.Stages {
			if a, b := r.Stages[i], r0.Stages[i]; a.Spec.String() != b.Spec.String() || a.Runs != b.Runs {
				return fmt.Errorf("shard %d ran %s on %d runs where shard %d ran %s on %d", r.Shard, a.Spec, a.Runs, r0.Shard, b.Spec, b.Runs)
			}
		}
		seen[r.Shard] = true
	}
	var missing []int
	for i, ok := range seen {
		if !ok {
			missing = append(missing, i)
		}
	}
	if missing != nil {
		return &IncompleteError{Shards: r0.Shards, Missing: missing}
	}
	return nil
}

// Merge combines the reports of every shard of this hunt (run with
// RunShard, the same Hunt and scenario) into the verdict Hunt.Run would
// return on one machine: the same runs, counts, findings with their traces
// (re-captured from their decisions, and minimized as Run does), the same
// cut by the stop rule and the budget. onExec, if set, is called for every
// counted execution in order, as Options.OnExecution would be (run counts
// within its strategy's executions). Wall times
// are the longest shard's plus the merge's. A set of reports that lacks
// shards gives an *IncompleteError.
func (h Hunt) Merge(s Scenario, v Variant, reps []*ShardReport, onExec func(run int, m Measured, f *Finding)) (*Verdict, error) {
	start := time.Now()
	if err := CheckShards(reps); err != nil {
		return nil, err
	}
	stages, err := h.plan(s)
	if err != nil {
		return nil, err
	}
	st := h.hunting(stages, v)
	si := 0
	var wall int64
	for _, r := range reps {
		wall = max(wall, r.WallNS)
	}
	for _, sg := range stages {
		if sg.runs == 0 {
			continue
		}
		if si >= len(reps[0].Stages) || reps[0].Stages[si].Spec.String() != sg.spec.String() || reps[0].Stages[si].Runs != sg.runs {
			return nil, fmt.Errorf("the shard reports do not match the hunt at its strategy %s", sg.spec)
		}
		parts := make([]*ShardStage, len(reps))
		var stageWall int64
		for i, r := range reps {
			parts[i] = &r.Stages[si]
			stageWall = max(stageWall, parts[i].WallNS)
		}
		si++
		o := h.Options
		o.Strategy, o.Runs, o.StopOnKind, o.OnExecution, o.Progress = sg.strat, sg.runs, st.stop, nil, nil
		if err := o.fill(); err != nil {
			return nil, fmt.Errorf("hunt with %s: %w", sg.spec, err)
		}
		rep, err := mergeStage(s, &o, parts, func(run int, m Measured, f *Finding) {
			if st.countActors {
				st.actors = max(st.actors, m.Actors)
			}
			if onExec != nil {
				onExec(run, m, f)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("hunt with %s: %w", sg.spec, err)
		}
		rep.Wall = time.Duration(stageWall)
		st.record(s, sg, rep)
		if st.done() {
			break
		}
	}
	vd := st.verdict(v, start)
	vd.Wall += time.Duration(wall)
	return vd, nil
}

// mergeStage folds the tasks of every shard of one stage in sequential
// order, as search.fold does on one machine, and finishes the report.
func mergeStage(s Scenario, opts *Options, parts []*ShardStage, onExec func(run int, m Measured, f *Finding)) (*Report, error) {
	var tasks []*ShardTask
	for _, p := range parts {
		for i := range p.Tasks {
			tasks = append(tasks, &p.Tasks[i])
		}
	}
	slices.SortStableFunc(tasks, compareShardTask)
	se := emptySearch(s, opts)
	for i, t := range tasks {
		if i > 0 && compareShardTask(tasks[i-1], t) == 0 {
			return nil, fmt.Errorf("task %d%v is in two shard reports", t.Level, t.Prefix)
		}
		if err := se.foldTask(t, onExec); err != nil {
			return nil, err
		}
		if se.stop {
			break
		}
	}
	return se.report(), nil
}

// foldTask numbers the executions of one task of a shard report.
func (se *search) foldTask(t *ShardTask, onExec func(run int, m Measured, f *Finding)) error {
	bad := fmt.Errorf("task %d%v: corrupt execution records", t.Level, t.Prefix)
	b := t.Execs
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			b = nil
			return 0
		}
		b = b[n:]
		return v
	}
	u64 := func() uint64 {
		if len(b) < 8 {
			b = nil
			return 0
		}
		v := binary.LittleEndian.Uint64(b)
		b = b[8:]
		return v
	}
	for j := 0; j < t.N; j++ {
		if b == nil {
			return bad
		}
		rec := execRec{steps: int32(uv())}
		k := int(uv())
		m := Measured{Actors: int(uv())}
		now, n := binary.Varint(b)
		if n <= 0 {
			return bad
		}
		b = b[n:]
		m.Now = Duration(now)
		if se.split != nil {
			rec.hash = u64()
			rec.pruned, rec.redundant = int32(uv()), int32(uv()) // fold sums them
		}
		for range int(uv()) {
			key := int(uv())
			val := math.Float64frombits(u64())
			if key >= len(t.Keys) || b == nil {
				return bad
			}
			if m.Values == nil {
				m.Values = map[string]float64{}
			}
			m.Values[t.Keys[key]] = val
		}
		if k > len(t.Kinds) || b == nil {
			return bad
		}
		if k > 0 {
			sf := &t.Kinds[k-1]
			rec.f = &Finding{Kind: sf.Kind}
			if sf.Exec == j {
				rec.f = &Finding{Kind: sf.Kind, Message: sf.Message, Detail: sf.Detail, Step: sf.Step, Actor: sf.Actor, Seed: sf.Seed, Steps: sf.Steps}
				rec.first = &firstFinding{f: rec.f, decisions: sf.Decisions, info: sf.Info}
			} else if sf.Exec > j {
				return bad
			}
		}
		run := se.rep.Runs
		if rec.f != nil && se.first[rec.f.Kind] == nil && rec.first == nil {
			return bad // fold would lose the finding
		}
		se.fold(rec)
		if se.rep.Runs > run {
			onExec(run, m, rec.f)
		}
		if se.stop {
			// One machine stops the task here.
			if t.Err != "" && t.ErrAt <= j {
				se.rep.Errors = append(se.rep.Errors, t.Err)
			}
			return nil
		}
	}
	if len(b) != 0 {
		return bad
	}
	se.rep.Pruned += t.Pruned
	se.rep.Redundant += t.Redundant
	if t.Err != "" {
		se.rep.Errors = append(se.rep.Errors, t.Err)
	}
	return nil
}

// cmpShards orders shard reports by index.
func cmpShards(a, b *ShardReport) int { return cmp.Compare(a.Shard, b.Shard) }

// SortShards puts reports in shard order: Merge's result does not depend
// on the order, but its errors name the first report.
func SortShards(reps []*ShardReport) { slices.SortStableFunc(reps, cmpShards) }
