package xenstore_test

import (
	"fmt"

	"github.com/simrun/simrun/model/xenstore"
)

func Example() {
	s := xenstore.NewStore()
	fmt.Println(s.Apply(0, xenstore.Request{Op: xenstore.OpWrite, Path: "/vm/1/name", Value: "web"}))
	fmt.Println(s.Apply(0, xenstore.Request{Op: xenstore.OpDirectory, Path: "/vm"}))
	fmt.Println(s.Apply(5, xenstore.Request{Op: xenstore.OpRead, Path: "/vm/1/name"}))
	resps, committed := s.ApplyTxn(0, []xenstore.Request{
		{Op: xenstore.OpRead, Path: "/vm/1/name"},
		{Op: xenstore.OpRm, Path: "/vm/1"},
	})
	fmt.Println(resps, committed)
	// Output:
	// ack
	// reply "1\\0"
	// error EACCES
	// [reply "web" ack] true
}
