package replay

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/simrun/simrun/checkers"
	"github.com/simrun/simrun/model/xenstore"
	"github.com/simrun/simrun/scheduler"
)

// Unit is one step of a static client program: a transaction (its
// requests, without start and end) or one non-transactional request.
type Unit struct {
	Txn  bool
	Reqs []xenstore.Request
}

// ClientSpec is one client of a workload: its domain and what it does.
type ClientSpec struct {
	Name string
	Dom  int
	Run  func(c *Client)
}

// Workload is a scenario's population: requests run by domain 0 before
// the clients start (not part of the checked history), the clients, and
// the watches registered before they start (by a client's connection, or
// by a watch-only connection numbered after the clients).
type Workload struct {
	Name    string
	Setup   []xenstore.Request
	Clients []ClientSpec
	Watches []checkers.XenstoreWatch
	// MaxRequests is the workload's quota-maxrequests; 0 is oxenstored's
	// DefaultMaxRequests.
	MaxRequests int
}

// StaticClient is a client that runs fixed units in order; transactions
// are retried whole on EAGAIN.
func StaticClient(name string, dom int, units []Unit) ClientSpec {
	return ClientSpec{Name: name, Dom: dom, Run: func(c *Client) {
		for _, u := range units {
			if !u.Txn {
				c.Do(u.Reqs[0])
				continue
			}
			c.Transaction(func(t *Tx) {
				for _, r := range u.Reqs {
					t.Do(r)
				}
			})
		}
	}}
}

// RandomConfig shapes a random workload of small transactions over a small
// key space.
type RandomConfig struct {
	Clients int    // clients, each its own connection; default 3
	Units   int    // units per client; default 3
	Ops     int    // requests per transaction, at most; default 3
	Keys    int    // leaf keys /k/<i>, plus their parents; default 3
	Doms    int    // clients use domains 0..Doms-1 round-robin; default 1 (dom0 only; the command line's is CommandLineDoms)
	Seed    uint64 // generator seed
}

func (r RandomConfig) withDefaults() RandomConfig {
	if r.Clients <= 0 {
		r.Clients = 3
	}
	if r.Units <= 0 {
		r.Units = 3
	}
	if r.Ops <= 0 {
		r.Ops = 3
	}
	if r.Keys <= 0 {
		r.Keys = 3
	}
	if r.Doms <= 0 {
		r.Doms = 1
	}
	return r
}

// RandomKeys are the paths of a random workload with k leaf keys: two
// directories and leaves spread over them.
func RandomKeys(k int) []string {
	keys := []string{"/d0", "/d1"}
	for i := 0; i < k; i++ {
		keys = append(keys, fmt.Sprintf("/d%d/k%d", i%2, i))
	}
	return keys
}

// RandomRequest draws one request over keys from n, a source of choices:
// n(k) returns a number in [0, k).
func RandomRequest(n func(int) int, keys []string) xenstore.Request {
	ops := []xenstore.Op{xenstore.OpRead, xenstore.OpRead, xenstore.OpWrite, xenstore.OpWrite,
		xenstore.OpMkdir, xenstore.OpRm, xenstore.OpDirectory, xenstore.OpGetPerms, xenstore.OpSetPerms}
	r := xenstore.Request{Op: ops[n(len(ops))], Path: keys[n(len(keys))]}
	switch r.Op {
	case xenstore.OpWrite:
		r.Value = strconv.Itoa(n(3))
	case xenstore.OpSetPerms:
		r.Value = []string{xenstore.MakePerms(0, xenstore.AccessNone), xenstore.MakePerms(0, xenstore.AccessBoth),
			xenstore.MakePerms(1, xenstore.AccessRead)}[n(3)]
	}
	return r
}

// Random builds a random workload from cfg: every client alternates
// transactions of 1..Ops requests and single non-transactional requests
// at random.
func Random(cfg RandomConfig) Workload {
	// scheduler.Rand, so that a random workload is a pure function of its
	// seed; drawn by modulo, as the workloads of recorded seeds were.
	r := scheduler.NewRand(cfg.Seed)
	return RandomFrom(cfg, func(n int) int { return int(r.Uint64() % uint64(n)) })
}

// RandomFrom builds the random workload of cfg's shape (cfg.Seed unused)
// with the choices of intn, which returns a number in [0, n): a seeded
// generator (Random), or the strategy's choices (Execution.Choose), so
// that the workload is part of the schedule.
func RandomFrom(cfg RandomConfig, intn func(n int) int) Workload {
	cfg = cfg.withDefaults()
	keys := RandomKeys(cfg.Keys)
	w := Workload{Name: "random", MaxRequests: RandomMaxRequests, Setup: []xenstore.Request{
		{Op: xenstore.OpMkdir, Path: "/d0"}, {Op: xenstore.OpMkdir, Path: "/d1"},
		{Op: xenstore.OpSetPerms, Path: "/d0", Value: xenstore.MakePerms(0, xenstore.AccessBoth)},
		{Op: xenstore.OpSetPerms, Path: "/d1", Value: xenstore.MakePerms(0, xenstore.AccessBoth)},
	}}
	for c := 0; c < cfg.Clients; c++ {
		var units []Unit
		for u := 0; u < cfg.Units; u++ {
			if intn(3) == 0 {
				units = append(units, Unit{Reqs: []xenstore.Request{RandomRequest(intn, keys)}})
				continue
			}
			n := 1 + intn(cfg.Ops)
			unit := Unit{Txn: true}
			for i := 0; i < n; i++ {
				unit.Reqs = append(unit.Reqs, RandomRequest(intn, keys))
			}
			units = append(units, unit)
		}
		w.Clients = append(w.Clients, StaticClient(fmt.Sprintf("client%d", c), c%cfg.Doms, units))
	}
	// A guest's connection, numbered after the clients, watches both
	// directories: its events are filtered by permission. It draws
	// nothing, so that a seed's workload is the one it was before watches.
	for _, dir := range keys[:2] {
		w.Watches = append(w.Watches, checkers.XenstoreWatch{Conn: cfg.Clients, Dom: 1, Path: dir})
	}
	return w
}

// WriteSkew is the minimal workload of the untracked result (see the
// package documentation): each client reads the key the other writes,
// which is absent, and writes its own; the keys are in different
// directories, so the second commit merges (protocols.md §3.2: a failed
// read records nothing). Its traces replay from the command line through
// the configuration's workload name, "write-skew".
func WriteSkew() Workload {
	return Workload{Name: "write-skew",
		Setup: []xenstore.Request{{Op: xenstore.OpMkdir, Path: "/x"}, {Op: xenstore.OpMkdir, Path: "/y"}},
		Clients: []ClientSpec{
			StaticClient("c0", 0, []Unit{{Txn: true, Reqs: []xenstore.Request{{Op: xenstore.OpRead, Path: "/y/q"}, {Op: xenstore.OpWrite, Path: "/x/p", Value: "1"}}}}),
			StaticClient("c1", 0, []Unit{{Txn: true, Reqs: []xenstore.Request{{Op: xenstore.OpRead, Path: "/x/p"}, {Op: xenstore.OpWrite, Path: "/y/q", Value: "1"}}}}),
		}}
}

// BenchPrefix is where the toolstack workload puts every node, as
// ocaml-xenstore's xs_bench does so that it can run against a live
// xenstored.
const BenchPrefix = "/bench"

// Toolstack builds the xs_bench workload of protocols.md §4 for vms
// virtual machines with domids 0..vms-1, all started at once, each by its
// own client (domain 0): Domain.make, three Device.add, shutdown and
// destroy. The bench's quirks are kept: every frontend path uses the
// backend's domid, so all of them are /bench/local/domain/0/device/vbd/0;
// devid is ignored; VM 0's make and destroy remove /bench/local/domain/0.
func Toolstack(vms int) Workload {
	w := Workload{Name: "toolstack"}
	for d := 0; d < vms; d++ {
		w.Clients = append(w.Clients, ClientSpec{Name: fmt.Sprintf("vm%d", d), Dom: 0, Run: vmCycle(d)})
	}
	// Each guest d >= 1 watches its home directory, as a frontend does,
	// from its own connection: Domain.make gives it read access, and
	// its watch events are filtered by permission.
	for d := 1; d < vms; d++ {
		w.Watches = append(w.Watches, checkers.XenstoreWatch{Conn: vms + d, Dom: d, Path: fmt.Sprintf("%s/local/domain/%d", BenchPrefix, d)})
	}
	return w
}

func rq2(op xenstore.Op, path, value string) xenstore.Request {
	return xenstore.Request{Op: op, Path: path, Value: value}
}

// getDomainPath is the bench's getdomainpath: an immediate request, with
// the bench prefix added by the client.
func getDomainPath(c *Client, domid int) string {
	r := c.Do(rq2(xenstore.OpGetDomainPath, "", strconv.Itoa(domid)))
	return BenchPrefix + strings.TrimSuffix(r.Data, "\x00")
}

// listing splits a directory reply; an error is the empty list (the
// bench's readdir catches ENOENT).
func listing(r xenstore.Response) []string {
	if r.IsError() {
		return nil
	}
	var out []string
	for _, s := range strings.Split(r.Data, "\x00") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func vmCycle(d int) func(c *Client) {
	return func(c *Client) {
		domainMake(c, d)
		for range 3 { // vbd 0, 1 and 2: the same device, devid ignored
			deviceAdd(c, d)
		}
		domainShutdown(c, d)
		domainDestroy(c, d)
	}
}

// domainMake is xs_bench Domain.make: 33 requests in a transaction, then 6
// non-transactional writes.
func domainMake(c *Client, d int) {
	dom := getDomainPath(c, d)
	uuid := fmt.Sprintf("uuid-%d", d)
	vm := BenchPrefix + "/vm/" + uuid
	vss := BenchPrefix + "/vss/" + uuid
	ro := xenstore.MakePerms(0, xenstore.AccessNone, xenstore.ACLEntry{Dom: d, Access: xenstore.AccessRead})
	rw := xenstore.MakePerms(d, xenstore.AccessNone)
	c.Transaction(func(t *Tx) {
		t.Do(rq2(xenstore.OpRm, dom, "")) // errors ignored
		t.Do(rq2(xenstore.OpMkdir, dom, ""))
		t.Do(rq2(xenstore.OpSetPerms, dom, ro))
		// The /vm path is checked outside the transaction (seed scenario
		// 17: replay never revalidates this decision).
		if c.Do(rq2(xenstore.OpRead, vm, "")).IsError() {
			t.Do(rq2(xenstore.OpMkdir, vm, ""))
			t.Do(rq2(xenstore.OpSetPerms, vm, ro))
			t.Do(rq2(xenstore.OpWrite, vm+"/uuid", uuid))
			t.Do(rq2(xenstore.OpWrite, vm+"/name", "name"))
		}
		t.Do(rq2(xenstore.OpWrite, fmt.Sprintf("%s/domains/%d", vm, d), dom))
		t.Do(rq2(xenstore.OpMkdir, vss, ""))
		t.Do(rq2(xenstore.OpSetPerms, vss, rw))
		t.Do(rq2(xenstore.OpWrite, dom+"/vm", vm))
		t.Do(rq2(xenstore.OpWrite, dom+"/vss", vss))
		t.Do(rq2(xenstore.OpWrite, dom+"/name", "name"))
		for _, dir := range []string{"cpu", "memory"} {
			t.Do(rq2(xenstore.OpMkdir, dom+"/"+dir, ""))
			t.Do(rq2(xenstore.OpSetPerms, dom+"/"+dir, ro))
		}
		for _, dir := range []string{"device", "error", "drivers", "control", "attr", "data", "messages", "vm-data"} {
			t.Do(rq2(xenstore.OpMkdir, dom+"/"+dir, ""))
			t.Do(rq2(xenstore.OpSetPerms, dom+"/"+dir, rw))
		}
	})
	c.Do(rq2(xenstore.OpWrite, dom+"/xsdata", "xsdata"))
	c.Do(rq2(xenstore.OpWrite, dom+"/platform/platformdata", "platformdata"))
	c.Do(rq2(xenstore.OpWrite, dom+"/bios-strings/bios_strings", "bios_strings"))
	c.Do(rq2(xenstore.OpWrite, dom+"/action-request", "poweroff"))
	c.Do(rq2(xenstore.OpWrite, dom+"/control/platform-feature-multiprocessor-suspend", "1"))
	c.Do(rq2(xenstore.OpWrite, dom+"/unique-domain-id", uuid))
}

// deviceAdd is xs_bench Device.add of a vbd with frontend domid d and
// backend domid 0, devid 0: 16 requests in a transaction.
func deviceAdd(c *Client, d int) {
	fe := getDomainPath(c, 0) + "/device/vbd/0" // the backend's domid: the quirk
	be := getDomainPath(c, 0) + fmt.Sprintf("/backend/vbd/%d/0", d)
	private := fmt.Sprintf("%s/xapi/%d", BenchPrefix, d)
	hotplug := private + "/hotplug/vbd/0"
	data := private + "/private/vbd/0"
	c.Transaction(func(t *Tx) {
		t.Do(rq2(xenstore.OpRead, "/local/domain/0/vm", "")) // no /bench prefix in the bench
		t.Do(rq2(xenstore.OpRead, fe, ""))
		t.Do(rq2(xenstore.OpRm, fe, ""))
		t.Do(rq2(xenstore.OpRm, be, ""))
		t.Do(rq2(xenstore.OpMkdir, fe, ""))
		t.Do(rq2(xenstore.OpSetPerms, fe, xenstore.MakePerms(d, xenstore.AccessNone, xenstore.ACLEntry{Dom: 0, Access: xenstore.AccessRead})))
		t.Do(rq2(xenstore.OpMkdir, be, ""))
		t.Do(rq2(xenstore.OpSetPerms, be, xenstore.MakePerms(0, xenstore.AccessNone, xenstore.ACLEntry{Dom: d, Access: xenstore.AccessRead})))
		t.Do(rq2(xenstore.OpMkdir, hotplug, ""))
		t.Do(rq2(xenstore.OpSetPerms, hotplug, xenstore.MakePerms(0, xenstore.AccessNone)))
		t.Do(rq2(xenstore.OpWrite, fe+"/backend", be))
		t.Do(rq2(xenstore.OpWrite, be+"/frontend", fe))
		t.Do(rq2(xenstore.OpMkdir, data, ""))
		t.Do(rq2(xenstore.OpSetPerms, data, xenstore.MakePerms(0, xenstore.AccessNone)))
		t.Do(rq2(xenstore.OpWrite, data+"/backend-kind", "vbd"))
		t.Do(rq2(xenstore.OpWrite, data+"/backend-id", "0"))
	})
}

// domainShutdown is xs_bench Domain.shutdown: one write in a transaction,
// if the domain's directory exists (checked outside the transaction).
func domainShutdown(c *Client, d int) {
	path := getDomainPath(c, d) + "/control/shutdown"
	dom := getDomainPath(c, d)
	c.Transaction(func(t *Tx) {
		if !c.Do(rq2(xenstore.OpRead, dom, "")).IsError() {
			t.Do(rq2(xenstore.OpWrite, path, "halt"))
		}
	})
}

// domainDestroy is xs_bench Domain.destroy: non-transactional listings
// and removals. Device.list_frontends finds no device: the backend links
// carry the /bench prefix, which parse_backend_link rejects.
func domainDestroy(c *Client, d int) {
	dom := getDomainPath(c, d)
	feDir := getDomainPath(c, d) + "/device"
	for _, kind := range listing(c.Do(rq2(xenstore.OpDirectory, feDir, ""))) {
		if kind != "vbd" && kind != "vif" {
			continue
		}
		dir := feDir + "/" + kind
		for _, devid := range listing(c.Do(rq2(xenstore.OpDirectory, dir, ""))) {
			if _, err := strconv.Atoi(devid); err == nil {
				c.Do(rq2(xenstore.OpRead, dir+"/"+devid+"/backend", "")) // unparseable link
			}
		}
	}
	vmr := c.Do(rq2(xenstore.OpRead, dom+"/vm", ""))
	vssr := c.Do(rq2(xenstore.OpRead, dom+"/vss", ""))
	if !vmr.IsError() {
		vm := vmr.Data
		c.Do(rq2(xenstore.OpRm, fmt.Sprintf("%s/domains/%d", vm, d), ""))
		if len(listing(c.Do(rq2(xenstore.OpDirectory, vm+"/domains", "")))) == 0 {
			c.Do(rq2(xenstore.OpRm, vm, ""))
			if !vssr.IsError() {
				c.Do(rq2(xenstore.OpRm, vssr.Data, ""))
			}
		}
	}
	c.Do(rq2(xenstore.OpRm, dom, ""))
	backend := getDomainPath(c, 0) + "/backend"
	for _, ty := range listing(c.Do(rq2(xenstore.OpDirectory, backend, ""))) {
		c.Do(rq2(xenstore.OpRm, fmt.Sprintf("%s/%s/%d", backend, ty, d), ""))
	}
}
