package checkers

import (
	"fmt"
	"strings"
)

// More events of a group-commit execution: group_log_xid failures,
// consistent snapshots, the crash and the recovery.
type (
	// XidError: group_log_xid could not write Txn to the binlog in group
	// Group (thd->xid_error). Only Txn is affected; a failed fsync is a
	// BinlogSync with Err instead, which affects the whole group.
	XidError struct {
		Txn   Txn
		Group int
	}
	// SnapshotBegin: reader Reader starts its Seq-th START TRANSACTION WITH
	// CONSISTENT SNAPSHOT.
	SnapshotBegin struct {
		Reader int
		Seq    int
	}
	// Snapshot: the snapshot of reader Reader returned: in each engine
	// (by index) the transactions it sees, in that engine's commit order,
	// and the binlog position it reports (the number of binlog entries
	// before it).
	Snapshot struct {
		Reader  int
		Seq     int
		Engines [][]Txn
		Pos     int
	}
	// Crash: the server crashed. Binlog is the durable binlog (the
	// entries of fsynced groups); Engines the transactions each engine
	// still holds as committed (a prefix of its commit order: commit()
	// does not fsync); Prepared the transactions each engine holds as
	// prepared.
	Crash struct {
		Binlog   []Txn
		Engines  [][]Txn
		Prepared [][]Txn
	}
	// Recovered: crash recovery finished; the binlog and each engine's
	// committed transactions, in order.
	Recovered struct {
		Binlog  []Txn
		Engines [][]Txn
	}
)

func (e XidError) String() string {
	return fmt.Sprintf("xid_error %v in group %d", e.Txn, e.Group)
}
func (e SnapshotBegin) String() string {
	return fmt.Sprintf("snapshot r%d.%d begins", e.Reader, e.Seq)
}
func (e Snapshot) String() string {
	return fmt.Sprintf("snapshot r%d.%d at binlog pos %d sees %s", e.Reader, e.Seq, e.Pos, txnLists(e.Engines))
}
func (e Crash) String() string {
	return fmt.Sprintf("CRASH: durable binlog %v, engines %s, prepared %s", e.Binlog, txnLists(e.Engines), txnLists(e.Prepared))
}
func (e Recovered) String() string {
	return fmt.Sprintf("recovered: binlog %v, engines %s", e.Binlog, txnLists(e.Engines))
}

func txnLists(ls [][]Txn) string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "e%d=%v", i, l)
	}
	return b.String()
}

// okBinlog returns the binlog order of the transactions whose write and
// fsync succeeded, from the BinlogWrite and BinlogSync events before any
// crash.
func okBinlog(events []Txn, group map[Txn]int, failed map[int]bool) []Txn {
	var out []Txn
	for _, t := range events {
		if !failed[group[t]] {
			out = append(out, t)
		}
	}
	return out
}
