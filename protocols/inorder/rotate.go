package inorder

import (
	"slices"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/sim"
)

// binlogFiles is the binlog as files and MariaDB's binlog checkpoints
// (reference notes §1.3 steps 6 and 10, §1.5): binlog_xid_count_list with
// each file's xid_count, the Binlog_checkpoint events, and what the
// engines' commit checkpoints made durable. The files are numbered from
// 1 (binlog_id); index f-1 is file f.
type binlogFiles struct {
	obj     *sim.Object // LOCK_xid_list, and the files' state it guards
	current int         // current_binlog_id
	// head is the oldest file still in binlog_xid_count_list: mark_xid_done
	// removes the leading files whose xid_count is 0 (never the current one)
	// when it writes a checkpoint.
	head     int
	starts   []int // starts[f-1]: the binlog position at which file f begins
	xidCount []int // xid_count of file f
	// checkpoints are the Binlog_checkpoint events: in file file, naming
	// file names. A new file starts with one (file 1 names itself).
	checkpoints []checkpointEvent
	// flushed[e] is how many of engine e's commits (in its commit order)
	// a commit checkpoint made durable: commit() does not fsync when the
	// binlog is on, and the engine's notify says they are on disk.
	flushed []int
}

type checkpointEvent struct{ file, names int }

// newBinlogFiles opens binlog file 1.
func newBinlogFiles(x *sim.Execution, engines int) *binlogFiles {
	return &binlogFiles{obj: sim.NewObject(x, "binlog_xid_count_list"), current: 1, head: 1,
		starts: []int{0}, xidCount: []int{0}, checkpoints: []checkpointEvent{{1, 1}}, flushed: make([]int, engines)}
}

// rotateAfterGroup is step 6 of trx_group_commit_leader, after the group's
// fsync and under LOCK_log: mark_xids_active for the group's xids in the
// current file, then rotate(), which the strategy makes fail
// (rotate-error variants) or move to a new file (when the file reached
// max_binlog_size: the strategy chooses; rotate-recovery variants). It
// returns the id of the file it rotated away from, or 0.
func (s *Server) rotateAfterGroup(leader, queue *THD) int {
	switch s.variant {
	case RotateErrorDelayed, RotateErrorDropped, RotateErrorMisrouted, RotateErrorRollback:
		if s.X.Choose("rotate_error", 2) == 1 {
			s.rotateFailed(leader, queue)
		}
		return 0
	case RotateRecovery, CheckpointAtRotate:
	default:
		return 0
	}
	f := s.files
	binlogID := f.current
	xids := 0
	for e := queue; e != nil; e = e.next.Read() {
		if !e.XidError {
			e.binlogID, xids = binlogID, xids+1 // cache_mngr->binlog_id, need_unlog
		}
	}
	if xids > 0 {
		s.markXidsActive(binlogID, xids)
	}
	if s.X.Choose("rotate", 2) == 0 {
		return 0 // the file is not full yet
	}
	s.markXidsActive(binlogID, 1) // no checkpoint of the old file before checkpoint_and_purge
	s.StorageStep(f.obj, func() {
		// new_file_impl: the new file starts where the old one ends, with
		// a Binlog_checkpoint naming the oldest file recovery may need.
		f.current++
		f.starts = append(f.starts, len(s.Binlog.Entries))
		f.xidCount = append(f.xidCount, 0)
		names := f.head
		if s.variant == CheckpointAtRotate {
			names = f.current // seeded bug: the older files' xids are not waited for
		}
		f.checkpoints = append(f.checkpoints, checkpointEvent{f.current, names})
		s.X.Record(checkers.BinlogRotate{File: f.current, Checkpoint: names})
	})
	return binlogID
}

// rotateFailed hands a failed rotate's error to a transaction of the
// group: MariaDB gives it to the leader as cache_mngr->delayed_error,
// which unlog() returns once the transaction is committed, "as any
// my_error() thrown inside rotate() will have been registered for the
// leader THD"; returning it at once would roll back a binlogged
// transaction (rotate-error-rollback). The seeded variants lose it, or
// give it to the group's last member.
func (s *Server) rotateFailed(leader, queue *THD) {
	s.X.Record(checkers.RotateFailed{Leader: leader.Txn})
	switch s.variant {
	case RotateErrorDropped:
		// seeded bug: nobody returns the error
	case RotateErrorMisrouted:
		last := queue
		for e := queue; e != nil; e = e.next.Read() {
			last = e
		}
		last.rotateFailed = true // seeded bug: not the THD the error was raised in
	case RotateErrorRollback:
		leader.rotateFailed = true
		leader.XidError = true // seeded bug: no commit_ordered, the leader fails
	default:
		leader.rotateFailed = true
	}
}

// markXidsActive is mark_xids_active: under LOCK_xid_list, xid_count of
// file binlogID grows by xids.
func (s *Server) markXidsActive(binlogID, xids int) {
	f := s.files
	f.obj.Do(func() { f.xidCount[binlogID-1] += xids })
}

// markXidDone is mark_xid_done, under LOCK_xid_list: file binlogID has one
// pending xid less. When that was the last of the oldest file in the list
// (not the current one) and writeCheckpoint is set, the leading files
// without pending xids leave the list and a Binlog_checkpoint event in
// the current file names the new oldest: recovery need not read the
// files before it.
func (s *Server) markXidDone(binlogID int, writeCheckpoint bool) {
	f := s.files
	s.StorageStep(f.obj, func() {
		f.xidCount[binlogID-1]--
		if binlogID != f.head || f.xidCount[binlogID-1] != 0 || !writeCheckpoint || binlogID == f.current {
			return
		}
		for f.head < f.current && f.xidCount[f.head-1] == 0 {
			f.head++
		}
		f.checkpoints = append(f.checkpoints, checkpointEvent{f.current, f.head})
		s.X.Record(checkers.BinlogCheckpoint{File: f.current, Names: f.head})
	})
}

// checkpointAndPurge is checkpoint_and_purge, after the group, once the
// leader has released LOCK_commit_ordered: it requests a commit checkpoint
// from every engine (ha_commit_checkpoint_request, whose pre-hook
// binlog_checkpoint_callback marks one more xid active in the old file
// for the engine's notify), then drops the xid that rotate() marked
// active. The engine's request is answered at once, in the leader: its
// log is flushed up to its last commit_ordered (InnoDB's
// innobase_checkpoint_request and log flush), and the notify runs
// mark_xid_done as binlog_background_thread does.
func (s *Server) checkpointAndPurge(binlogID int) {
	f := s.files
	for i, e := range s.Engines {
		s.markXidsActive(binlogID, 1)
		durable := len(e.StartConsistentSnapshot()) // the engine's commits so far
		s.StorageStep(f.obj, func() { f.flushed[i] = max(f.flushed[i], durable) })
		s.markXidDone(binlogID, true) // commit_checkpoint_notify_ha
	}
	s.markXidDone(binlogID, true)
}

// recoverBinlog is crash recovery with binlog checkpoints (TC_LOG_BINLOG::
// recover, ha_recover; reference notes §1.5): the last Binlog_checkpoint
// of the last file names the file to scan from; the xids of the durable
// binlog from there on are committed in every engine that holds them
// prepared, and every other prepared transaction is rolled back. An
// engine keeps the commits that reached its disk: a prefix of its commit
// order, at least what its commit checkpoints flushed.
func (s *Server) recoverBinlog(c checkers.Crash) checkers.Recovered {
	f := s.files
	from := 1
	for _, cp := range f.checkpoints {
		if cp.file == f.current {
			from = cp.names
		}
	}
	xids := c.Binlog[min(f.starts[from-1], len(c.Binlog)):]
	s.X.Record(checkers.BinlogRecovery{From: from, Xids: xids})
	r := checkers.Recovered{Binlog: c.Binlog}
	for i, e := range s.Engines {
		committed := slices.Clone(e.Visible[:max(len(c.Engines[i]), f.flushed[i])])
		for _, t := range xids {
			if slices.Contains(c.Prepared[i], t) && !slices.Contains(committed, t) {
				committed = append(committed, t)
			}
		}
		r.Engines = append(r.Engines, committed)
	}
	return r
}

// crashSteps is how many storage steps per transaction the rotate
// variants add (groupcommit.Config.ExtraSteps), at most: unlog's
// mark_xid_done, the rotate, and per engine the flush and its notify,
// with the rotate's own mark_xid_done.
func crashSteps(engines int) int { return 3 + 2*engines }
