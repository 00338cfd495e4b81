// Package replay models oxenstored's transactions: a single-threaded
// server over a persistent, path-copying tree; transactions on a private
// root that track the lowest common paths of what they read and wrote;
// commit by fast path or merge; and, in the replay variants, the server-side
// replay of a conflicting transaction (xen-project/xen aef35b9877, the seed
// "oxenstored: replay transaction upon conflict"). The rules are those of
// protocols.md §3, cited at each function by the oxenstored name.
//
// # Layers
//
// Server is pure Go: Handle executes one request atomically and returns
// its response. Clients are simulation actors (Client, Tx): each request is
// one visible step, a Do on the "xenstored" object, or, when the
// configuration prices requests (Config.Cost.Request), a Use of the
// single-threaded server's "xenstored-cpu" resource (first come first
// served) followed atomically by the request's execution, so that
// transactions of different clients interleave at request granularity and
// the execution's virtual time is the workload's completion time. A client re-runs a whole
// transaction closure after EAGAIN, after Config.Cost.Retry. A replay's
// re-executed requests hold the server for Config.Cost.Replayed each, and
// a client thinks for Config.Cost.Think between a response and its next
// request.
//
// # Quota, watches and conflict credit
//
// The server keeps per-domain node counts (quota.go: a transaction's
// private copy, the 3-way merge of Quota.merge), quota-maxrequests, watches
// filtered by permission (XSA-115), and, in the replay variants, XSA-206's
// history of commits, blame and conflict credit (credit.go): a domain
// blamed for failed replays is paused until its credit is refilled.
//
// # Variants
//
// MergeOnly answers EAGAIN to every conflict; Replay re-runs the recorded
// requests on the current store and commits when every response is equal;
// ReplayErrorsOnly is a seeded bug that compares only whether each response
// was an error. QuotaLostOnMerge, QuotaMergeNotFound,
// MaxrequestsUnrecorded, MkdirMarksPath, LsInsertionOrder, WatchUnfiltered
// and NoConflictCredit are Replay with one historical bug put back
// (protocols.md §3.5).
//
// # Workloads
//
// Random builds small transactions over a small key space from a seed, with
// a guest connection watching; Toolstack builds ocaml-xenstore's xs_bench
// (protocols.md §4): per VM Domain.make, six writes, three Device.add,
// shutdown and destroy, every VM started at once, each guest watching its
// home; Hostile is seed scenario 16: a guest writing inside a toolstack's
// read set; WriteSkew is the two transactions of the known result below,
// named "write-skew" in a configuration.
//
// # Oracles
//
// ScenarioFor runs Oracles over the recorded checkers.XenstoreEvent
// history, the first finding deciding the verdict:
// checkers.XenstoreReplayDivergence, checkers.XenstoreSerialReplay (with
// the unreported effects of failed requests), checkers.XenstoreQuota,
// checkers.XenstoreWatchOracle, checkers.XenstoreStrictSerializability and
// checkers.XenstoreLiveness.
//
// # Known results of the faithful variants
//
// Besides the untracked requests below: a merged transaction that takes a
// domain's node count to zero leaves its quota unchanged (Quota.merge folds
// over the transaction's entries only), checkers.XenstoreKindQuota; and a
// replayed commit fires its watch events from the original transaction's
// roots, which may let a domain see a path it may not read in the committed
// tree, checkers.XenstoreKindWatch. See TestFaithfulFindings and README.md.
//
// # Known result: untracked requests
//
// oxenstored records a path in a lowpath only when the operation succeeds
// (§3.2). A transaction that read an absent node (ENOENT) or a node it may
// not read (EACCES), or whose mkdir found the node present or whose rm
// found it absent (both answered Ack), records nothing for it; if it then
// commits by merge, a concurrent commit that created or removed that node,
// or changed its permissions, did not stop it. Two transactions that each
// read the key the other creates commit a write skew, which is not
// serializable; replay does not help, as it runs only when the merge fails.
// The oracles report this as checkers.XenstoreKindUntracked; see
// TestUntrackedWriteSkew and its traces in testdata/.
package replay
