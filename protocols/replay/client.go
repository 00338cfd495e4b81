package replay

import (
	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
)

// simServer is the server shared by a scenario's clients: each request is
// one visible step on the xenstored object, after a service time on the
// single-threaded server's resource when Config.Cost prices requests.
type simServer struct {
	x   *sim.Execution
	srv *Server
	obj *sim.Object
	cpu *sim.Resource
	// record: record a checkers.XenstoreEvent per request
	record bool
	cost   Cost
}

// snapshotNodes is the largest tree whose dump a transaction end records
// for the serial-replay oracle to compare after every end; larger trees
// (the toolstack workload's) are compared at the end of the execution
// only.
const snapshotNodes = 200

func total(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// event is the checkers.XenstoreEvent of a request the server just
// handled: on a transaction end, with its quota and owned counts and, for
// a small tree, its dump.
func (s *Server) event(step int, c Conn, tid int, req xenstore.Request, resp xenstore.Response, res Result) checkers.XenstoreEvent {
	ev := checkers.XenstoreEvent{Step: step, Client: c.ID, Dom: c.Dom, Tid: tid,
		Req: req, Resp: resp, Outcome: res.Outcome, Replay: res.Replay, Untracked: res.Untracked, After: res.After, Fired: res.Fired}
	switch req.Op {
	case xenstore.OpTxStart:
		ev.Tid = parseTid(resp)
	case xenstore.OpTxEnd:
		ev.Quota, ev.Owned = s.Quota()
		if ev.After == "" && total(ev.Owned) <= snapshotNodes {
			ev.After = s.Dump()
		}
	}
	return ev
}

// Client is one client connection, run as an actor. Its methods block the
// actor for the request's round trip.
type Client struct {
	s           *simServer
	conn        Conn
	maxAttempts int
	txns        int // logical transactions started
	retries     int // failed attempts retried
	gaveUp      int // logical transactions abandoned after maxAttempts
	sent        int // requests sent: every one after the first follows a think time
}

// Dom returns the client's domain.
func (c *Client) Dom() int { return c.conn.Dom }

// Sleep holds the client for d of virtual time: its own work between
// requests, which takes no server time.
func (c *Client) Sleep(d sim.Duration) { c.s.x.Sleep(d) }

func (c *Client) request(tid int, req xenstore.Request, txnNo, attempt int) xenstore.Response {
	x := c.s.x
	var resp xenstore.Response
	if d := c.s.cost.Think; d > 0 && c.sent > 0 {
		x.Sleep(d)
	}
	c.sent++
	// XSA-206: the server does not read a paused domain's requests until
	// its conflict credit is refilled.
	for {
		paused, until := c.s.srv.Paused(c.conn.Dom, x.Now())
		if !paused {
			break
		}
		x.Sleep(max(until-x.Now(), 1))
	}
	handle := func() {
		var res Result
		c.s.srv.SetTime(x.Now())
		resp, res = c.s.srv.Handle(c.conn, tid, req)
		if !c.s.record {
			return
		}
		ev := c.s.srv.event(x.Step(), c.conn, tid, req, resp, res)
		if req.Op == xenstore.OpTxStart {
			ev.Txn, ev.Attempt = txnNo, attempt
		}
		x.Record(ev)
	}
	if d := c.s.cost.Request; d > 0 {
		// The request's one visible step is its service on the
		// single-threaded server, first come first served; it executes
		// atomically with that step, so in service order.
		c.s.cpu.Use(d)
		replayed := c.s.srv.stats.Replayed
		handle()
		if n := c.s.srv.stats.Replayed - replayed; n > 0 && c.s.cost.Replayed > 0 {
			// A replay re-executes the transaction's requests at the
			// server, each at Cost.Replayed. It is a second service on
			// the server, queued after whatever arrived while the
			// transaction end was served: the server's busy time is
			// right, the order of that one service approximate.
			c.s.cpu.Use(sim.Duration(n) * c.s.cost.Replayed)
		}
	} else {
		c.s.obj.Do(handle)
	}
	return resp
}

// Do sends a non-transactional request.
func (c *Client) Do(req xenstore.Request) xenstore.Response { return c.request(0, req, 0, 0) }

// Tx is an open transaction of a client.
type Tx struct {
	c   *Client
	tid int
}

// Do sends a request inside the transaction.
func (t *Tx) Do(req xenstore.Request) xenstore.Response { return t.c.request(t.tid, req, 0, 0) }

// Transaction runs fn in a transaction and commits it, re-running the
// whole closure after EAGAIN (the ocaml-xenstore client's transaction),
// after Config.Cost.Retry. It gives up after the client's attempt limit
// and reports whether the transaction committed.
func (c *Client) Transaction(fn func(t *Tx)) bool {
	c.txns++
	for attempt := 1; ; attempt++ {
		r := c.request(0, xenstore.Request{Op: xenstore.OpTxStart}, c.txns, attempt)
		t := &Tx{c: c, tid: parseTid(r)}
		fn(t)
		r = c.request(t.tid, xenstore.Request{Op: xenstore.OpTxEnd, Value: "T"}, 0, 0)
		if r != xenstore.Error(xenstore.EAGAIN) {
			return !r.IsError()
		}
		if attempt >= c.maxAttempts {
			c.gaveUp++
			return false
		}
		c.retries++
		if d := c.s.cost.Retry; d > 0 {
			c.s.x.Sleep(d)
		}
	}
}
