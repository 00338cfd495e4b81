// Package atomicmixed is an etcd-style raft node whose applied index is
// advanced with sync/atomic but read plainly by a status method.
package atomicmixed

import "sync/atomic"

// Node applies entries.
type Node struct {
	applied uint64
}

// Apply advances the applied index.
func (n *Node) Apply() { atomic.AddUint64(&n.applied, 1) }

// AppliedIndex is buggy: a plain read of an atomically written word.
func (n *Node) AppliedIndex() uint64 { return n.applied }

// AppliedIndexFixed loads atomically.
func (n *Node) AppliedIndexFixed() uint64 { return atomic.LoadUint64(&n.applied) }
