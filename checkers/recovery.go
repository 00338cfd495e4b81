package checkers

import (
	"fmt"

	"github.com/simrun/simrun/sim"
)

// RecoveryKind is the finding of the crash-recovery oracle.
const RecoveryKind sim.Kind = "recovery"

// Recovery checks a crash and its recovery (reference notes §1.5): after
// recovery the binlog and every engine hold the same transactions in the
// same order, the binlog is the durable binlog at the crash, and every
// transaction acknowledged to its client before the crash is there. A
// history without a crash passes.
func Recovery(h *sim.History) *sim.Finding {
	var crash *Crash
	var rec *Recovered
	var recEv sim.Event
	acked := []Txn{}
	for _, e := range h.Events {
		switch ev := e.Value.(type) {
		case Returned:
			if crash == nil && !ev.Err {
				acked = append(acked, ev.Txn)
			}
		case Crash:
			if crash == nil {
				c := ev
				crash = &c
			}
		case Recovered:
			r := ev
			rec, recEv = &r, e
		}
	}
	if crash == nil {
		return nil
	}
	end := sim.Event{Step: h.Steps, Actor: -1}
	if rec == nil {
		return fail(RecoveryKind, end, h, "the server crashed but never recovered")
	}
	detail := fmt.Sprintf("%v\n%v\nacknowledged before the crash: %v", *crash, *rec, acked)
	f := func(format string, args ...any) *sim.Finding {
		fd := fail(RecoveryKind, recEv, h, format, args...)
		fd.Detail = detail
		return fd
	}
	if !equalTxns(rec.Binlog, crash.Binlog) {
		return f("recovered binlog %v differs from the durable binlog %v", rec.Binlog, crash.Binlog)
	}
	for i, eng := range rec.Engines {
		if !equalTxns(eng, rec.Binlog) {
			return f("after recovery engine %d holds %v, the binlog %v", i, eng, rec.Binlog)
		}
	}
	in := map[Txn]bool{}
	for _, t := range rec.Binlog {
		in[t] = true
	}
	for _, t := range acked {
		if !in[t] {
			return f("%v was acknowledged before the crash but is lost after recovery", t)
		}
	}
	return nil
}

func equalTxns(a, b []Txn) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
