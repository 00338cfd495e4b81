package checkers

import (
	"fmt"
	"slices"
	"sync"

	"github.com/simrun/simrun/sim"
)

// Finding kinds of the group-commit checkers.
const (
	// Misorder: prepare_ordered, queue, binlog and commit_ordered orders
	// differ.
	Misorder sim.Kind = "misorder"
	// Durability: a thread returned before its transaction was in an
	// fsynced binlog group and commit_ordered, or a transaction was binlogged
	// or committed twice, or reported committed after an error.
	Durability sim.Kind = "durability"
	// XidErrorKind: a group_log_xid failure did not reach exactly the
	// affected threads: an affected transaction was committed or reported
	// committed, or an unaffected one reported an error.
	XidErrorKind sim.Kind = "xid-error"
)

// Txn identifies a transaction: the thread that runs it and its number in
// that thread (from 1).
type Txn struct {
	Thread int
	Seq    int
}

func (t Txn) String() string { return fmt.Sprintf("T%d.%d", t.Thread, t.Seq) }

// The events of a group-commit execution, recorded by the protocols in the
// order they happen.
type (
	// Begin: a thread starts committing Txn (ha_commit_trans).
	Begin struct{ Txn Txn }
	// Prepared: engine Engine ran prepare() for Txn.
	Prepared struct {
		Txn    Txn
		Engine int
	}
	// PrepareOrdered: engine Engine ran prepare_ordered() for Txn.
	PrepareOrdered struct {
		Txn    Txn
		Engine int
	}
	// Enqueued: Txn took its place in the commit queue; Leader when it found
	// the queue empty.
	Enqueued struct {
		Txn    Txn
		Leader bool
	}
	// BinlogWrite: Txn was written to the binlog in group Group.
	BinlogWrite struct {
		Txn   Txn
		Group int
	}
	// BinlogSync: the fsync of group Group completed (Err: it failed).
	BinlogSync struct {
		Group int
		Err   bool
	}
	// CommitOrdered: engine Engine ran commit_ordered() for Txn: the
	// transaction is visible in that engine.
	CommitOrdered struct {
		Txn    Txn
		Engine int
	}
	// Committed: engine Engine ran commit() for Txn.
	Committed struct {
		Txn    Txn
		Engine int
	}
	// Returned: the thread's commit of Txn returned to the client; Err when
	// it reported an error (xid_error).
	Returned struct {
		Txn Txn
		Err bool
	}
)

func (e Begin) String() string    { return "begin " + e.Txn.String() }
func (e Prepared) String() string { return fmt.Sprintf("prepare %v in engine %d", e.Txn, e.Engine) }
func (e PrepareOrdered) String() string {
	return fmt.Sprintf("prepare_ordered %v in engine %d", e.Txn, e.Engine)
}
func (e Enqueued) String() string {
	if e.Leader {
		return fmt.Sprintf("enqueue %v (leader)", e.Txn)
	}
	return fmt.Sprintf("enqueue %v", e.Txn)
}
func (e BinlogWrite) String() string { return fmt.Sprintf("binlog %v in group %d", e.Txn, e.Group) }
func (e BinlogSync) String() string {
	if e.Err {
		return fmt.Sprintf("fsync group %d FAILED", e.Group)
	}
	return fmt.Sprintf("fsync group %d", e.Group)
}
func (e CommitOrdered) String() string {
	return fmt.Sprintf("commit_ordered %v in engine %d", e.Txn, e.Engine)
}
func (e Committed) String() string { return fmt.Sprintf("commit %v in engine %d", e.Txn, e.Engine) }
func (e Returned) String() string {
	if e.Err {
		return fmt.Sprintf("return %v with error", e.Txn)
	}
	return fmt.Sprintf("return %v committed", e.Txn)
}

// CommitOrder checks commit-order consistency of a group-commit history:
//
//   - prepare_ordered order (in every engine) = queue order = binlog order =
//     commit_ordered order (in every engine), over the transactions that
//     reached each stage without error;
//   - each transaction is binlogged at most once and commit_ordered at most
//     once per engine;
//   - no thread returns success before its transaction is in an fsynced
//     binlog group and commit_ordered in every engine it prepared in;
//   - a transaction that returned an error was neither commit_ordered nor
//     committed, unless the error is a delayed one (DelayedError: the
//     commit stands, and DelayedErrors judges the error);
//   - a transaction its thread rolled back (RolledBack) was neither
//     binlogged nor commit_ordered, before or after the rollback, and
//     may return an error without a group_log_xid failure;
//   - when the execution ended normally, every transaction that began has
//     returned.
func CommitOrder(h *sim.History) *sim.Finding {
	// The check runs after every execution: its state is reused (reset,
	// keeping its maps and arrays) rather than allocated anew each time.
	c := orderChecks.Get().(*orderCheck)
	defer orderChecks.Put(c)
	c.reset()
	return c.check(h)
}

// check is CommitOrder on c, reset.
func (c *orderCheck) check(h *sim.History) *sim.Finding {
	for _, e := range h.Events {
		if _, ok := e.Value.(Crash); ok {
			// The server crashed: what happened after is not the
			// server's (the Recovery checker judges the restart), and a
			// thread that never returned is expected.
			c.crashed = true
			break
		}
		if f := c.event(h, e); f != nil {
			return f
		}
	}
	return c.final(h)
}

var orderChecks = sync.Pool{New: func() any { return new(orderCheck) }}

type orderCheck struct {
	queue, binlog []Txn
	prepOrd       []engineOrder // by ascending engine
	commitOrd     []engineOrder
	// dense is the index in txns, plus one (0: not seen yet), of the
	// transactions of small thread and sequence numbers (denseKey): every
	// event looks its transaction up, and a slice is quicker than the map
	// txn, which holds the others.
	dense []int32
	txn   map[Txn]int // index in txns (nil until a transaction needs it)
	txns  []txnState
	// groups is the fsync state of the binlog groups numbered 0 to
	// denseGroups-1, by number (zero: no fsync yet), and groupsFar that
	// of the others (nil until one comes): every check of a transaction
	// looks its group up, and a slice is quicker than a map, and costs
	// the monitor no allocation an execution.
	groups    []groupState
	groupsFar map[int]groupState
	begun     []Txn
	okBinlog  []Txn   // final's scratch
	spare     [][]Txn // empty slices for the orders of engines not seen yet
	crashed   bool
}

// engineOrder is the order of one engine's prepare_ordered or
// commit_ordered calls.
type engineOrder struct {
	engine int
	seq    []Txn
}

// txnState is what the check knows of one transaction.
type txnState struct {
	txn         Txn
	engines     int // engines it prepared in
	group       int // its binlog group, if binlogged
	binlogged   bool
	committedIn int // number of engines commit_ordered
	returned    bool
	xidFailed   bool // its own binlog write failed
	rolledBack  bool // its thread rolled it back (RolledBack)
	delayed     bool // committed, then reports a delayed error (DelayedError)
}

// groupState is what the check knows of one binlog group's fsync.
type groupState struct{ synced, failed bool }

func (c *orderCheck) reset() {
	c.queue, c.binlog, c.begun = c.queue[:0], c.binlog[:0], c.begun[:0]
	for i := range c.prepOrd {
		c.prepOrd[i].seq = c.prepOrd[i].seq[:0]
	}
	for i := range c.commitOrd {
		c.commitOrd[i].seq = c.commitOrd[i].seq[:0]
	}
	for i := range c.txns {
		if k := denseKey(c.txns[i].txn); k >= 0 {
			c.dense[k] = 0
		}
	}
	clear(c.txn)
	c.groups = c.groups[:0] // setGroup zeroes what it regrows
	clear(c.groupsFar)
	c.txns = c.txns[:0]
	c.crashed = false
}

// state returns t's state, new (zero) the first time t is seen.
func (c *orderCheck) state(t Txn) *txnState {
	if k := denseKey(t); k >= 0 {
		if k >= len(c.dense) { // grown as needed: a monitor's check is new every execution
			c.dense = append(c.dense, make([]int32, k+1-len(c.dense))...)
		}
		if i := c.dense[k]; i > 0 {
			return &c.txns[i-1]
		}
		c.txns = append(c.txns, txnState{txn: t})
		c.dense[k] = int32(len(c.txns))
		return &c.txns[len(c.txns)-1]
	}
	i, ok := c.txn[t]
	if !ok {
		if c.txn == nil {
			c.txn = map[Txn]int{}
		}
		i = len(c.txns)
		c.txn[t] = i
		c.txns = append(c.txns, txnState{txn: t})
	}
	return &c.txns[i]
}

// The transactions orderCheck.dense indexes: threads 1 to denseThreads,
// sequence numbers 1 to denseSeqs, more than any checked workload has.
const denseThreads, denseSeqs = 64, 16

// denseKey is t's index in orderCheck.dense, or -1 when it has none. The
// first transactions of all threads come first: a workload of one
// transaction a thread (the stateful searches') needs as many entries as
// threads.
func denseKey(t Txn) int {
	if t.Thread < 1 || t.Thread > denseThreads || t.Seq < 1 || t.Seq > denseSeqs {
		return -1
	}
	return (t.Seq-1)*denseThreads + t.Thread - 1
}

// The binlog groups orderCheck.groups indexes: 0 to denseGroups-1.
const denseGroups = 64

// group returns the fsync state of binlog group g.
func (c *orderCheck) group(g int) groupState {
	if g >= 0 && g < len(c.groups) {
		return c.groups[g]
	}
	if g >= 0 && g < denseGroups {
		return groupState{}
	}
	return c.groupsFar[g]
}

// setGroup sets the fsync state of binlog group g.
func (c *orderCheck) setGroup(g int, st groupState) {
	if g < 0 || g >= denseGroups {
		if c.groupsFar == nil {
			c.groupsFar = map[int]groupState{}
		}
		c.groupsFar[g] = st
		return
	}
	if g >= len(c.groups) {
		c.groups = append(c.groups, make([]groupState, g+1-len(c.groups))...)
	}
	c.groups[g] = st
}

// order returns the order of engine in os, one of c's, added (empty, in
// engine order, with a spare slice if c has one) the first time.
func (c *orderCheck) order(os *[]engineOrder, engine int) *engineOrder {
	i := 0
	for i < len(*os) && (*os)[i].engine < engine {
		i++
	}
	if i == len(*os) || (*os)[i].engine != engine {
		var seq []Txn
		if n := len(c.spare); n > 0 {
			seq, c.spare = c.spare[n-1], c.spare[:n-1]
		}
		*os = slices.Insert(*os, i, engineOrder{engine: engine, seq: seq})
	}
	return &(*os)[i]
}

// failedTxn reports whether t's group_log_xid failed: its own write, or
// the fsync of its group.
func (c *orderCheck) failedTxn(s *txnState) bool {
	return s.xidFailed || s.binlogged && c.group(s.group).failed
}

func fail(kind sim.Kind, e sim.Event, h *sim.History, format string, args ...any) *sim.Finding {
	who := ""
	if e.Actor >= 0 && e.Actor < len(h.Actors) {
		who = h.Actors[e.Actor]
	}
	return &sim.Finding{Kind: kind, Step: e.Step, Actor: who, Message: fmt.Sprintf(format, args...)}
}

func (c *orderCheck) event(h *sim.History, e sim.Event) *sim.Finding {
	switch ev := e.Value.(type) {
	case Begin:
		c.begun = append(c.begun, ev.Txn)
	case Prepared:
		c.state(ev.Txn).engines++
	case PrepareOrdered:
		o := c.order(&c.prepOrd, ev.Engine)
		o.seq = append(o.seq, ev.Txn)
	case Enqueued:
		c.queue = append(c.queue, ev.Txn)
	case BinlogWrite:
		s := c.state(ev.Txn)
		if s.rolledBack {
			return fail(RollbackBinlogged, e, h, "%v binlogged in group %d after its thread rolled it back", ev.Txn, ev.Group)
		}
		if s.binlogged {
			return fail(Durability, e, h, "%v binlogged twice (groups %d and %d)", ev.Txn, s.group, ev.Group)
		}
		s.group, s.binlogged = ev.Group, true
		c.binlog = append(c.binlog, ev.Txn)
	case BinlogSync:
		g := c.group(ev.Group)
		if ev.Err {
			g.failed = true
		} else {
			g.synced = true
		}
		c.setGroup(ev.Group, g)
	case XidError:
		c.state(ev.Txn).xidFailed = true
	case RolledBack:
		s := c.state(ev.Txn)
		s.rolledBack = true
		if s.binlogged && !c.failedTxn(s) {
			return fail(RollbackBinlogged, e, h, "%v rolled back (%s) but binlogged in group %d", ev.Txn, ev.Why, s.group)
		}
		if s.committedIn > 0 {
			return fail(RollbackBinlogged, e, h, "%v rolled back (%s) but commit_ordered", ev.Txn, ev.Why)
		}
	case CommitOrdered:
		s := c.state(ev.Txn)
		if c.failedTxn(s) {
			return fail(XidErrorKind, e, h, "%v commit_ordered in engine %d although its group_log_xid failed", ev.Txn, ev.Engine)
		}
		if s.rolledBack {
			return fail(RollbackBinlogged, e, h, "%v commit_ordered in engine %d after its thread rolled it back", ev.Txn, ev.Engine)
		}
		if !s.binlogged || !c.group(s.group).synced {
			return fail(Durability, e, h, "%v commit_ordered in engine %d before its binlog group was fsynced", ev.Txn, ev.Engine)
		}
		o := c.order(&c.commitOrd, ev.Engine)
		if slices.Contains(o.seq, ev.Txn) {
			return fail(Durability, e, h, "%v commit_ordered twice in engine %d", ev.Txn, ev.Engine)
		}
		o.seq = append(o.seq, ev.Txn)
		s.committedIn++
	case Committed:
		if !c.isCommitOrdered(ev.Txn, ev.Engine) {
			return fail(Durability, e, h, "%v committed in engine %d before commit_ordered", ev.Txn, ev.Engine)
		}
	case DelayedError:
		c.state(ev.Txn).delayed = true
	case Returned:
		s := c.state(ev.Txn)
		if s.returned {
			return fail(Durability, e, h, "%v returned twice", ev.Txn)
		}
		s.returned = true
		if ev.Err && s.delayed {
			return nil // committed; DelayedErrors judges the error
		}
		if ev.Err {
			if s.committedIn > 0 {
				return fail(Durability, e, h, "%v returned an error but was commit_ordered", ev.Txn)
			}
			if s.rolledBack {
				return nil
			}
			if !c.failedTxn(s) {
				return fail(XidErrorKind, e, h, "%v returned an error although its group_log_xid succeeded", ev.Txn)
			}
			return nil
		}
		if c.failedTxn(s) {
			return fail(XidErrorKind, e, h, "%v returned committed although its group_log_xid failed", ev.Txn)
		}
		switch {
		case !s.binlogged:
			return fail(Durability, e, h, "%v returned committed but was never binlogged", ev.Txn)
		case !c.group(s.group).synced:
			return fail(Durability, e, h, "%v returned committed before its binlog group %d was fsynced", ev.Txn, s.group)
		case s.committedIn < s.engines:
			return fail(Durability, e, h, "%v returned committed before commit_ordered in every engine (%d of %d)", ev.Txn, s.committedIn, s.engines)
		}
	}
	return nil
}

func (c *orderCheck) isCommitOrdered(t Txn, engine int) bool {
	for _, o := range c.commitOrd {
		if o.engine == engine {
			return slices.Contains(o.seq, t)
		}
	}
	return false
}

// final compares the orders and checks that everything returned.
func (c *orderCheck) final(h *sim.History) *sim.Finding {
	end := sim.Event{Step: h.Steps, Actor: -1}
	if f := c.compare(h, end, "binlog", -1, c.binlog, "queue", c.queue); f != nil {
		return f
	}
	for _, o := range c.prepOrd {
		if f := c.compare(h, end, "prepare_ordered", o.engine, o.seq, "queue", c.queue); f != nil {
			return f
		}
	}
	// Transactions of failed groups are binlogged but never committed:
	// compare commit_ordered with the binlog order without them.
	okBinlog := c.okBinlog[:0]
	for _, t := range c.binlog {
		if !c.failedTxn(c.state(t)) {
			okBinlog = append(okBinlog, t)
		}
	}
	c.okBinlog = okBinlog
	for _, o := range c.commitOrd {
		if f := c.compare(h, end, "commit_ordered", o.engine, o.seq, "binlog", okBinlog); f != nil {
			return f
		}
	}
	for _, t := range c.begun {
		if !c.state(t).returned && !c.crashed {
			return fail(Durability, end, h, "%v began but never returned", t)
		}
	}
	return nil
}

// compare reports a Misorder when seq (the order of stage name, in engine
// engine unless it is -1) is not ref (the order of refName) with some
// elements left out.
func (c *orderCheck) compare(h *sim.History, end sim.Event, name string, engine int, seq []Txn, refName string, ref []Txn) *sim.Finding {
	if c.crashed {
		// The crash may fall between two stages of a transaction:
		// compare only what reached both.
		seq = only(seq, ref)
	}
	if isSubsequence(seq, ref) {
		return nil
	}
	if engine >= 0 {
		name = fmt.Sprintf("%s (engine %d)", name, engine)
	}
	return fail(Misorder, end, h, "%s order %v differs from %s order %v", name, seq, refName, ref)
}

// only returns the elements of seq that are in ref.
func only(seq, ref []Txn) []Txn {
	in := map[Txn]bool{}
	for _, t := range ref {
		in[t] = true
	}
	var out []Txn
	for _, t := range seq {
		if in[t] {
			out = append(out, t)
		}
	}
	return out
}

// isSubsequence reports whether seq is ref with some elements left out, in
// the same order.
func isSubsequence(seq, ref []Txn) bool {
	i := 0
	for _, t := range seq {
		for i < len(ref) && ref[i] != t {
			i++
		}
		if i == len(ref) {
			return false
		}
		i++
	}
	return true
}
