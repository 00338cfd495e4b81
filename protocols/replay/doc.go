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
// transaction closure after EAGAIN, after Config.Cost.Retry.
//
// # Variants
//
// MergeOnly answers EAGAIN to every conflict; Replay re-runs the recorded
// requests on the current store and commits when every response is equal;
// ReplayErrorsOnly is a seeded bug that compares only whether each response
// was an error.
//
// # Workloads
//
// Random builds small transactions over a small key space from a seed;
// Toolstack builds ocaml-xenstore's xs_bench (protocols.md §4): per VM
// Domain.make, six writes, three Device.add, shutdown and destroy, every VM
// started at once; WriteSkew is the two transactions of the known result
// below, named "write-skew" in a configuration.
//
// # Oracles
//
// ScenarioFor registers, in this order, checkers.XenstoreReplayDivergence,
// checkers.XenstoreSerialReplay, checkers.XenstoreStrictSerializability and
// checkers.XenstoreLiveness over the recorded checkers.XenstoreEvent
// history.
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
