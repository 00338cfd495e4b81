package groupcommit

import "github.com/simrun/simrun/sim"

// disk is the device every log fsync of the server queues on, when
// Cost.Devices prices it: the binlog's fsync and each engine's own log
// fsync in prepare() wait for the device, first come first served
// (sim.Resource), instead of each getting a disk of its own.
type disk struct {
	x   *sim.Execution
	dev *sim.Resource
	// logs are the engines' redo logs, flushed with InnoDB's own log
	// group commit (log_write_up_to): one flush covers every prepare
	// record written before it started.
	logs [2]redoLog
}

// redoLog is one engine's log_sys, as log_write_up_to sees it: lsn counts
// the prepare records written to the log buffer; flushedToDiskLsn is what
// is durable; while flushing, currentFlushLsn is what the running flush
// will make durable and noFlushEvent is closed when it ends. mutex is
// log_sys->mutex, which guards them and is not held during the fsync.
type redoLog struct {
	mutex                                  *sim.Mutex
	lsn, flushedToDiskLsn, currentFlushLsn int
	flushing                               bool // log_sys->n_pending_writes > 0
	noFlushEvent                           *sim.Chan[struct{}]
}

var (
	redoLogNames      = [2]string{"engine0-log", "engine1-log"}
	noFlushEventNames = [2]string{"engine0-log.no_flush_event", "engine1-log.no_flush_event"}
)

func newDisk(x *sim.Execution, cfg Config) *disk {
	d := &disk{x: x, dev: sim.NewResource(x, "disk", cfg.Cost.Devices)}
	for i := 0; i < cfg.Engines; i++ {
		d.logs[i].mutex = sim.NewMutex(x, redoLogNames[i])
	}
	return d
}

// fsync occupies the device for one fsync of latency dur.
func (d *disk) fsync(dur sim.Duration) { d.dev.Use(dur) }

// engineFsync makes engine's prepare record durable as InnoDB's
// log_write_up_to(lsn, LOG_WAIT_ONE_GROUP, TRUE) does (log0log.c, MySQL
// 5.1/5.5, the servers of the published benchmarks): the record is written
// to the log buffer under log_sys->mutex; if a flush already made it
// durable it returns; if the running flush covers it, it waits for that
// flush to end (os_event_wait on no_flush_event, outside the mutex);
// otherwise it waits for the running flush to end and loops; with no
// flush running it starts one covering everything written so far, and
// fsyncs with log_sys->mutex released. A prepare thus waits for at most
// the flush in progress and the one after it, and one fsync covers every
// prepare record written before it started. Without this grouping every
// prepare would queue its own fsync on the one device, and group commit
// of the binlog could not raise throughput past one prepare per fsync
// latency, which no published figure shows.
//
// Holding the mutex across the fsync instead, as this model did before,
// is not InnoDB's: a prepare already covered by a finished flush then
// waits for the mutex behind the leader of the next flush, and with the
// mutex handed to waiters in any order it can wait through many flushes
// (docs/costmodel.md, "Why -cost devices=4 looked worse").
func (d *disk) engineFsync(engine int, dur sim.Duration) {
	l := &d.logs[engine]
	l.mutex.Lock()
	l.lsn++ // mtr_commit: the prepare record is in the log buffer
	lsn := l.lsn
	for l.flushedToDiskLsn < lsn {
		if l.flushing {
			covered, ev := l.currentFlushLsn >= lsn, l.noFlushEvent
			l.mutex.Unlock()
			ev.Recv() // os_event_wait(log_sys->no_flush_event)
			if covered {
				return // do_waits: the running flush wrote enough
			}
			l.mutex.Lock() // goto loop: try to start a new flush
			continue
		}
		l.flushing, l.currentFlushLsn = true, l.lsn
		l.noFlushEvent = sim.NewChan[struct{}](d.x, noFlushEventNames[engine], 0) // os_event_reset
		l.mutex.Unlock()
		d.fsync(dur) // fil_flush, outside log_sys->mutex
		l.mutex.Lock()
		l.flushedToDiskLsn, l.flushing = l.currentFlushLsn, false
		l.noFlushEvent.Close() // os_event_set(log_sys->no_flush_event)
	}
	l.mutex.Unlock()
}
