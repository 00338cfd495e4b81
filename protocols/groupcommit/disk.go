package groupcommit

import "github.com/simrun/simrun/sim"

// disk is the device every log fsync of the server queues on, when
// Cost.Devices prices it: the binlog's fsync and each engine's own log
// fsync in prepare() wait for the device, first come first served
// (sim.Resource), instead of each getting a disk of its own.
type disk struct {
	dev *sim.Resource
	// logs are the engines' redo logs, flushed with InnoDB's own log
	// group commit (log_write_up_to): one flush covers every prepare
	// record written before it started.
	logs [2]redoLog
}

// redoLog is one engine's log: lsn counts the prepare records written to
// its buffer, flushed those already durable; mu is the log's flush mutex.
type redoLog struct {
	mu           *sim.Mutex
	lsn, flushed int
}

var redoLogNames = [2]string{"engine0-log", "engine1-log"}

func newDisk(x *sim.Execution, cfg Config) *disk {
	d := &disk{dev: sim.NewResource(x, "disk", cfg.Cost.Devices)}
	for i := 0; i < cfg.Engines; i++ {
		d.logs[i].mu = sim.NewMutex(x, redoLogNames[i])
	}
	return d
}

// fsync occupies the device for one fsync of latency dur.
func (d *disk) fsync(dur sim.Duration) { d.dev.Use(dur) }

// engineFsync makes engine's prepare record durable as InnoDB's
// log_write_up_to does: write the record to the log buffer, take the
// flush mutex, and fsync everything written so far unless a flush that
// started after the record was written already covered it. Without this
// grouping every prepare would queue its own fsync on the one device, and
// group commit of the binlog could not raise throughput past one prepare
// per fsync latency, which no published figure shows.
func (d *disk) engineFsync(engine int, dur sim.Duration) {
	l := &d.logs[engine]
	l.lsn++
	mine := l.lsn
	l.mu.Lock()
	if l.flushed < mine {
		upTo := l.lsn
		d.fsync(dur)
		l.flushed = upTo
	}
	l.mu.Unlock()
}
