package checkers

import (
	"fmt"

	"github.com/simrun/simrun/model/xenstore"
)

// XenstoreOutcome says how a xenstore server ended a transaction.
type XenstoreOutcome uint8

// The outcomes of a transaction end.
const (
	XenstoreNone     XenstoreOutcome = iota // not a transaction end, or an end that failed to parse
	XenstoreFastPath                        // committed: the root was unchanged since the start; installed
	XenstoreMerged                          // committed: both lowpaths unchanged; the written subtree grafted
	XenstoreReplayed                        // committed: the replay on the current store answered the same
	XenstoreReadOnly                        // ended with "T" having written nothing: nothing committed (b2a4105820)
	XenstoreConflict                        // EAGAIN: no merge, and no (successful) replay
	XenstoreAborted                         // ended with "F"
)

var outcomeNames = [...]string{"none", "fast-path", "merged", "replayed", "read-only", "conflict", "aborted"}

// String names the outcome.
func (o XenstoreOutcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}

// Committed reports whether the transaction's effects were installed.
func (o XenstoreOutcome) Committed() bool {
	return o == XenstoreFastPath || o == XenstoreMerged || o == XenstoreReplayed
}

// XenstoreEvent is one request of a xenstore scenario, as its client saw
// it, recorded (with sim's Execution.Record) at the step where the
// single-threaded server executed it, so that events are in server order.
type XenstoreEvent struct {
	Step   int // visible step at which the server executed the request
	Client int // zero-based client index
	Dom    int // the client's domain
	// Tid is the transaction the request belongs to, 0 when it is
	// non-transactional; for a successful transaction start, the tid it
	// returned.
	Tid  int
	Req  xenstore.Request
	Resp xenstore.Response
	// Outcome is set on transaction ends.
	Outcome XenstoreOutcome
	// Replay holds, for a replayed commit, the responses the replay got
	// for the transaction's requests, in order.
	Replay []xenstore.Response
	// Untracked is set on merged commits: the indexes of the
	// transaction's requests that the server recorded in no lowpath
	// (failed, or swallowed no-ops). It only explains findings.
	Untracked []int
	// After is set with Untracked: the server's tree after the merge, as
	// xenstore.Store.Dump renders it.
	After string
	// Txn numbers the client's logical transactions (its closures) from 1;
	// Attempt numbers the tries of one logical transaction from 1. Both
	// are set on transaction starts.
	Txn, Attempt int
	// Fired lists the watch events the server fired for this request: a
	// write outside a transaction, or a committed transaction end.
	Fired []XenstoreWatchEvent
	// Quota and Owned are set on transaction ends: the server's
	// per-domain node counts after the end, and the number of nodes each
	// domain owns in its tree. The quota oracle compares them.
	Quota, Owned map[int]int
}

// XenstoreWatch is a registered watch: a connection (numbered after the
// clients when it only watches), its domain and the watched path. A
// scenario registers its watches before the clients start and hands them
// to the watch oracle.
type XenstoreWatch struct {
	Conn, Dom int
	Path      string
}

// XenstoreWatchEvent is one watch event sent to a connection: the path
// that changed (or, for a watch below a removed node, the watch's path).
type XenstoreWatchEvent struct {
	Conn, Dom int
	Path      string
}

// String formats e on one line.
func (e XenstoreEvent) String() string {
	s := fmt.Sprintf("#%d c%d tid%d %s -> %s", e.Step, e.Client, e.Tid, e.Req, e.Resp)
	if e.Outcome != XenstoreNone {
		s += " [" + e.Outcome.String() + "]"
	}
	return s
}
