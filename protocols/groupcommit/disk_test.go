package groupcommit

import (
	"maps"
	"testing"

	"github.com/simrun/simrun/sim"
)

const ms = sim.Millisecond

// arrival is one actor of a disk scenario: a prepare of engine 0 (or, with
// binlog, one binlog fsync) that starts at virtual time at.
type arrival struct {
	name   string
	at     sim.Duration
	binlog bool
}

// diskEnds runs the arrivals on a disk of devices devices (10 ms fsyncs,
// every other cost zero) for runs random schedules, with prepare as the
// engine's flush, and returns each schedule's time at which each actor
// was done.
func diskEnds(t *testing.T, devices int, arrivals []arrival, prepare func(*disk, int, sim.Duration), runs int) []map[string]sim.Duration {
	t.Helper()
	cfg := Config{Threads: 1, Txns: 1, Engines: 1, Cost: Cost{Fsync: 10 * ms, EngineFsync: 10 * ms, Devices: devices}}
	scenario := func(x *sim.Execution) {
		d := newDisk(x, cfg)
		for _, a := range arrivals {
			x.Go(a.name, func() {
				if a.at > 0 {
					// Sleep returns at once and the actor runs on
					// until its next visible step, which waits for
					// the time: Yield is that step, so that what
					// follows (the old model's lsn++) happens at at.
					x.Sleep(a.at)
					x.Yield()
				}
				if a.binlog {
					d.fsync(cfg.Cost.Fsync)
				} else {
					prepare(d, 0, cfg.Cost.EngineFsync)
				}
				x.Record("done")
			})
		}
	}
	var ends []map[string]sim.Duration
	_, err := sim.Explore(scenario, sim.Options{Runs: runs, Seed: 1, OnExecution: func(_ int, h *sim.History, f *sim.Finding) {
		if f != nil {
			t.Fatalf("unexpected finding: %v", f)
		}
		end := map[string]sim.Duration{}
		for _, e := range h.Events {
			end[h.Actors[e.Actor]] = e.Time
		}
		ends = append(ends, end)
	}})
	if err != nil {
		t.Fatal(err)
	}
	return ends
}

// engineFsyncMutexHeld is the model before the fix: the flush mutex held
// across the fsync, so a prepare that a finished flush already covered
// still waits for the mutex, behind whichever waiter gets it first.
func engineFsyncMutexHeld(d *disk, engine int, dur sim.Duration) {
	l := &d.logs[engine]
	l.lsn++
	mine := l.lsn
	l.mutex.Lock()
	if l.flushedToDiskLsn < mine {
		upTo := l.lsn
		d.fsync(dur)
		l.flushedToDiskLsn = upTo
	}
	l.mutex.Unlock()
}

// TestEngineFsyncTimes checks log_write_up_to's virtual times against
// ones computed by hand, in every schedule: a prepare waits for at most
// the flush in progress and the next one, which covers every record
// written before it started, and the device serializes an engine flush
// with the binlog's fsync only when there is one device.
func TestEngineFsyncTimes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		devices  int
		arrivals []arrival
		want     map[string]sim.Duration
	}{
		{"alone", 1, []arrival{{"a", 0, false}}, map[string]sim.Duration{"a": 10 * ms}},
		// a flushes its own record (0-10); b and c wait for it, then one
		// flush covers both (10-20).
		{"together", 4, []arrival{{"a", 0, false}, {"b", 1 * ms, false}, {"c", 2 * ms, false}},
			map[string]sim.Duration{"a": 10 * ms, "b": 20 * ms, "c": 20 * ms}},
		// b and c arrive during a's flush, d during the flush that covers
		// b and c (10-20): d waits for it, then flushes alone (20-30);
		// b and c are done at 20 whoever starts the second flush.
		{"staggered", 4, []arrival{{"a", 0, false}, {"b", 5 * ms, false}, {"c", 6 * ms, false}, {"d", 12 * ms, false}},
			map[string]sim.Duration{"a": 10 * ms, "b": 20 * ms, "c": 20 * ms, "d": 30 * ms}},
		{"after the flush", 1, []arrival{{"a", 0, false}, {"b", 15 * ms, false}},
			map[string]sim.Duration{"a": 10 * ms, "b": 25 * ms}},
		// One device: the binlog's fsync (queued at 1) runs 10-20, so b's
		// flush, started when a's ends, waits for the device (20-30).
		{"one device", 1, []arrival{{"a", 0, false}, {"binlog", 1 * ms, true}, {"b", 5 * ms, false}},
			map[string]sim.Duration{"a": 10 * ms, "binlog": 20 * ms, "b": 30 * ms}},
		// Two devices: the binlog's fsync (1-11) overlaps both flushes.
		{"two devices", 2, []arrival{{"a", 0, false}, {"binlog", 1 * ms, true}, {"b", 5 * ms, false}},
			map[string]sim.Duration{"a": 10 * ms, "binlog": 11 * ms, "b": 20 * ms}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i, got := range diskEnds(t, tc.devices, tc.arrivals, (*disk).engineFsync, 30) {
				if !maps.Equal(got, tc.want) {
					t.Fatalf("schedule %d: done at %v, want %v", i, got, tc.want)
				}
			}
		})
	}
}

// TestEngineFsyncMutexHeldConvoys proves TestEngineFsyncTimes' staggered
// case catches the old model: with the mutex held across the fsync, some
// schedule hands the mutex to d before c, and c, covered at 20, waits
// for d's flush too.
func TestEngineFsyncMutexHeldConvoys(t *testing.T) {
	arrivals := []arrival{{"a", 0, false}, {"b", 5 * ms, false}, {"c", 6 * ms, false}, {"d", 12 * ms, false}}
	late := 0
	for _, got := range diskEnds(t, 4, arrivals, engineFsyncMutexHeld, 30) {
		if got["b"] == 30*ms || got["c"] == 30*ms {
			late++
		}
	}
	if late == 0 {
		t.Errorf("no schedule of 30 delayed a covered prepare behind the next flush")
	}
}
