package gort

import "github.com/simrun/simrun/sim"

// Case is one case of a Select: Recving or Sending.
type Case interface {
	// simCase is the case in the current execution; ok is false for a
	// nil channel's, which can never proceed.
	simCase() (c sim.Case, ok bool)
}

// RecvCase is a receive case; after Select chose it, Value and OK give
// what it received.
type RecvCase[T any] struct {
	c  *Chan[T]
	v  T
	ok bool
}

// Recving is the case "case v, ok := <-c"; c is evaluated now, as Go
// evaluates every case's operands before choosing.
func Recving[T any](c *Chan[T]) *RecvCase[T] { return &RecvCase[T]{c: c} }

// Value is the value received.
func (r *RecvCase[T]) Value() T { return r.v }

// OK is false when the channel was closed.
func (r *RecvCase[T]) OK() bool { return r.ok }

func (r *RecvCase[T]) simCase() (sim.Case, bool) {
	if r.c == nil {
		return sim.Case{}, false
	}
	return r.c.bind("select").RecvCase(func(v T, ok bool) { r.v, r.ok = v, ok }), true
}

type sendCase[T any] struct {
	c *Chan[T]
	v T
}

// Sending is the case "case c <- v"; c and v are evaluated now.
func Sending[T any](c *Chan[T], v T) Case { return &sendCase[T]{c, v} }

func (s *sendCase[T]) simCase() (sim.Case, bool) {
	if s.c == nil {
		return sim.Case{}, false
	}
	return s.c.bind("select").SendCase(s.v, nil), true
}

// Select is the select statement: it returns the index of the case chosen,
// or -1 for the default case. Cases on nil channels never proceed; with
// no other case and no default, Select blocks forever, as Go's does.
func Select(hasDefault bool, cases ...Case) int {
	x := exec("select")
	sc := make([]sim.Case, 0, len(cases)+1)
	idx := make([]int, 0, len(cases)+1)
	for i, c := range cases {
		if s, ok := c.simCase(); ok {
			sc = append(sc, s)
			idx = append(idx, i)
		}
	}
	if hasDefault {
		sc = append(sc, sim.Default(nil))
		idx = append(idx, -1)
	}
	return idx[sim.Select(x, sc...)]
}
