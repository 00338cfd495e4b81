package checkers

import (
	"fmt"
	"strings"

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
//     committed;
//   - when the execution ended normally, every transaction that began has
//     returned.
func CommitOrder(h *sim.History) *sim.Finding {
	var c orderCheck
	c.init()
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

type orderCheck struct {
	queue, binlog []Txn
	prepOrd       map[int][]Txn // by engine
	commitOrd     map[int][]Txn
	engines       map[Txn][]int // engines a txn prepared in
	group         map[Txn]int
	synced        map[int]bool // group -> fsynced ok
	failed        map[int]bool
	committedIn   map[Txn]int // number of engines commit_ordered
	begun         []Txn
	returned      map[Txn]bool
	xidFailed     map[Txn]bool // the txn's own binlog write failed
	crashed       bool
}

func (c *orderCheck) init() {
	c.prepOrd, c.commitOrd = map[int][]Txn{}, map[int][]Txn{}
	c.engines, c.group = map[Txn][]int{}, map[Txn]int{}
	c.synced, c.failed = map[int]bool{}, map[int]bool{}
	c.committedIn, c.returned = map[Txn]int{}, map[Txn]bool{}
	c.xidFailed = map[Txn]bool{}
}

// failedTxn reports whether t's group_log_xid failed: its own write, or
// the fsync of its group.
func (c *orderCheck) failedTxn(t Txn) bool {
	if c.xidFailed[t] {
		return true
	}
	g, ok := c.group[t]
	return ok && c.failed[g]
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
		c.engines[ev.Txn] = append(c.engines[ev.Txn], ev.Engine)
	case PrepareOrdered:
		c.prepOrd[ev.Engine] = append(c.prepOrd[ev.Engine], ev.Txn)
	case Enqueued:
		c.queue = append(c.queue, ev.Txn)
	case BinlogWrite:
		if g, dup := c.group[ev.Txn]; dup {
			return fail(Durability, e, h, "%v binlogged twice (groups %d and %d)", ev.Txn, g, ev.Group)
		}
		c.group[ev.Txn] = ev.Group
		c.binlog = append(c.binlog, ev.Txn)
	case BinlogSync:
		if ev.Err {
			c.failed[ev.Group] = true
		} else {
			c.synced[ev.Group] = true
		}
	case XidError:
		c.xidFailed[ev.Txn] = true
	case CommitOrdered:
		if c.failedTxn(ev.Txn) {
			return fail(XidErrorKind, e, h, "%v commit_ordered in engine %d although its group_log_xid failed", ev.Txn, ev.Engine)
		}
		g, ok := c.group[ev.Txn]
		if !ok || !c.synced[g] {
			return fail(Durability, e, h, "%v commit_ordered in engine %d before its binlog group was fsynced", ev.Txn, ev.Engine)
		}
		for _, t := range c.commitOrd[ev.Engine] {
			if t == ev.Txn {
				return fail(Durability, e, h, "%v commit_ordered twice in engine %d", ev.Txn, ev.Engine)
			}
		}
		c.commitOrd[ev.Engine] = append(c.commitOrd[ev.Engine], ev.Txn)
		c.committedIn[ev.Txn]++
	case Committed:
		if !c.isCommitOrdered(ev.Txn, ev.Engine) {
			return fail(Durability, e, h, "%v committed in engine %d before commit_ordered", ev.Txn, ev.Engine)
		}
	case Returned:
		if c.returned[ev.Txn] {
			return fail(Durability, e, h, "%v returned twice", ev.Txn)
		}
		c.returned[ev.Txn] = true
		if ev.Err {
			if c.committedIn[ev.Txn] > 0 {
				return fail(Durability, e, h, "%v returned an error but was commit_ordered", ev.Txn)
			}
			if !c.failedTxn(ev.Txn) {
				return fail(XidErrorKind, e, h, "%v returned an error although its group_log_xid succeeded", ev.Txn)
			}
			return nil
		}
		if c.failedTxn(ev.Txn) {
			return fail(XidErrorKind, e, h, "%v returned committed although its group_log_xid failed", ev.Txn)
		}
		g, ok := c.group[ev.Txn]
		switch {
		case !ok:
			return fail(Durability, e, h, "%v returned committed but was never binlogged", ev.Txn)
		case !c.synced[g]:
			return fail(Durability, e, h, "%v returned committed before its binlog group %d was fsynced", ev.Txn, g)
		case c.committedIn[ev.Txn] < len(c.engines[ev.Txn]):
			return fail(Durability, e, h, "%v returned committed before commit_ordered in every engine (%d of %d)", ev.Txn, c.committedIn[ev.Txn], len(c.engines[ev.Txn]))
		}
	}
	return nil
}

func (c *orderCheck) isCommitOrdered(t Txn, engine int) bool {
	for _, u := range c.commitOrd[engine] {
		if u == t {
			return true
		}
	}
	return false
}

// final compares the orders and checks that everything returned.
func (c *orderCheck) final(h *sim.History) *sim.Finding {
	end := sim.Event{Step: h.Steps, Actor: -1}
	// Transactions of failed groups are binlogged but never committed:
	// compare commit_ordered with the binlog order without them.
	var okBinlog []Txn
	for _, t := range c.binlog {
		if !c.failedTxn(t) {
			okBinlog = append(okBinlog, t)
		}
	}
	orders := []struct {
		name string
		seq  []Txn
		ref  []Txn
	}{{"binlog", c.binlog, c.queue}}
	for _, e := range sortedKeys(c.prepOrd) {
		orders = append(orders, struct {
			name string
			seq  []Txn
			ref  []Txn
		}{fmt.Sprintf("prepare_ordered (engine %d)", e), c.prepOrd[e], c.queue})
	}
	for _, e := range sortedKeys(c.commitOrd) {
		orders = append(orders, struct {
			name string
			seq  []Txn
			ref  []Txn
		}{fmt.Sprintf("commit_ordered (engine %d)", e), c.commitOrd[e], okBinlog})
	}
	for _, o := range orders {
		if c.crashed {
			// The crash may fall between two stages of a transaction:
			// compare only what reached both.
			o.seq = only(o.seq, o.ref)
		}
		if !isSubsequence(o.seq, o.ref) {
			refName := "queue"
			if strings.HasPrefix(o.name, "commit_ordered") {
				refName = "binlog"
			}
			return fail(Misorder, end, h, "%s order %v differs from %s order %v", o.name, o.seq, refName, o.ref)
		}
	}
	for _, t := range c.begun {
		if !c.returned[t] && !c.crashed {
			return fail(Durability, end, h, "%v began but never returned", t)
		}
	}
	return nil
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

func sortedKeys(m map[int][]Txn) []int {
	var ks []int
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}
