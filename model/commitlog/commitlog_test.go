package commitlog

import (
	"math"
	"testing"

	"github.com/anishathalye/porcupine"
)

// TestModel checks small histories against the model, with no timeout.
func TestModel(t *testing.T) {
	a, b := Txn{1, 1}, Txn{2, 1}
	commit := func(client int, tx Txn, call, ret int64, st Status) porcupine.Operation {
		return porcupine.Operation{ClientId: client, Input: Input{Kind: Commit, Txn: tx}, Call: call, Return: ret, Output: Output{Status: st}}
	}
	snap := func(call, ret int64, pos int, views ...[]Txn) porcupine.Operation {
		return porcupine.Operation{ClientId: 3, Input: Input{Kind: Snapshot}, Call: call, Return: ret, Output: Output{Engines: views, Pos: pos}}
	}
	tests := []struct {
		name string
		ops  []porcupine.Operation
		want bool
	}{
		{"concurrent snapshot may miss a commit", []porcupine.Operation{commit(0, a, 1, 10, OK), snap(2, 3, 0, nil)}, true},
		{"later snapshot must see it", []porcupine.Operation{commit(0, a, 1, 2, OK), snap(3, 4, 0, nil)}, false},
		{"failed commit has no effect", []porcupine.Operation{commit(0, a, 1, 2, Err), snap(3, 4, 1, []Txn{a})}, false},
		{"engines must agree", []porcupine.Operation{commit(0, a, 1, 2, OK), commit(1, b, 1, 2, OK), snap(3, 4, 2, []Txn{a, b}, []Txn{b})}, false},
		{"position is the count", []porcupine.Operation{commit(0, a, 1, 2, OK), snap(3, 4, 2, []Txn{a})}, false},
		{"unknown: took effect", []porcupine.Operation{commit(0, a, 1, math.MaxInt64, Unknown), snap(3, 4, 1, []Txn{a})}, true},
		{"unknown: did not", []porcupine.Operation{commit(0, a, 1, math.MaxInt64, Unknown), snap(3, 4, 0, nil)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := porcupine.CheckOperationsTimeout(Model, tc.ops, 0)
			if got := res == porcupine.Ok; got != tc.want {
				t.Fatalf("linearizable = %v (%s), want %v", got, res, tc.want)
			}
		})
	}
}
