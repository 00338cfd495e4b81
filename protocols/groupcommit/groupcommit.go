// Package groupcommit holds what every binlog group-commit protocol of the
// MWL#116 review shares: the client workload (threads committing
// transactions), the storage engines with their prepare, prepare_ordered,
// commit_ordered and commit, and the binlog with its group write and single
// fsync (group_log_xid). A protocol supplies only the part the review argues
// about: how a transaction takes its place in the commit queue, how the
// leader runs the group, and how the others are woken.
//
// Every step that matters records an event of package checkers, so the
// commit-order checker judges every protocol the same way.
package groupcommit

import (
	"errors"
	"fmt"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/sim"
)

// Config is the workload.
type Config struct {
	Threads int `json:"threads"` // client connections, each a THD
	Txns    int `json:"txns"`    // transactions per thread, run one after another
	Engines int `json:"engines"` // storage engines every transaction writes to (1 or 2)
	// Readers is the number of reader actors, each taking Snapshots
	// consistent snapshots (START TRANSACTION WITH CONSISTENT SNAPSHOT).
	Readers int `json:"readers,omitempty"`
	// XidErrors lets the strategy make group_log_xid fail (Choose): one
	// transaction's binlog write, or the fsync of the whole group.
	XidErrors bool `json:"xid_errors,omitempty"`
	// FsyncErrorsOnly restricts XidErrors to the group's fsync: no single
	// transaction's write fails.
	FsyncErrorsOnly bool `json:"-"`
	// Crash crashes the server at a storage step the strategy chooses
	// (Choose), then recovers it from the binlog (Server.Run).
	Crash bool `json:"crash,omitempty"`
	// ExtraSteps is how many storage steps (Server.StorageStep) per
	// transaction a protocol makes beyond the engines' and the binlog's
	// (a rotate, a checkpoint): the crash may fall at those too.
	ExtraSteps int `json:"-"`
	// RunAfterCrash makes the threads start their transactions after a
	// crash too, their storage steps lost: where a transaction waits for
	// another's (in-order commit), every transaction must run, or its
	// waiter waits forever.
	RunAfterCrash bool `json:"-"`
	// Cost prices the protocol's I/O; the zero Cost leaves it free, the
	// default for checking.
	Cost Cost `json:"-"`
}

// Cost is what group commit's I/O costs in virtual time: the protocol's
// part of the cost model, which the runtime's (sim.Cost: CPU, wakeups,
// processors) does not know. Both latencies hold no CPU.
type Cost struct {
	// Fsync is the latency of one fsync of the binlog.
	Fsync sim.Duration
	// EngineFsync is the latency of a storage engine's own log fsync in
	// prepare() (innodb_flush_log_at_trx_commit=1). Zero leaves prepare()
	// without a step of its own.
	EngineFsync sim.Duration
	// Devices is how many fsyncs the server's disk serves at once: with
	// it, every fsync (the binlog's, and each engine's own, grouped as
	// InnoDB's log group commit groups them) queues for the device. Each
	// log's own fsyncs run one at a time whatever Devices is (LOCK_log,
	// log_write_up_to), so more devices than logs change nothing. Zero
	// gives every fsync a disk of its own (no disk queueing).
	Devices int
}

// CostParams lists the parameters of Cost, as named on the command line
// (-cost name=value), with their reference values and sources.
var CostParams = sim.CostModel[Cost]{
	{CostDoc: sim.CostDoc{Name: "fsync", Doc: "latency of one log fsync (no CPU)",
		Reference: "10ms", Source: "a rotating disk with its write cache off (Percona's RAID10, reference notes §2): about one revolution (8.3 ms at 7200 rpm) plus settle, the usual ~100 synchronous writes/s"},
		Dur: func(c *Cost) *sim.Duration { return &c.Fsync }},
	{CostDoc: sim.CostDoc{Name: "engine-fsync", Doc: "latency of a storage engine's own log fsync in prepare() (innodb_flush_log_at_trx_commit=1; no CPU)",
		Reference: "10ms", Source: "the same disk as fsync: every published benchmark ran with innodb_flush_log_at_trx_commit=1 (reference notes §2)"},
		Dur: func(c *Cost) *sim.Duration { return &c.EngineFsync }},
	{CostDoc: sim.CostDoc{Name: "devices", Doc: "fsyncs the disk serves at once; every log fsync queues for it (0 = each fsync its own disk, no queueing)",
		Reference: "1", Source: "Percona's benchmark names one storage, a RAID10 of 8 disks with its write cache off, for both logs (sync_binlog=1, innodb_flush_log_at_trx_commit=1; reference notes §2): an fsync returns once its writes are on both disks of a mirror, and the logs' sequential appends land on one mirror pair after another, one at a time; an estimate, -cost devices=4 prices the four pairs as independent (with one engine no more than two fsyncs, one per log, are in flight at once, so devices=2 gives the same)"},
		Num: func(c *Cost) *int { return &c.Devices }},
}

// ReferenceCost returns Cost with every parameter at its reference value:
// what simrun bench prices with.
func ReferenceCost() Cost { return CostParams.Reference() }

// Snapshots is the number of consistent snapshots each reader takes.
const Snapshots = 2

// Validate reports an impossible configuration.
func (c Config) Validate() error {
	switch {
	case c.Threads < 1:
		return fmt.Errorf("threads must be at least 1, got %d", c.Threads)
	case c.Threads > 1024:
		return fmt.Errorf("threads must be at most 1024, got %d", c.Threads)
	case c.Txns < 1:
		return fmt.Errorf("txns must be at least 1, got %d", c.Txns)
	case c.Engines < 1 || c.Engines > 2:
		return fmt.Errorf("engines must be 1 or 2, got %d", c.Engines)
	case c.Readers < 0 || c.Readers > 64:
		return fmt.Errorf("readers must be between 0 and 64, got %d", c.Readers)
	}
	return nil
}

// ErrXid is the error group_log_xid reports to a transaction whose binlog
// write failed (thd->xid_error).
var ErrXid = errors.New("xid_error")

// Engine is a transactional storage engine: each of its methods is one
// visible step (the engine's own internal locking makes it atomic).
type Engine struct {
	ID  int
	obj *sim.Object
	x   *sim.Execution
	s   *Server
	// Visible is the engine's commit order: the transactions made visible
	// by commit_ordered, in order.
	Visible []checkers.Txn
	// prepared holds the transactions prepared (durably) in the engine.
	prepared []checkers.Txn
}

// Prepare is the engine's prepare(): the transaction is durable as
// prepared.
func (e *Engine) Prepare(t checkers.Txn) {
	if d := e.s.Config.Cost.EngineFsync; d > 0 { // innodb_flush_log_at_trx_commit=1; no step when unpriced
		if e.s.disk != nil {
			e.s.disk.engineFsync(e.ID, d)
		} else {
			e.x.Sleep(d)
		}
	}
	e.s.StorageStep(e.obj, func() {
		e.prepared = append(e.prepared, t)
		e.x.Record(e.s.events.engineEvent(stepPrepared, t, e.ID))
	})
}

// PrepareOrdered is prepare_ordered(): called in commit order.
func (e *Engine) PrepareOrdered(t checkers.Txn) {
	e.s.StorageStep(e.obj, func() { e.x.Record(e.s.events.engineEvent(stepPrepareOrdered, t, e.ID)) })
}

// CommitOrdered is commit_ordered(): the transaction becomes visible, in
// commit order.
func (e *Engine) CommitOrdered(t checkers.Txn) {
	e.s.StorageStep(e.obj, func() {
		e.Visible = append(e.Visible, t)
		e.x.Record(e.s.events.engineEvent(stepCommitOrdered, t, e.ID))
	})
}

// Commit is the engine's commit(), run by the transaction's own thread.
func (e *Engine) Commit(t checkers.Txn) {
	e.s.StorageStep(e.obj, func() { e.x.Record(e.s.events.engineEvent(stepCommitted, t, e.ID)) })
}

// StartConsistentSnapshot is the engine's start_consistent_snapshot(): the
// transactions visible now, in commit order.
func (e *Engine) StartConsistentSnapshot() []checkers.Txn {
	var view []checkers.Txn
	e.obj.Do(func() { view = append(view, e.Visible...) })
	return view
}

// Binlog is the binary log, the transaction coordinator.
type Binlog struct {
	x      *sim.Execution
	obj    *sim.Object
	s      *Server
	groups int
	// Entries is the binlog's content in order: every written entry of a
	// group whose fsync has not failed.
	Entries []checkers.Txn
	synced  int // Entries[:synced] are durable
	// lastCommitPos is the binlog position up to which transactions are
	// commit_ordered (last_commit_pos), what a snapshot reports.
	lastCommitPos int
	failed        []checkers.Txn // transactions whose group_log_xid failed
}

// GroupLogXid is group_log_xid(): it writes every transaction of the
// group to the binlog in queue order (one step) and fsyncs once
// (Config.Cost.Fsync). It returns the binlog position after the group
// and, for each transaction of the group, whether it failed
// (thd->xid_error). With Config.XidErrors the strategy chooses (Choose
// "xid_error") whether one transaction's write fails or the fsync fails,
// which fails every transaction of the group.
func (b *Binlog) GroupLogXid(group []checkers.Txn) (pos int, xidError []bool) {
	b.x.Probe("group size", len(group), min(b.s.Config.Threads, 2)) // a group of one is no group commit
	b.groups++
	g := b.groups
	xidError = make([]bool, len(group))
	badWrite, badSync := -1, false
	if b.s.Config.XidErrors && len(group) > 0 && b.x.Choose("xid_error", 2) == 1 {
		if b.s.Config.FsyncErrorsOnly {
			badSync = true
		} else if k := b.x.Choose("xid_error_entry", len(group)+1); k == len(group) {
			badSync = true
		} else {
			badWrite = k
		}
	}
	b.s.StorageStep(b.obj, func() {
		for i, t := range group {
			if i == badWrite {
				xidError[i] = true
				b.failed = append(b.failed, t)
				b.x.Record(checkers.XidError{Txn: t, Group: g})
				continue
			}
			b.Entries = append(b.Entries, t)
			b.x.Record(b.s.events.binlogWriteOf(t, g))
		}
	})
	if d := b.s.Config.Cost.Fsync; d > 0 && b.s.disk != nil {
		b.s.disk.fsync(d)
	} else {
		b.x.Sleep(d)
	}
	synced := b.s.StorageStep(b.obj, func() {
		if badSync {
			// The failed group is cut from the binlog: none of it is
			// durable, every entry gets the error.
			b.Entries = b.Entries[:b.synced]
			for i := range xidError {
				xidError[i] = true
			}
			b.failed = append(b.failed, group...)
		}
		b.synced = len(b.Entries)
		b.x.Record(b.s.events.binlogSyncOf(g, badSync))
	})
	if !synced {
		return len(b.Entries), xidError
	}
	return b.synced, xidError
}

// SetLastCommitPos publishes the binlog position up to which transactions
// are commit_ordered (last_commit_pos); protocols call it under
// LOCK_commit_ordered, together with the group's commit_ordered calls.
func (b *Binlog) SetLastCommitPos(pos int) {
	b.s.StorageStep(b.obj, func() { b.lastCommitPos = pos })
}

// StartConsistentSnapshot is the binlog's start_consistent_snapshot(): the
// position last published with SetLastCommitPos.
func (b *Binlog) StartConsistentSnapshot() int {
	var pos int
	b.obj.Do(func() { pos = b.lastCommitPos })
	return pos
}

// Server is the shared state of one execution: the binlog and the engines.
type Server struct {
	X       *sim.Execution
	Config  Config
	Binlog  *Binlog
	Engines []*Engine

	disk      *disk      // nil unless Cost.Devices queues the fsyncs
	events    *events    // the scenario's boxed events (nil: box each)
	mem       *serverMem // the memory the server is in
	commit    Committer  // the threads' commit, for the functions in mem (nil: no RunThreads has used them)
	crashAt   int        // the storage step at which the server crashes
	storeOps  int        // storage steps so far
	crashed   bool
	crashInfo checkers.Crash

	// Recovery, when set, is the protocol's own crash recovery from the
	// durable state at the crash, replacing Recover's (the binlog replayed
	// after each engine's last commit).
	Recovery func(checkers.Crash) checkers.Recovered
}

// NewServer creates the binlog and the engines, and registers the
// commit-order checker, and the snapshot, recovery and linearizability
// checkers when the configuration has readers or a crash. With Config.Crash it asks the
// strategy (Choose "crash-at") at which storage step the crash falls; a
// value past the last step crashes after the workload.
func NewServer(x *sim.Execution, cfg Config) *Server { return newServer(x, cfg, nil) }

// newServer is NewServer recording the boxed events of ev (nil: each
// event boxed when recorded).
func newServer(x *sim.Execution, cfg Config, ev *events) *Server {
	// A new server is made for every execution: the memory of the last
	// one on this worker holds it, its binlog and its engines, the
	// commit-order monitor, the logs they fill and the threads' actors,
	// unless the workload is too big for the arrays of a small one. Every
	// field is set anew below; what the execution records copies what it
	// keeps (crash, snapshots), so nothing points into the memory after
	// the execution.
	mem, _ := sim.Reuse[serverMem](x)
	n := cfg.Threads * cfg.Txns
	logs := mem.logs[:]
	if need := n * (1 + 2*cfg.Engines); need > len(logs) {
		logs = make([]checkers.Txn, need)
	}
	s := &mem.server
	*s = Server{X: x, Config: cfg, events: ev, mem: mem}
	s.Binlog = &mem.binlog
	// The binlog's and engines' objects are the memory's too, made anew
	// in place (sim.InitObject): nothing outside the server sees them.
	*s.Binlog = Binlog{x: x, s: s, obj: sim.InitObject(x, &mem.objs[0], "binlog"), Entries: logs[0:0:n]}
	s.Engines = mem.ptrs[:0]
	for i := 0; i < cfg.Engines; i++ {
		at := n * (1 + 2*i)
		e := &mem.engines[i]
		*e = Engine{ID: i, x: x, s: s, obj: sim.InitObject(x, &mem.objs[1+i], engineNames[i]),
			Visible: logs[at : at : at+n], prepared: logs[at+n : at+n : at+2*n]}
		s.Engines = append(s.Engines, e)
	}
	if c := cfg.Cost; c.Devices > 0 && (c.Fsync > 0 || c.EngineFsync > 0) {
		s.disk = newDisk(x, cfg)
	}
	s.declareStates()
	s.crashAt = -1
	if cfg.Crash {
		// Storage steps of a transaction: per engine prepare,
		// prepare_ordered, commit_ordered, commit; binlog write, sync,
		// position.
		perTxn := 4*cfg.Engines + 3 + cfg.ExtraSteps
		s.crashAt = x.Choose("crash-at", cfg.Threads*cfg.Txns*perTxn+1)
	}
	x.Monitor(mem.monitor.Init())
	if cfg.Readers > 0 {
		x.Check(checkers.Snapshots)
	}
	if cfg.Crash {
		x.Check(checkers.Recovery)
	}
	if cfg.Readers > 0 || cfg.Crash {
		x.Check(checkers.Linearizable)
	}
	return s
}

// serverMem is the memory of a server, kept from one execution to the
// next (sim.Reuse).
type serverMem struct {
	server  Server
	binlog  Binlog
	engines [2]Engine
	ptrs    [2]*Engine
	objs    [3]sim.Object // the binlog's and the engines'
	logs    [smallLogs]checkers.Txn
	actors  [smallThreads]*sim.Actor
	monitor checkers.CommitOrderMonitor
	// The functions RunThreads and declareStates hand the runtime: they
	// read the server through its pointer, which the memory keeps, so
	// they are made once, by the first execution that needs them.
	threads [smallThreads + 1]func()
	states  [3]func() any // the engines' and the binlog's
}

// Crashed reports whether the server has crashed: storage steps are lost
// from then on, and threads start no new transaction.
func (s *Server) Crashed() bool { return s.crashed }

// crashPoint counts a storage step and reports whether the server is down:
// it crashes before the step the strategy chose.
func (s *Server) crashPoint() bool {
	if s.crashed {
		return true
	}
	if s.crashAt < 0 {
		return false
	}
	if s.storeOps == s.crashAt {
		s.crash()
		return true
	}
	s.storeOps++
	return false
}

// StorageStep runs fn atomically on obj as one storage step, the
// engines' and the binlog's or a protocol's own (a binlog rotate, a
// checkpoint event): the step counts towards the crash point, and once
// the server is down it is lost (fn does not run). It reports whether fn
// ran.
func (s *Server) StorageStep(obj *sim.Object, fn func()) bool {
	if s.crashPoint() {
		return false
	}
	obj.Do(fn)
	return true
}

// crash freezes the durable state. The engines' commits are not fsynced
// (the binlog is, and recovery replays from it), so each engine keeps a
// prefix of its commit order that the strategy chooses
// ("engineN-durable").
func (s *Server) crash() {
	s.crashed = true
	c := checkers.Crash{Binlog: append([]checkers.Txn(nil), s.Binlog.Entries[:s.Binlog.synced]...)}
	for _, e := range s.Engines {
		keep := s.X.Choose(fmt.Sprintf("engine%d-durable", e.ID), len(e.Visible)+1)
		c.Engines = append(c.Engines, append([]checkers.Txn(nil), e.Visible[:keep]...))
		c.Prepared = append(c.Prepared, append([]checkers.Txn(nil), e.prepared...))
	}
	s.crashInfo = c
	s.X.Record(c)
}

// Recover is crash recovery as in reference notes §1.5, with consistent
// commit order: the binlog is what fsynced; each engine finds its last
// committed transaction in the binlog and replays the binlog suffix after
// it (committing those of its prepared transactions, in binlog order);
// prepared transactions not in the binlog are rolled back. It records
// the Recovered state.
func (s *Server) Recover() {
	c := s.crashInfo
	if s.Recovery != nil {
		s.X.Record(s.Recovery(c))
		return
	}
	r := checkers.Recovered{Binlog: c.Binlog}
	for i := range s.Engines {
		committed := append([]checkers.Txn(nil), c.Engines[i]...)
		from := 0
		if n := len(committed); n > 0 {
			from = len(c.Binlog) // the last commit is not in the binlog: nothing to replay
			for k, t := range c.Binlog {
				if t == committed[n-1] {
					from = k + 1
				}
			}
		}
		prepared := map[checkers.Txn]bool{}
		for _, t := range c.Prepared[i] {
			prepared[t] = true
		}
		for _, t := range c.Binlog[from:] {
			if prepared[t] {
				committed = append(committed, t)
			}
		}
		r.Engines = append(r.Engines, committed)
	}
	s.X.Record(r)
}

// Prepare runs every engine's prepare() for t (ht->prepare()).
func (s *Server) Prepare(t checkers.Txn) { s.everyEngine((*Engine).Prepare, t) }

// PrepareOrdered runs every engine's prepare_ordered() for t.
func (s *Server) PrepareOrdered(t checkers.Txn) { s.everyEngine((*Engine).PrepareOrdered, t) }

// CommitOrdered runs every engine's commit_ordered() for t.
func (s *Server) CommitOrdered(t checkers.Txn) { s.everyEngine((*Engine).CommitOrdered, t) }

// Commit runs every engine's commit() for t.
func (s *Server) Commit(t checkers.Txn) { s.everyEngine((*Engine).Commit, t) }

// everyEngine runs an engine's step for t in every engine, in order.
func (s *Server) everyEngine(step func(*Engine, checkers.Txn), t checkers.Txn) {
	for _, e := range s.Engines {
		step(e, t)
	}
}

// Committer is a protocol's commit of one transaction by thread thread:
// everything from after prepare() to the return to the client. It returns
// ErrXid if the transaction's binlog write failed.
type Committer func(thread int, t checkers.Txn) error

// RunThreads spawns cfg.Threads client threads; each runs cfg.Txns
// transactions one after another: Begin, prepare() in every engine, then
// commit. Thread i is named "t<i>" and numbered from 1. After a crash a
// thread starts no new transaction. It returns the threads.
func (s *Server) RunThreads(commit Committer) []*sim.Actor {
	var actors []*sim.Actor
	var fns []func()
	if s.commit == nil && s.Config.Threads <= smallThreads {
		// The first call on a small workload: the threads' actors and
		// functions are the server memory's, the functions made once and
		// reading this execution's commit from the server. A second
		// call gets a slice and functions of its own.
		actors, fns = s.mem.actors[:0], s.mem.threads[:]
		s.commit = commit
	} else {
		actors = make([]*sim.Actor, 0, s.Config.Threads)
	}
	for i := 1; i <= s.Config.Threads; i++ {
		thread := i
		var fn func()
		if fns == nil {
			fn = func() { s.runThread(thread, commit) }
		} else {
			if fns[i] == nil {
				fns[i] = func() { s.runThread(thread, s.commit) }
			}
			fn = fns[i]
		}
		actors = append(actors, s.X.Go(ThreadName(thread), fn))
	}
	if s.X.SymmetricMembers() == s.Config.Threads {
		// NewTHDs declared each thread's objects: the thread's actor
		// completes its member of the symmetric group.
		for i, a := range actors {
			s.X.SymmetricMember(i+1, a)
		}
	}
	return actors
}

// runThread is client thread thread's body: its transactions one after
// another, each committed with commit.
func (s *Server) runThread(thread int, commit Committer) {
	for k := 1; k <= s.Config.Txns && (!s.crashed || s.Config.RunAfterCrash); k++ {
		t := checkers.Txn{Thread: thread, Seq: k}
		s.X.Record(s.events.beginOf(t))
		s.Prepare(t)
		err := commit(thread, t)
		s.X.Record(s.events.returnedOf(t, err != nil))
		if err == nil {
			s.checkDurable(t)
		}
	}
}

// checkDurable ends the execution with a durability finding when t is
// reported committed but is not in the fsynced binlog and visible in every
// engine. The commit-order checker finds the same at the end; checking at
// once also catches it in executions that never end (a thread that
// returned too early may start its next transaction while its entry is
// still queued, and send the leader round a cycle).
func (s *Server) checkDurable(t checkers.Txn) {
	if s.crashed {
		return
	}
	if contains(s.Binlog.failed, t) {
		s.X.Failf(checkers.XidErrorKind, "%v returned committed although its group_log_xid failed", t)
	}
	if !contains(s.Binlog.Entries[:s.Binlog.synced], t) {
		s.X.Failf(checkers.Durability, "%v returned committed but is not in the fsynced binlog", t)
	}
	for _, e := range s.Engines {
		if !contains(e.Visible, t) {
			s.X.Failf(checkers.Durability, "%v returned committed but is not visible in engine %d", t, e.ID)
		}
	}
}

func contains(ts []checkers.Txn, t checkers.Txn) bool {
	for _, u := range ts {
		if u == t {
			return true
		}
	}
	return false
}

// RunReaders spawns cfg.Readers reader actors ("r<i>", from 1); each takes
// Snapshots consistent snapshots: START TRANSACTION WITH CONSISTENT
// SNAPSHOT runs every engine's start_consistent_snapshot and the binlog's
// (which reports the position) under lock, LOCK_commit_ordered — or under
// no lock at all when lock is nil.
func (s *Server) RunReaders(lock *sim.Mutex) []*sim.Actor {
	var actors []*sim.Actor
	for i := 1; i <= s.Config.Readers; i++ {
		reader := i
		actors = append(actors, s.X.Go(fmt.Sprintf("r%d", reader), func() {
			for k := 1; k <= Snapshots && !s.crashed; k++ {
				s.X.Record(checkers.SnapshotBegin{Reader: reader, Seq: k})
				snap := checkers.Snapshot{Reader: reader, Seq: k}
				if lock != nil {
					lock.Lock()
				}
				for _, e := range s.Engines {
					snap.Engines = append(snap.Engines, e.StartConsistentSnapshot())
				}
				snap.Pos = s.Binlog.StartConsistentSnapshot()
				if lock != nil {
					lock.Unlock()
				}
				s.X.Record(snap)
			}
		}))
	}
	return actors
}

// Run is a whole group-commit scenario: the client threads running
// commit, the snapshot readers (under snapshotLock; nil for none), and,
// once all have finished, crash recovery if the server crashed. With
// Config.Crash and no crash during the workload, the server crashes after
// it.
func (s *Server) Run(commit Committer, snapshotLock *sim.Mutex) {
	actors := append(s.RunThreads(commit), s.RunReaders(snapshotLock)...)
	if !s.Config.Crash && s.X.SymmetricMembers() > 0 {
		// Under a search that merges symmetric states (the threads are
		// declared symmetric), main does not wait: joining in thread order
		// would tell the threads apart (main blocked on t1 with t2 done
		// has no mirror image), and without a crash to recover from there
		// is nothing to do after the joins, which touch no shared state.
		// Every other strategy runs the joins, so traces keep their steps.
		return
	}
	for _, a := range actors {
		a.Join()
	}
	if s.Config.Crash {
		if !s.crashed {
			s.crash()
		}
		s.Recover()
	}
}

// ThreadName is the actor name of thread i.
func ThreadName(i int) string {
	if i >= 0 && i < len(threadNames) {
		return threadNames[i] // formatted once: names are made every execution
	}
	return fmt.Sprintf("t%d", i)
}

// The arrays of a small workload's server (NewServer): logs for the
// default workload of 4 threads of 1 transaction each, in up to 2
// engines, actors for 8 threads. Bigger arrays would cost every execution
// the zeroing of bytes that only a few workloads use.
const (
	smallLogs    = 4 * 1 * (1 + 2*2)
	smallThreads = 8
)

// engineNames are the engines' object names (Config.Engines is 1 or 2).
var engineNames = [2]string{"engine0", "engine1"}

var threadNames = func() (n [65]string) {
	for i := range n {
		n[i] = fmt.Sprintf("t%d", i)
	}
	return n
}()

// declareStates tells state matching (sim.Object.StateOf) what the
// storage objects' states are: an engine's commit order and, when a crash
// can read them, its prepared transactions, read by
// callers only through snapshots; the binlog's entries, groups and
// positions, with the server's crash bookkeeping, which GroupLogXid's
// caller reads.
func (s *Server) declareStates() {
	// The functions read the server through pointers into its memory
	// (sim.Reuse): made once per memory, they serve every execution.
	fns := &s.mem.states
	type engineState struct{ Visible, Prepared []checkers.Txn }
	for i, e := range s.Engines {
		if fns[i] == nil {
			fns[i] = func() any {
				// Only a crash reads the prepared transactions: without
				// one no future call depends on them.
				var p []checkers.Txn
				if s.Config.Crash {
					p = e.prepared
				}
				return engineState{e.Visible, p}
			}
		}
		e.obj.StateOf(fns[i], s.Config.Readers > 0)
	}
	type binlogState struct {
		Entries, Failed               []checkers.Txn
		Groups, Synced, LastCommitPos int
		StoreOps                      int
		Crashed                       bool
	}
	b := s.Binlog
	if fns[2] == nil {
		fns[2] = func() any {
			return binlogState{b.Entries, b.failed, b.groups, b.synced, b.lastCommitPos, s.storeOps, s.crashed}
		}
	}
	b.obj.StateOf(fns[2], true)
}
