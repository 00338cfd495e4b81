package xenstore

import (
	"math"
	"testing"

	"github.com/anishathalye/porcupine"
)

func txnOp(client int, call, ret int64, reqs []Request, resps []Response) porcupine.Operation {
	return porcupine.Operation{ClientId: client, Call: call, Return: ret,
		Input: TxnInput{Txn: true, Requests: reqs}, Output: TxnOutput{Responses: resps}}
}

// TestModel checks the model on hand-made histories, including write skew
// (illegal), the same transactions one after the other (legal) and an
// operation that never returned.
func TestModel(t *testing.T) {
	init := NewStore()
	init.Apply(0, req(OpMkdir, "/x"))
	init.Apply(0, req(OpMkdir, "/y"))
	t1 := []Request{req(OpRead, "/y/q"), req(OpWrite, "/x/p", "1")}
	t2 := []Request{req(OpRead, "/x/p"), req(OpWrite, "/y/q", "1")}
	absent := []Response{Error(ENOENT), Ack()}
	tests := []struct {
		name string
		h    []porcupine.Operation
		want porcupine.CheckResult
	}{
		{"write skew", []porcupine.Operation{
			txnOp(0, 0, 10, t1, absent), txnOp(1, 1, 11, t2, absent)}, porcupine.Illegal},
		{"serial", []porcupine.Operation{
			txnOp(0, 0, 10, t1, absent), txnOp(1, 11, 20, t2, []Response{Reply("1"), Ack()})}, porcupine.Ok},
		{"stale read after return is illegal", []porcupine.Operation{
			txnOp(0, 0, 10, t1, absent), txnOp(1, 11, 20, t2, absent)}, porcupine.Illegal},
		{"unknown outcome may be placed anywhere", []porcupine.Operation{
			{ClientId: 0, Call: 0, Return: math.MaxInt64, Input: TxnInput{Txn: true, Requests: t1}, Output: TxnOutput{Unknown: true}},
			txnOp(1, 11, 20, t2, []Response{Reply("1"), Ack()})}, porcupine.Ok},
		{"non-transactional request", []porcupine.Operation{
			{ClientId: 0, Call: 0, Return: 0, Input: TxnInput{Requests: []Request{req(OpWrite, "/x/p", "2")}}, Output: TxnOutput{Responses: []Response{Ack()}}},
			txnOp(1, 1, 2, t2, []Response{Reply("2"), Ack()})}, porcupine.Ok},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Check(init, tc.h); got != tc.want {
				t.Errorf("Check = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestPartitionByPath(t *testing.T) {
	op := func(paths ...string) porcupine.Operation {
		var rs []Request
		for _, p := range paths {
			rs = append(rs, req(OpRead, p))
		}
		return porcupine.Operation{Input: TxnInput{Requests: rs}}
	}
	h := []porcupine.Operation{op("/a/b"), op("/c"), op("/a/d"), op("/a"), op("/c/e/f"), op("/g")}
	var sizes []int
	for _, g := range PartitionByPath(h) {
		sizes = append(sizes, len(g))
	}
	if len(sizes) != 3 || sizes[0] != 3 || sizes[1] != 2 || sizes[2] != 1 {
		t.Errorf("partition sizes = %v, want [3 2 1]", sizes)
	}
}

// TestPartitionRmNamesParent: whether an rm answers ENOENT depends on its
// parent's existence, which an unrelated write's implicit creation
// changes, so the two must share a partition.
func TestPartitionRmNamesParent(t *testing.T) {
	h := []porcupine.Operation{
		{ClientId: 0, Call: 0, Return: 0, Input: TxnInput{Requests: []Request{req(OpWrite, "/p/a/x", "1")}}, Output: TxnOutput{Responses: []Response{Ack()}}},
		{ClientId: 1, Call: 1, Return: 1, Input: TxnInput{Requests: []Request{req(OpRm, "/p/b")}}, Output: TxnOutput{Responses: []Response{Ack()}}},
	}
	if n := len(PartitionByPath(h)); n != 1 {
		t.Fatalf("%d partitions, want 1", n)
	}
	if got := Check(nil, h); got != porcupine.Ok {
		t.Errorf("Check = %s, want Ok", got)
	}
}
