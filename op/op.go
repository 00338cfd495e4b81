// Package op names the kinds of visible operation that simrun's runtime
// performs, that strategies see in a decision's labels, and that traces
// record. It is a leaf: scheduler, traces and sim all import it, so each
// name is declared once, here.
//
// In JSON and in text an Op is its name ("lock", "cas"); decoding an unknown
// name fails with an error wrapping ErrUnknown.
package op

import (
	"errors"
	"fmt"
)

// Op is the kind of a visible operation.
type Op uint8

// The visible operations. The runtime labels every step with one of these;
// Event labels a protocol event recorded by actor code (traces only).
const (
	Start     Op = iota // an actor's first step
	Go                  // spawn an actor; the object is the new actor's object
	Join                // wait for an actor to finish
	Lock                // Mutex.Lock
	TryLock             // Mutex.TryLock
	Unlock              // Mutex.Unlock
	Wait                // Cond.Wait: release the mutex and block
	Wake                // re-acquire the mutex after a Cond.Wait wakeup
	Signal              // Cond.Signal
	Broadcast           // Cond.Broadcast
	Spurious            // a spurious wakeup of a Cond waiter (chosen by the strategy)
	Load                // atomic load
	Store               // atomic store
	CAS                 // atomic compare-and-swap
	Swap                // atomic swap
	Read                // Var read (plain memory)
	Write               // Var write (plain memory)
	Choose              // a Choose value
	Sleep               // Sleep: wait for virtual time, no CPU
	Work                // Work: use CPU for virtual time
	Yield               // an explicit scheduling point with no effect
	Call                // an atomic call into a shared object (Object.Do)
	Use                 // use a shared resource (Resource.Use: a server, a disk)
	Event               // a protocol event recorded with Execution.Record (traces only)

	// Go's vocabulary (sim's Chan, Select, GoMutex, WaitGroup, ...).
	Send     // Chan.Send, or the completion of a send that had to wait
	Recv     // Chan.Recv, or the completion of a receive that had to wait
	Close    // Chan.Close
	Len      // Chan.Len (read-only)
	Select   // a select statement: touches every channel of its cases
	GoLock   // GoMutex.Lock, RWMutex.Lock, Semaphore.Acquire
	GoUnlock // GoMutex.Unlock, RWMutex.Unlock, Semaphore.Release
	RLock    // RWMutex.RLock
	RUnlock  // RWMutex.RUnlock
	Add      // WaitGroup.Add/Done, atomic Add
	WgWait   // WaitGroup.Wait
	Once     // Once.Do
	And      // atomic And
	Or       // atomic Or
	Cancel   // a context's cancel: closes its Done and its children's
	Timer    // create, Stop or Reset a timer (orders against other timers)
	Fire     // a timer fires: sends on its channel or runs its function
	GoWait   // GoCond.Wait: take a place in line, or return when woken
	numOps
)

var names = [numOps]string{
	Start: "start", Go: "go", Join: "join", Lock: "lock", TryLock: "trylock",
	Unlock: "unlock", Wait: "wait", Wake: "wake", Signal: "signal",
	Broadcast: "broadcast", Spurious: "spurious", Load: "load", Store: "store",
	CAS: "cas", Swap: "swap", Read: "read", Write: "write", Choose: "choose",
	Sleep: "sleep", Work: "work", Yield: "yield", Call: "call", Use: "use",
	Event: "event",
	Send:  "send", Recv: "recv", Close: "close", Len: "len", Select: "select",
	GoLock: "golock", GoUnlock: "gounlock", RLock: "rlock", RUnlock: "runlock",
	Add: "add", WgWait: "wgwait", Once: "once", And: "and", Or: "or",
	Cancel: "cancel", Timer: "timer", Fire: "fire", GoWait: "gowait",
}

// ErrUnknown is wrapped by Parse and UnmarshalText for a name that is not an
// Op.
var ErrUnknown = errors.New("unknown op")

func (o Op) String() string {
	if o < numOps {
		return names[o]
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

// Valid reports whether o is one of the declared operations.
func (o Op) Valid() bool { return o < numOps }

// Parse is the inverse of String.
func Parse(s string) (Op, error) {
	for i, n := range names {
		if n == s {
			return Op(i), nil
		}
	}
	return 0, fmt.Errorf("%w %q", ErrUnknown, s)
}

// MarshalText encodes o as its name.
func (o Op) MarshalText() ([]byte, error) {
	if !o.Valid() {
		return nil, fmt.Errorf("%w %d", ErrUnknown, uint8(o))
	}
	return []byte(names[o]), nil
}

// UnmarshalText decodes an Op from its name.
func (o *Op) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// ReadOnly reports whether the operation only observes its object. Two
// read-only operations on the same object commute.
func (o Op) ReadOnly() bool { return o == Read || o == Load || o == Len }

// Go reports whether the operation is one of Go's vocabulary (a channel,
// GoMutex, RWMutex, WaitGroup, Once, GoCond, semaphore, atomic Add/And/Or,
// context or timer operation) other than the read-only Len.
func (o Op) Go() bool { return o >= Send && o <= GoWait && o != Len }

// Chan reports whether the operation touches a channel: its label's object
// is that channel, unless the operation is Wide.
func (o Op) Chan() bool { return o >= Send && o <= Select || o == Cancel || o == Fire }

// Wide reports whether the operation may touch several channels at once (a
// select's cases, a cancel closing its children's Done, a timer firing a
// cancel), so it conflicts with every channel operation whatever its
// label's object.
func (o Op) Wide() bool { return o == Select || o == Cancel || o == Fire }

// Time reports whether the operation reads or changes the set of pending
// timers: which timer fires next depends on all of them, so any two such
// operations conflict.
func (o Op) Time() bool { return o == Timer || o == Fire }

// Local reports whether the operation touches no shared object at all, so
// it commutes with every other step.
func (o Op) Local() bool {
	return o == Start || o == Sleep || o == Work || o == Yield || o == Choose
}
