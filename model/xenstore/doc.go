// Package xenstore is the sequential specification of the xenstore tree as
// oxenstored (xen-project/xen tools/ocaml/xenstored) implements it, and a
// porcupine model in which one operation is one whole transaction.
//
// # The tree
//
// A Store is a tree of nodes; each node has a value, permissions and
// children. Requests are the xenstore wire operations read, write, mkdir,
// rm, directory, getperms and setperms, plus getdomainpath. Their
// responses are an Ack, a Reply carrying a string, or an Error carrying the
// errno name that oxenstored puts on the wire (ENOENT, EEXIST, EINVAL,
// EACCES, EAGAIN). The rules follow oxenstored's store.ml and process.ml:
//
//   - write and mkdir first create every missing ancestor, as mkdir would
//     (process.ml create_implicit_path), with the permissions of its parent
//     and an empty value;
//   - mkdir of an existing node and rm of an absent node (whose parent
//     exists) answer Ack: process.ml swallows Already_exist and
//     Doesnt_exist; rm or setperms below an absent parent answer ENOENT;
//   - read, directory and getperms answer ENOENT for an absent node and
//     EACCES when the connection may not read it;
//   - directory lists children sorted by name (oxenstored since 3068dfd641,
//     2021: children are a sorted map); the reply is the names, each
//     followed by a NUL byte, or the empty string;
//   - domain 0 is privileged: it passes every permission check.
//
// # Transactions
//
// Store.ApplyTxn applies a whole transaction atomically: its requests in
// order on a private copy, installed only when one of them wrote (a
// successful write, mkdir of a new node, rm of an existing node or
// setperms), as oxenstored never commits a read-only transaction
// (b2a4105820). That is the serial semantics a correct server must be
// equivalent to.
//
// # Porcupine
//
// Model is a porcupine.Model over TxnInput/TxnOutput: one operation is one
// committed transaction (or one non-transactional request), with every
// response its client saw. Checking a history with it decides strict
// serializability. An operation whose outcome was never seen has
// TxnOutput.Unknown set; Step then applies its effect and accepts any
// responses, the convention porcupine's own Jepsen tests use.
package xenstore
