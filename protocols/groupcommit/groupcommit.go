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
}

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
	// Visible is the engine's commit order: the transactions made visible
	// by commit_ordered, in order.
	Visible []checkers.Txn
}

// Prepare is the engine's prepare(): the transaction is durable as
// prepared.
func (e *Engine) Prepare(t checkers.Txn) {
	e.obj.Do(func() { e.x.Record(checkers.Prepared{Txn: t, Engine: e.ID}) })
}

// PrepareOrdered is prepare_ordered(): called in commit order.
func (e *Engine) PrepareOrdered(t checkers.Txn) {
	e.obj.Do(func() { e.x.Record(checkers.PrepareOrdered{Txn: t, Engine: e.ID}) })
}

// CommitOrdered is commit_ordered(): the transaction becomes visible, in
// commit order.
func (e *Engine) CommitOrdered(t checkers.Txn) {
	e.obj.Do(func() {
		e.Visible = append(e.Visible, t)
		e.x.Record(checkers.CommitOrdered{Txn: t, Engine: e.ID})
	})
}

// Commit is the engine's commit(), run by the transaction's own thread.
func (e *Engine) Commit(t checkers.Txn) {
	e.obj.Do(func() { e.x.Record(checkers.Committed{Txn: t, Engine: e.ID}) })
}

// Binlog is the binary log, the transaction coordinator.
type Binlog struct {
	x      *sim.Execution
	obj    *sim.Object
	groups int
	// Entries is the binlog's content in order.
	Entries []checkers.Txn
}

// GroupLogXid is group_log_xid(): it writes every transaction of the
// group to the binlog in queue order (one step) and fsyncs once (the cost
// model's fsync latency). It returns the group's number.
func (b *Binlog) GroupLogXid(group []checkers.Txn) int {
	b.groups++
	g := b.groups
	b.obj.Do(func() {
		for _, t := range group {
			b.Entries = append(b.Entries, t)
			b.x.Record(checkers.BinlogWrite{Txn: t, Group: g})
		}
	})
	b.x.Sleep(b.x.Cost().Fsync)
	b.x.Record(checkers.BinlogSync{Group: g})
	return g
}

// Server is the shared state of one execution: the binlog and the engines.
type Server struct {
	X       *sim.Execution
	Config  Config
	Binlog  *Binlog
	Engines []*Engine
}

// NewServer creates the binlog and the engines, and registers the
// commit-order checker.
func NewServer(x *sim.Execution, cfg Config) *Server {
	s := &Server{X: x, Config: cfg, Binlog: &Binlog{x: x, obj: sim.NewObject(x, "binlog")}}
	for i := 0; i < cfg.Engines; i++ {
		s.Engines = append(s.Engines, &Engine{ID: i, x: x, obj: sim.NewObject(x, fmt.Sprintf("engine%d", i))})
	}
	x.Check(checkers.CommitOrder)
	return s
}

// Prepare runs every engine's prepare() for t (ht->prepare()).
func (s *Server) Prepare(t checkers.Txn) {
	for _, e := range s.Engines {
		e.Prepare(t)
	}
}

// PrepareOrdered runs every engine's prepare_ordered() for t.
func (s *Server) PrepareOrdered(t checkers.Txn) {
	for _, e := range s.Engines {
		e.PrepareOrdered(t)
	}
}

// CommitOrdered runs every engine's commit_ordered() for t.
func (s *Server) CommitOrdered(t checkers.Txn) {
	for _, e := range s.Engines {
		e.CommitOrdered(t)
	}
}

// Commit runs every engine's commit() for t.
func (s *Server) Commit(t checkers.Txn) {
	for _, e := range s.Engines {
		e.Commit(t)
	}
}

// Committer is a protocol's commit of one transaction by thread thread:
// everything from after prepare() to the return to the client. It returns
// ErrXid if the transaction's binlog write failed.
type Committer func(thread int, t checkers.Txn) error

// RunThreads spawns cfg.Threads client threads; each runs cfg.Txns
// transactions one after another: Begin, prepare() in every engine, then
// commit. Thread i is named "t<i>" and numbered from 1.
func (s *Server) RunThreads(commit Committer) {
	for i := 1; i <= s.Config.Threads; i++ {
		thread := i
		s.X.Go(ThreadName(thread), func() {
			for k := 1; k <= s.Config.Txns; k++ {
				t := checkers.Txn{Thread: thread, Seq: k}
				s.X.Record(checkers.Begin{Txn: t})
				s.Prepare(t)
				err := commit(thread, t)
				s.X.Record(checkers.Returned{Txn: t, Err: err != nil})
			}
		})
	}
}

// ThreadName is the actor name of thread i.
func ThreadName(i int) string { return fmt.Sprintf("t%d", i) }
