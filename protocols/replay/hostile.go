package replay

import (
	"fmt"
	"strconv"

	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/sim"
)

// HostileRetryBound is the liveness bound of the hostile workload: with
// conflict credit the hostile domain is paused after ConflictBurstLimit
// blames and a toolstack transaction commits within a few more attempts;
// without, it never does.
const HostileRetryBound = 20

// Hostile builds seed scenario 16 (XSA-206): a toolstack client (dom0)
// runs txns transactions, each reading reads keys /vm/k<i> and writing one
// node under /tool; a hostile guest (domain 1, which owns /vm) writes a
// new value to one of those keys, round-robin, back to back until the
// toolstack is done, and at most as many times as the toolstack's
// attempts could need (so that a schedule that starves the toolstack ends).
// Every write lands in the toolstack's read set, so a toolstack
// transaction that saw one fails its merge and its replay. oxenstored's
// conflict credit pauses the guest after ConflictBurstLimit blames and
// then lets it write once per ConflictRefill (50 ms): the rate at which
// seed scenario 16's guest writes, against toolstack transactions of a
// few milliseconds.
func Hostile(txns, reads int) Workload { return HostilePaced(txns, reads, 0, 0) }

// HostilePaced is Hostile with time in it: the guest waits pace between
// its writes ("every 50 ms", as seed scenario 16 words it), and the
// toolstack keeps each transaction open for hold between its reads and
// its write (its own work, at no server time). Zero durations are
// Hostile's back-to-back clients.
func HostilePaced(txns, reads int, pace, hold sim.Duration) Workload {
	w := Workload{Name: "hostile", Setup: []xenstore.Request{
		{Op: xenstore.OpMkdir, Path: "/vm"},
		{Op: xenstore.OpSetPerms, Path: "/vm", Value: xenstore.MakePerms(1, xenstore.AccessNone)},
	}}
	for i := range reads {
		w.Setup = append(w.Setup, xenstore.Request{Op: xenstore.OpWrite, Path: fmt.Sprintf("/vm/k%d", i), Value: "0"})
	}
	done := false // the toolstack has finished; actors run one at a time
	w.Clients = []ClientSpec{
		{Name: "toolstack", Dom: 0, Run: func(c *Client) {
			for n := range txns {
				c.Transaction(func(t *Tx) {
					for i := range reads {
						t.Do(xenstore.Request{Op: xenstore.OpRead, Path: fmt.Sprintf("/vm/k%d", i)})
					}
					if hold > 0 {
						c.Sleep(hold)
					}
					t.Do(xenstore.Request{Op: xenstore.OpWrite, Path: fmt.Sprintf("/tool/vm%d", n), Value: "started"})
				})
			}
			done = true
		}},
		{Name: "hostile", Dom: 1, Run: func(c *Client) {
			for n := 1; !done && n <= txns*(HostileRetryBound+1)*(reads+2); n++ {
				if pace > 0 {
					c.Sleep(pace)
				}
				c.Do(xenstore.Request{Op: xenstore.OpWrite, Path: fmt.Sprintf("/vm/k%d", n%reads), Value: strconv.Itoa(n)})
			}
		}},
	}
	return w
}
