package gort

import "github.com/simrun/simrun/sim"

// Chan is a Go channel of the translation: chan T, <-chan T and chan<- T
// all become *Chan[T], and the nil *Chan is the nil channel. It binds to a
// sim.Chan of the current execution when first used in it, so a channel
// made outside an execution (a package variable's initialiser at process
// start) is usable in every execution, empty at its start.
type Chan[T any] struct {
	size int
	name string
	gen  uint64
	c    *sim.Chan[T]
}

// MakeChan is make(chan T, size); site is "file.go:12".
func MakeChan[T any](size int, site string) *Chan[T] {
	if size < 0 {
		panic("makechan: size out of range")
	}
	ch := &Chan[T]{size: size, name: "chan@" + site}
	if cur != nil {
		ch.bind("make(chan)")
	}
	return ch
}

// wrapChan is the *Chan of a sim channel of the current execution (a
// context's Done).
func wrapChan[T any](c *sim.Chan[T]) *Chan[T] {
	return &Chan[T]{size: c.Cap(), name: c.Name(), gen: gen, c: c}
}

// bind returns the channel's sim.Chan in the current execution.
func (ch *Chan[T]) bind(what string) *sim.Chan[T] {
	if ch.gen != gen || cur == nil {
		ch.c = sim.NewChan[T](exec(what), ch.name, ch.size)
		ch.gen = gen
	}
	return ch.c
}

// nilChan is a nil channel's stand-in for one operation.
func nilChan[T any](what string) *sim.Chan[T] {
	return sim.NewNilChan[T](exec(what), "nil chan")
}

// Send is c <- v.
func Send[T any](c *Chan[T], v T) {
	if c == nil {
		nilChan[T]("channel send").Send(v)
		return
	}
	c.bind("channel send").Send(v)
}

// Recv is <-c.
func Recv[T any](c *Chan[T]) T {
	v, _ := RecvOK(c)
	return v
}

// RecvOK is v, ok := <-c.
func RecvOK[T any](c *Chan[T]) (T, bool) {
	if c == nil {
		return nilChan[T]("channel receive").RecvOK()
	}
	return c.bind("channel receive").RecvOK()
}

// Close is close(c).
func Close[T any](c *Chan[T]) {
	if c == nil {
		nilChan[T]("close").Close()
		return
	}
	c.bind("close").Close()
}

// Len is len(c): the values buffered (a read-only step); 0 outside an
// execution or for a nil channel.
func Len[T any](c *Chan[T]) int {
	if c == nil || cur == nil {
		return 0
	}
	return c.bind("len").Len()
}

// Cap is cap(c); it is not a step.
func Cap[T any](c *Chan[T]) int {
	if c == nil {
		return 0
	}
	return c.size
}
