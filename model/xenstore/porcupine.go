package xenstore

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/anishathalye/porcupine"
)

// TxnInput is the input of one porcupine operation: a committed
// transaction's requests (without its start and end) or, when Txn is
// false, exactly one non-transactional request.
type TxnInput struct {
	Dom      int       // the connection's domain, for permissions and relative paths
	Txn      bool      // a transaction (atomic, read-only ones install nothing)
	Requests []Request // in the order the client sent them
}

// TxnOutput is what the client saw: one response per request. Unknown
// marks an operation whose outcome was never observed; Step applies its
// effect and accepts any responses.
type TxnOutput struct {
	Responses []Response
	Unknown   bool
}

// modelState is an immutable snapshot: Step never mutates a store it was
// given.
type modelState struct {
	store *Store
	dump  string
}

func newModelState(s *Store) *modelState { return &modelState{store: s, dump: s.Dump()} }

// NewModel returns the porcupine model of the xenstore tree starting from
// a copy of init (an empty tree when init is nil). One operation is one
// TxnInput/TxnOutput pair; a history passes porcupine.CheckOperations
// exactly when it is strictly serializable. The model partitions a history
// with PartitionByPath.
func NewModel(init *Store) porcupine.Model {
	if init == nil {
		init = NewStore()
	}
	start := newModelState(init.Clone())
	return porcupine.Model{
		Partition: PartitionByPath,
		Init:      func() any { return start },
		Step:      step,
		Equal:     func(a, b any) bool { return a.(*modelState).dump == b.(*modelState).dump },
		Hash: func(s any) uint64 {
			h := fnv.New64a()
			h.Write([]byte(s.(*modelState).dump))
			return h.Sum64()
		},
		DescribeOperation: describeOp,
		DescribeState:     func(s any) string { return s.(*modelState).dump },
	}
}

func step(state, input, output any) (bool, any) {
	st := state.(*modelState)
	in := input.(TxnInput)
	out := output.(TxnOutput)
	s := st.store.Clone()
	var resps []Response
	if in.Txn {
		resps, _ = s.ApplyTxn(in.Dom, in.Requests)
	} else {
		for _, r := range in.Requests {
			resps = append(resps, s.Apply(in.Dom, r))
		}
	}
	next := newModelState(s)
	if out.Unknown {
		return true, next
	}
	if len(resps) != len(out.Responses) {
		return false, st
	}
	for i := range resps {
		if !resps[i].Equal(out.Responses[i]) {
			return false, st
		}
	}
	return true, next
}

func describeOp(input, output any) string {
	in := input.(TxnInput)
	out := output.(TxnOutput)
	var b strings.Builder
	if in.Txn {
		b.WriteString("txn")
	}
	fmt.Fprintf(&b, "[dom%d]", in.Dom)
	for i, r := range in.Requests {
		resp := "?"
		if !out.Unknown && i < len(out.Responses) {
			resp = out.Responses[i].String()
		}
		fmt.Fprintf(&b, " %s -> %s;", r, resp)
	}
	return b.String()
}

// touched returns the absolute paths an operation names.
func touched(in TxnInput) [][]string {
	var ps [][]string
	for _, r := range in.Requests {
		if r.Op == OpGetDomainPath {
			continue
		}
		if p, err := ParsePath(r.Path, in.Dom); err == nil {
			ps = append(ps, p)
			if r.Op == OpRm {
				// rm answers ENOENT when the parent is missing and Ack
				// when only the node is: it depends on the parent.
				ps = append(ps, Parent(p))
			}
		}
	}
	return ps
}

// PartitionByPath splits a history into groups of operations that are
// connected through paths where one is an ancestor of (or equal to) the
// other; an rm also names its parent. This is sound for the xenstore tree:
// an operation's responses and effects depend only on the nodes it names,
// their subtrees, and the existence and permissions of their ancestors.
// The only effect an operation can have on an ancestor of a path it does
// not name is the implicit creation of a missing ancestor, which is
// idempotent (empty value, permissions of its parent). Whether an ancestor
// exists changes no response of read, directory, getperms, setperms, write
// or mkdir below it (ENOENT or Ack either way), but it does change rm's
// (ENOENT when the parent is missing, Ack when only the node is), hence
// the parent. Any operation that names the ancestor itself is connected to
// both. The groups come out in the order of their first operation.
func PartitionByPath(history []porcupine.Operation) [][]porcupine.Operation {
	n := len(history)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	paths := make([][][]string, n)
	for i, op := range history {
		paths[i] = touched(op.Input.(TxnInput))
	}
	// Index by every prefix of every path: two paths are prefix-related
	// exactly when the longer one has the shorter as a prefix key.
	owner := map[string]int{} // full path -> first op naming it
	for i := range history {
		for _, p := range paths[i] {
			k := JoinPath(p)
			if j, ok := owner[k]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[k] = i
			}
		}
	}
	for i := range history {
		for _, p := range paths[i] {
			for l := 0; l < len(p); l++ {
				if j, ok := owner[JoinPath(p[:l])]; ok {
					parent[find(i)] = find(j)
				}
			}
		}
	}
	groups := map[int][]porcupine.Operation{}
	var order []int
	for i, op := range history {
		r := find(i)
		if _, ok := groups[r]; !ok {
			order = append(order, r)
		}
		groups[r] = append(groups[r], op)
	}
	out := make([][]porcupine.Operation, 0, len(order))
	for _, r := range order {
		out = append(out, groups[r])
	}
	return out
}

// Check decides strict serializability of a history of TxnInput/TxnOutput
// operations from init, with no time limit: the verdict never depends on
// the wall clock. Callers bound the history's size instead.
func Check(init *Store, history []porcupine.Operation) porcupine.CheckResult {
	return porcupine.CheckOperationsTimeout(NewModel(init), slices.Clone(history), 0)
}
