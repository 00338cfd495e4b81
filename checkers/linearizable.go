package checkers

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/anishathalye/porcupine"
	"github.com/simrun/simrun/model/commitlog"
	"github.com/simrun/simrun/sim"
)

// Linearizability is the finding of the linearizability checker: no
// order of the operations explains what the clients saw.
const Linearizability sim.Kind = "linearizability"

// CommitLogHistory turns a group-commit history into porcupine operations
// of the commitlog model, stamped with visible-step numbers (strictly
// increasing, so the verdict never depends on wall time):
//
//   - a commit is called at its Begin and returns at its Returned, ok or
//     error; a commit that never returned (a crash cut it off) gets the
//     Unknown outcome and a return after everything else (then
//     resolved: see resolveUnknown);
//   - a snapshot is called at its SnapshotBegin and returns at its
//     Snapshot; one that never returned has no effect and is left out;
//   - after a crash nothing returns any more (Returned events after the
//     Crash event are not answers to a live client), and the Recovered
//     state is one last read, after every returned operation.
//
// The client of an operation is the actor that ran it.
func CommitLogHistory(h *sim.History) []porcupine.Operation {
	var ops []porcupine.Operation
	open := map[Txn]int{}     // commit -> index in ops
	snaps := map[[2]int]int{} // reader, seq -> index
	crashed := false
	for _, e := range h.Events {
		switch ev := e.Value.(type) {
		case Crash:
			crashed = true
		case Begin:
			if crashed {
				continue
			}
			open[ev.Txn] = len(ops)
			ops = append(ops, porcupine.Operation{ClientId: e.Actor, Call: int64(e.Step), Return: math.MaxInt64,
				Input:  commitlog.Input{Kind: commitlog.Commit, Txn: modelTxn(ev.Txn)},
				Output: commitlog.Output{Status: commitlog.Unknown}})
		case Returned:
			if i, ok := open[ev.Txn]; ok && !crashed {
				st := commitlog.OK
				if ev.Err {
					st = commitlog.Err
				}
				ops[i].Return, ops[i].Output = int64(e.Step), commitlog.Output{Status: st}
				delete(open, ev.Txn)
			}
		case SnapshotBegin:
			if !crashed {
				snaps[[2]int{ev.Reader, ev.Seq}] = -1 - e.Step
			}
		case Snapshot:
			call, ok := snaps[[2]int{ev.Reader, ev.Seq}]
			if !ok || crashed {
				continue
			}
			ops = append(ops, porcupine.Operation{ClientId: e.Actor, Call: int64(-1 - call), Return: int64(e.Step),
				Input:  commitlog.Input{Kind: commitlog.Snapshot},
				Output: commitlog.Output{Status: commitlog.OK, Engines: modelTxnLists(ev.Engines), Pos: ev.Pos}})
		case Recovered:
			engines := modelTxnLists(ev.Engines)
			engines = append(engines, modelTxns(ev.Binlog))
			ops = append(ops, porcupine.Operation{ClientId: e.Actor, Call: int64(h.Steps) + 1, Return: int64(h.Steps) + 1,
				Input:  commitlog.Input{Kind: commitlog.Recovered},
				Output: commitlog.Output{Status: commitlog.OK, Engines: engines, Pos: len(ev.Binlog)}})
		}
	}
	return resolveUnknown(ops)
}

// resolveUnknown replaces every Unknown commit by what it must have been:
// a commit that some snapshot or the recovered state contains took effect
// (it is in the state from then on, since nothing removes a commit); one
// that nothing observed can be taken as never applied, which is always at
// least as permissive. The verdict is the same, and porcupine does not
// branch on every commit a crash cut off.
func resolveUnknown(ops []porcupine.Operation) []porcupine.Operation {
	observed := map[commitlog.Txn]bool{}
	for _, op := range ops {
		for _, view := range op.Output.(commitlog.Output).Engines {
			for _, t := range view {
				observed[t] = true
			}
		}
	}
	out := ops[:0]
	for _, op := range ops {
		in, o := op.Input.(commitlog.Input), op.Output.(commitlog.Output)
		if in.Kind == commitlog.Commit && o.Status == commitlog.Unknown {
			if !observed[in.Txn] {
				continue
			}
			op.Output = commitlog.Output{Status: commitlog.OK}
		}
		out = append(out, op)
	}
	return out
}

func modelTxn(t Txn) commitlog.Txn { return commitlog.Txn{Thread: t.Thread, Seq: t.Seq} }

func modelTxns(ts []Txn) []commitlog.Txn {
	out := make([]commitlog.Txn, len(ts))
	for i, t := range ts {
		out[i] = modelTxn(t)
	}
	return out
}

func modelTxnLists(ls [][]Txn) [][]commitlog.Txn {
	out := make([][]commitlog.Txn, len(ls))
	for i, l := range ls {
		out[i] = modelTxns(l)
	}
	return out
}

// Linearizable checks that the commits and snapshots of a group-commit
// history are linearizable with respect to the commitlog model. The check
// has no timeout, so its verdict is a function of the history alone. The
// finding's Detail lists the longest partial linearizations, sorted; use
// LinearizabilityHTML or LinearizableTo for porcupine's page.
func Linearizable(h *sim.History) *sim.Finding {
	f, _ := checkLinearizable(h)
	return f
}

// LinearizableTo is Linearizable, and on a finding also writes porcupine's
// HTML page into dir, under a name derived from the history (so the same
// failing history always gives the same file), and names the file in the
// finding's Detail. Give it the directory the failing trace is written to.
func LinearizableTo(dir string) func(h *sim.History) *sim.Finding {
	return func(h *sim.History) *sim.Finding {
		f, info := checkLinearizable(h)
		if f == nil {
			return nil
		}
		var buf bytes.Buffer
		if err := porcupine.Visualize(commitlog.Model, info, &buf); err != nil {
			f.Detail += "\nporcupine HTML: " + err.Error()
			return f
		}
		sum := fnv.New64a()
		sum.Write([]byte(f.Detail))
		path := filepath.Join(dir, fmt.Sprintf("linearizability-%016x.html", sum.Sum64()))
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			f.Detail += "\nporcupine HTML: " + err.Error()
			return f
		}
		f.Detail += "\nporcupine HTML: " + path
		return f
	}
}

// LinearizabilityHTML returns porcupine's visualization of a history's
// linearizability check, and whether the history is linearizable.
func LinearizabilityHTML(h *sim.History) ([]byte, bool, error) {
	f, info := checkLinearizable(h)
	var buf bytes.Buffer
	err := porcupine.Visualize(commitlog.Model, info, &buf)
	return buf.Bytes(), f == nil, err
}

func checkLinearizable(h *sim.History) (*sim.Finding, porcupine.LinearizationInfo) {
	ops := CommitLogHistory(h)
	res, info := porcupine.CheckOperationsVerbose(commitlog.Model, ops, 0)
	if res == porcupine.Ok {
		return nil, info
	}
	end := sim.Event{Step: h.Steps, Actor: -1}
	f := fail(Linearizability, end, h, "the commits and snapshots are not linearizable (%d operations)", len(ops))
	f.Detail = describePartials(info)
	return f, info
}

// describePartials prints the longest partial linearizations, sorted, so
// the text is the same on every run (porcupine builds them from a map).
func describePartials(info porcupine.LinearizationInfo) string {
	var lines []string
	best := 0
	for _, part := range info.PartialLinearizationsOperations() {
		for _, lin := range part {
			var b strings.Builder
			for i, op := range lin {
				if i > 0 {
					b.WriteString("; ")
				}
				b.WriteString(commitlog.Model.DescribeOperation(op.Input, op.Output))
			}
			switch {
			case len(lin) > best:
				best, lines = len(lin), []string{b.String()}
			case len(lin) == best:
				lines = append(lines, b.String())
			}
		}
	}
	sort.Strings(lines)
	if len(lines) > 5 {
		lines = append(lines[:5], fmt.Sprintf("(%d more)", len(lines)-5))
	}
	return fmt.Sprintf("longest partial linearizations (%d operations):\n  %s", best, strings.Join(lines, "\n  "))
}
