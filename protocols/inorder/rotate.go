package inorder

import (
	"slices"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/sim"
)

// binlogFiles is the binlog as files and MariaDB's binlog checkpoints
// (reference notes §1.3 steps 6 and 10, §1.5; sql/log.cc @00467e13
// trx_group_commit_leader, rotate, checkpoint_and_purge, mark_xids_active,
// mark_xid_done, unlog): binlog_xid_count_list with each file's xid_count,
// the Binlog_checkpoint events, and what the engines made durable. The
// files are numbered from 1 (binlog_id); index f-1 is file f.
//
// A file's xid_count counts what may still need it at recovery: while
// the rotate that left it runs (rotate() marks one xid active,
// checkpoint_and_purge drops it), one per engine commit checkpoint not yet
// notified (binlog_checkpoint_callback marks it, the notify drops it),
// and, when an engine does not implement commit_checkpoint_request
// (need_unlog), one per transaction not yet unlogged after its commit().
type binlogFiles struct {
	obj *sim.Object // LOCK_xid_list, and the files' state it guards
	// needUnlog: the engines have no commit_checkpoint_request, so every
	// transaction's xid counts until its unlog(), and their commit() is
	// durable on its own (rotate-recovery-unlog).
	needUnlog bool
	current   int // current_binlog_id
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
	// binlog is on and the engine has commit_checkpoint_request.
	flushed []int
	// unlogged are the transactions whose commit() (durable without
	// commit_checkpoint_request) was followed by unlog().
	unlogged []checkers.Txn
}

type checkpointEvent struct{ file, names int }

// newBinlogFiles opens binlog file 1.
func newBinlogFiles(x *sim.Execution, engines int, needUnlog bool) *binlogFiles {
	return &binlogFiles{obj: sim.NewObject(x, "binlog_xid_count_list"), needUnlog: needUnlog, current: 1, head: 1,
		starts: []int{0}, xidCount: []int{0}, checkpoints: []checkpointEvent{{1, 1}}, flushed: make([]int, engines)}
}

// isRotateError reports whether variant's rotate may fail.
func isRotateError(variant string) bool {
	switch variant {
	case RotateErrorDelayed, RotateErrorDropped, RotateErrorMisrouted, RotateErrorRollback:
		return true
	}
	return false
}

// hasBinlogFiles reports whether variant models the binlog's files, its
// checkpoints, and a crash with recovery.
func hasBinlogFiles(variant string) bool {
	switch variant {
	case RotateRecovery, CheckpointAtRotate, CheckpointNotifyUnflushed, RotateRecoveryUnlog, XidsNotMarked:
		return true
	}
	return false
}

// rotateAfterGroup is step 6 of trx_group_commit_leader, after the group's
// fsync and under LOCK_log: mark_xids_active for the group's xids that
// need unlog, then rotate(), which the strategy makes fail (rotate-error
// variants) or move to a new file (when the file has reached
// max_binlog_size: the strategy chooses). It returns the id of the file
// it rotated away from, for checkpoint_and_purge, or 0.
func (s *Server) rotateAfterGroup(leader, queue *THD) int {
	if isRotateError(s.variant) {
		if s.X.Choose("rotate_error", 2) == 1 {
			s.rotateFailed(leader, queue)
		}
		return 0
	}
	f := s.files
	if f == nil || s.Crashed() {
		return 0 // after a crash nothing of it would be durable
	}
	binlogID := f.current // read under LOCK_log, as the leader reads it
	if f.needUnlog {
		xids := 0
		for e := queue; e != nil; e = e.next.Read() {
			if !e.XidError {
				e.binlogID, xids = binlogID, xids+1 // cache_mngr->binlog_id, need_unlog
			}
		}
		if xids > 0 && s.variant != XidsNotMarked { // seeded bug: not counted
			s.markXidsActive(binlogID, xids)
		}
	}
	if s.X.Choose("rotate", 2) == 0 {
		return 0 // the file has not reached max_binlog_size
	}
	// rotate(): no checkpoint of the old file before checkpoint_and_purge
	// has requested the engines' commit checkpoints.
	s.markXidsActive(binlogID, 1)
	s.StorageStep(f.obj, func() {
		// new_file_without_locking: the new file starts where the old one
		// ends, with a Binlog_checkpoint naming the oldest file in
		// binlog_xid_count_list.
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

// markXidDone is mark_xid_done(binlogID, true), under LOCK_xid_list, one
// storage step.
func (s *Server) markXidDone(binlogID int) {
	s.StorageStep(s.files.obj, func() { s.xidDone(binlogID) })
}

// unlog is TC_LOG_BINLOG::unlog after the transaction's commit() in the
// engines, for a transaction that needs it: its commit is durable (the
// engine has no commit checkpoint, so its commit() is), and its xid no
// longer holds its file.
func (s *Server) unlog(thd *THD) {
	f := s.files
	s.StorageStep(f.obj, func() {
		f.unlogged = append(f.unlogged, thd.Txn)
		s.xidDone(thd.binlogID)
	})
}

// xidDone is the body of mark_xid_done: file binlogID has one pending xid
// less. When that was the last of the oldest file in the list (not the
// current one), the leading files without pending xids leave the list and
// a Binlog_checkpoint event in the current file names the new oldest:
// recovery need not read the files before it.
func (s *Server) xidDone(binlogID int) {
	f := s.files
	f.xidCount[binlogID-1]--
	if binlogID != f.head || f.xidCount[binlogID-1] != 0 || binlogID == f.current {
		return
	}
	for f.head < f.current && f.xidCount[f.head-1] == 0 {
		f.head++
	}
	f.checkpoints = append(f.checkpoints, checkpointEvent{f.current, f.head})
	s.X.Record(checkers.BinlogCheckpoint{File: f.current, Names: f.head})
}

// checkpointAndPurge is checkpoint_and_purge, after the group, once the
// leader has released LOCK_commit_ordered: ha_commit_checkpoint_request
// asks every engine that implements it for a commit checkpoint (its
// pre-hook, binlog_checkpoint_callback, marks one more xid active in the
// old file for the engine's notify), then the xid that rotate() marked
// active is dropped. An engine answers at once, in the leader: its log is
// flushed up to its last commit_ordered (innobase_checkpoint_request,
// then the log write), and the notify runs mark_xid_done, as
// binlog_background_thread does after commit_checkpoint_notify_ha.
func (s *Server) checkpointAndPurge(binlogID int) {
	f := s.files
	if !f.needUnlog { // else no engine implements commit_checkpoint_request
		for i, e := range s.Engines {
			s.markXidsActive(binlogID, 1)
			durable := len(e.StartConsistentSnapshot()) // the engine's commits so far
			if s.variant != CheckpointNotifyUnflushed { // seeded bug: notify without the flush
				s.StorageStep(f.obj, func() { f.flushed[i] = max(f.flushed[i], durable) })
			}
			s.markXidDone(binlogID) // commit_checkpoint_notify_ha
		}
	}
	s.markXidDone(binlogID)
}

// recoverBinlog is crash recovery with binlog checkpoints (TC_LOG_BINLOG::
// recover, ha_recover; reference notes §1.5): the last Binlog_checkpoint
// of the last file names the file to scan from; the xids of the durable
// binlog from there on are committed in every engine that holds them
// prepared, and every other prepared transaction is rolled back. An engine
// keeps the commits that reached its disk: a prefix of its commit order
// that the crash chose, at least what its commit checkpoints flushed, and
// the commits of unlogged transactions (durable commit() without
// commit_checkpoint_request).
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
		durable := max(len(c.Engines[i]), f.flushed[i])
		var committed []checkers.Txn
		for k, t := range e.Visible { // in the engine's commit order
			if k < durable || slices.Contains(f.unlogged, t) || slices.Contains(xids, t) {
				committed = append(committed, t)
			}
		}
		for _, t := range xids { // prepared, never commit_ordered: after the others
			if slices.Contains(c.Prepared[i], t) && !slices.Contains(committed, t) {
				committed = append(committed, t)
			}
		}
		r.Engines = append(r.Engines, committed)
	}
	return r
}

// crashSteps is how many storage steps per transaction the rotate
// variants add (groupcommit.Config.ExtraSteps), at most: unlog, the
// rotate, and per engine the flush and its notify, with the rotate's own
// mark_xid_done.
func crashSteps(engines int) int { return 3 + 2*engines }
