package unsafeptr

import (
	"sync"
	"unsafe"
)

var mu sync.Mutex

func State() int32 { return *(*int32)(unsafe.Pointer(&mu)) }
