// Package kernels is simrun's suite of Go concurrency bug kernels: small
// programs, each in a buggy and a fixed version, written with sim's Go
// vocabulary (Chan, Select, GoMutex, RWMutex, WaitGroup, Once, GoCond,
// Semaphore, AtomicInt, contexts and timers). Each reproduces a bug
// pattern that the studies of real Go concurrency bugs report — Tu, Liu,
// Song and Zhang, "Understanding Real-World Concurrency Bugs in Go"
// (ASPLOS 2019), and the GoBench/GoKer suite of Yuan et al. (CGO 2021),
// drawn from Kubernetes, etcd, gRPC, CockroachDB, Docker and others —
// rewritten by us; no code is copied from those projects.
//
// The suite is what sim.Check is measured against (docs/kernels.md): every
// buggy kernel must be found under Check's defaults, every fixed one must
// be clean, and every finding's trace must replay.
package kernels

import "github.com/simrun/simrun/sim"

// Kernel is one bug pattern in a buggy and a fixed version.
type Kernel struct {
	Name    string
	Class   string   // blocking or non-blocking, then the cause, as Tu et al. classify
	Pattern string   // the bug, in one line, and where such bugs were reported
	Want    sim.Kind // the finding the buggy version must give
	Buggy   sim.Scenario
	Fixed   sim.Scenario
}

// Bug classes, after Tu et al.'s taxonomy.
const (
	BlockingChan    = "blocking/channel"
	BlockingMutex   = "blocking/mutex"
	BlockingWait    = "blocking/wait"  // WaitGroup, Cond, Once
	BlockingMixed   = "blocking/mixed" // channel with lock
	BlockingContext = "blocking/context"
	NonBlockingData = "non-blocking/data race"
	NonBlockingOrd  = "non-blocking/order"
	NonBlockingChan = "non-blocking/channel misuse"
	NonBlockingSync = "non-blocking/sync misuse"
)

// All is the suite, in a fixed order.
var All []Kernel

func add(k ...Kernel) { All = append(All, k...) }
