package checkers

import (
	"fmt"

	"github.com/simrun/simrun/sim"
)

// SnapshotKind is the finding of the consistent-snapshot oracle: a
// snapshot that no binlog prefix explains.
const SnapshotKind sim.Kind = "snapshot"

// Snapshots checks every START TRANSACTION WITH CONSISTENT SNAPSHOT of a
// group-commit history: in every engine the snapshot sees exactly the
// transactions of one binlog prefix, and that prefix ends at the binlog
// position the snapshot reports. The binlog is the order of the
// successful BinlogWrite events (without failed writes and failed fsync
// groups). Events after a crash are not judged.
func Snapshots(h *sim.History) *sim.Finding {
	var binlog []Txn
	group := map[Txn]int{}
	failed := map[int]bool{}
	var snaps []sim.Event
	for _, e := range h.Events {
		switch ev := e.Value.(type) {
		case Crash:
			goto judge
		case BinlogWrite:
			binlog = append(binlog, ev.Txn)
			group[ev.Txn] = ev.Group
		case BinlogSync:
			if ev.Err {
				failed[ev.Group] = true
			}
		case Snapshot:
			snaps = append(snaps, e)
		}
	}
judge:
	ok := okBinlog(binlog, group, failed)
	for _, e := range snaps {
		s := e.Value.(Snapshot)
		if s.Pos < 0 || s.Pos > len(ok) {
			return fail(SnapshotKind, e, h, "snapshot r%d.%d reports binlog position %d, but the binlog has %d entries", s.Reader, s.Seq, s.Pos, len(ok))
		}
		prefix := ok[:s.Pos]
		for i, seen := range s.Engines {
			if !sameSet(seen, prefix) {
				f := fail(SnapshotKind, e, h, "snapshot r%d.%d at binlog position %d sees %v in engine %d, but the binlog prefix is %v", s.Reader, s.Seq, s.Pos, seen, i, prefix)
				f.Detail = fmt.Sprintf("snapshot: %v\nbinlog: %v", s, ok)
				return f
			}
		}
	}
	return nil
}

// sameSet reports whether a and b hold the same transactions.
func sameSet(a, b []Txn) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[Txn]bool, len(a))
	for _, t := range a {
		in[t] = true
	}
	for _, t := range b {
		if !in[t] {
			return false
		}
	}
	return true
}
