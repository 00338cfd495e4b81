// Package bench prices the protocols in virtual time and measures the
// simulator itself: the measurements behind `simrun bench`.
//
// Each benchmark (see Benches) runs scenarios under a cost model
// (ReferenceCosts unless told otherwise), and returns a Result: one
// Point per measured point, notes that set the published figures beside
// the simulated ones, and plots. A Result prints as an aligned table
// (WriteTable), as JSON lines (WriteJSON), and as an SVG chart (WriteSVG).
//
// The virtual-time benchmarks (groupcommit, wakeup, replay) are
// deterministic: the same options give the same numbers on every machine.
// Only the sim benchmark measures wall time.
package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/protocols/replay"
	"github.com/simrun/simrun/sim"
)

// Options configure a benchmark run.
type Options struct {
	// Quick runs reduced sizes, for CI: the whole set takes seconds.
	Quick bool
	// Cost is the cost model of the virtual-time benchmarks; the zero
	// Costs means ReferenceCosts().
	Cost Costs
	// Runs is the number of random schedules averaged per point (virtual-
	// time benchmarks) or the number of executions per measurement (sim);
	// 0 picks a default that depends on Quick.
	Runs int
	// Seed seeds the random schedules; 0 means 1.
	Seed uint64
	// Threads are the thread counts of the strategies benchmark; nil
	// picks its default (2..8, or 2 and 4 when Quick).
	Threads []int
}

func (o Options) cost() Costs {
	if o.Cost == (Costs{}) {
		return ReferenceCosts()
	}
	return o.Cost
}

// Costs is the whole cost model the benchmarks price with: the runtime's
// and that of each protocol family they run.
type Costs struct {
	Runtime     sim.Cost
	GroupCommit groupcommit.Cost
	Xenstore    replay.Cost
}

// ReferenceCosts returns every part of the cost model at its reference
// values, documented with their sources beside each parameter
// (protocols.CostParams).
func ReferenceCosts() Costs {
	return Costs{Runtime: sim.ReferenceCost(), GroupCommit: groupcommit.ReferenceCost(), Xenstore: replay.ReferenceCost()}
}

// Set sets the named parameter, whichever part of the model it belongs
// to, from a string such as "2ms" or "4".
func (c *Costs) Set(name, value string) error {
	switch {
	case sim.CostParams.Has(name):
		return sim.CostParams.Set(&c.Runtime, name, value)
	case groupcommit.CostParams.Has(name):
		return groupcommit.CostParams.Set(&c.GroupCommit, name, value)
	case replay.CostParams.Has(name):
		return replay.CostParams.Set(&c.Xenstore, name, value)
	}
	return fmt.Errorf("unknown cost parameter %q (known: %s)", name, protocols.CostNames())
}

// Map returns the non-zero parameters of every part as strings.
func (c Costs) Map() map[string]string {
	m := map[string]string{}
	maps.Copy(m, c.Runtime.Map())
	maps.Copy(m, groupcommit.CostParams.Map(c.GroupCommit))
	maps.Copy(m, replay.CostParams.Map(c.Xenstore))
	return m
}

func (o Options) seed() uint64 {
	if o.Seed == 0 {
		return 1
	}
	return o.Seed
}

func (o Options) runs(quick, full int) int {
	switch {
	case o.Runs > 0:
		return o.Runs
	case o.Quick:
		return quick
	}
	return full
}

// Bench is one benchmark.
type Bench struct {
	Name string
	Doc  string
	Run  func(opts Options) (*Result, error)
}

// Benches lists the benchmarks, in the order `simrun bench` runs them.
var Benches = []Bench{
	{"groupcommit", "commits per virtual second, p50/p99 commit latency and binlog fsyncs per commit at 1..256 threads, beside the published figures", GroupCommit},
	{"wakeup", "per-thread signals against one broadcast: virtual time until the last waiter runs and until all finish, group size 1..256", Wakeup},
	{"replay", "xenstored merge-only against replay on the toolstack workload at 10..301 VMs, beside the seed's 268.92 s vs 3.80 s", Replay},
	{"strategies", "executions and CPU time to the first finding of every seeded bug at 2..8 threads and of every buggy kernel of the Go kernel suite: random, PCT d=2/3, POS, POSC, SURW, Mix and the default portfolio, median/worst over 50 seeds", Strategies},
	{"sim", "simulator speed: ns per step beside a bare iter.Pull round trip, executions/s per protocol, allocations, 1->2 workers", Sim},
}

// Lookup returns the benchmark named name.
func Lookup(name string) (Bench, error) {
	var names []string
	for _, b := range Benches {
		if b.Name == name {
			return b, nil
		}
		names = append(names, b.Name)
	}
	return Bench{}, fmt.Errorf("unknown benchmark %q (known: %s)", name, strings.Join(names, ", "))
}

// Run runs the benchmark named name.
func Run(name string, opts Options) (*Result, error) {
	b, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	return b.Run(opts)
}

// Field is one named value of a point. Value is a string, an int or a
// float64; Unit, if any, is appended to the table header.
type Field struct {
	Name  string
	Value any
	Unit  string
}

// Point is one measured point: the benchmark's name and its fields, in
// order. It marshals to one flat JSON object.
type Point struct {
	Bench  string
	Fields []Field
}

// Get returns the value of the named field and whether it is there.
func (p Point) Get(name string) (any, bool) {
	for _, f := range p.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}

// Float returns the named field as a number (NaN when absent or a string).
func (p Point) Float(name string) float64 {
	v, _ := p.Get(name)
	switch v := v.(type) {
	case int:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}

// MarshalJSON writes {"bench": ..., field: value, ...} in field order; a
// NaN or infinite number is written as null.
func (p Point) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"bench":`)
	name, _ := json.Marshal(p.Bench)
	b.Write(name)
	for _, f := range p.Fields {
		b.WriteByte(',')
		k, _ := json.Marshal(f.Name)
		b.Write(k)
		b.WriteByte(':')
		if x, ok := f.Value.(float64); ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
			b.WriteString("null")
			continue
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Result is what a benchmark measured.
type Result struct {
	Bench  string
	Title  string
	Points []Point
	// Notes are printed under the table: the cost model, the published
	// figures and the simulated ratios beside them.
	Notes []string
	Plots []Plot
}

// WriteTable prints the title, an aligned table of the points and the
// notes.
func (r *Result) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "== %s: %s\n", r.Bench, r.Title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	var cols []Field
	if len(r.Points) > 0 {
		cols = r.Points[0].Fields
	}
	for _, c := range cols {
		h := c.Name
		if c.Unit != "" {
			h += " (" + c.Unit + ")"
		}
		fmt.Fprintf(tw, "%s\t", h)
	}
	fmt.Fprintln(tw)
	for _, p := range r.Points {
		for _, f := range p.Fields {
			fmt.Fprintf(tw, "%s\t", format(f.Value))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
	_, err := fmt.Fprintln(w)
	return err
}

// WriteJSON writes one JSON object per point, one per line.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, p := range r.Points {
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	return nil
}

// format prints a value for the table: numbers with three significant
// digits after the point at most, large ones without.
func format(v any) string {
	switch v := v.(type) {
	case float64:
		switch {
		case math.IsNaN(v):
			return "-"
		case v == math.Trunc(v) && math.Abs(v) < 1e15:
			return strconv.FormatFloat(v, 'f', 0, 64)
		case math.Abs(v) >= 100:
			return strconv.FormatFloat(v, 'f', 0, 64)
		case math.Abs(v) >= 10:
			return strconv.FormatFloat(v, 'f', 1, 64)
		case math.Abs(v) >= 0.01:
			return strconv.FormatFloat(v, 'f', 3, 64)
		}
		return strconv.FormatFloat(v, 'g', 3, 64)
	case sim.Duration:
		return v.String()
	}
	return fmt.Sprint(v)
}

// percentile returns the p-th percentile (0..100) of xs, nearest rank.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	k := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(k, len(s)-1))]
}

// costNote describes the cost model in one line.
func costNote(c Costs) string {
	m := c.Map()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	if len(parts) == 0 {
		return "cost model: zero (untimed)"
	}
	return "cost model: " + strings.Join(parts, " ")
}

// ms converts a virtual duration to milliseconds.
func ms(d sim.Duration) float64 { return float64(d) / float64(sim.Millisecond) }

// us converts a virtual duration to microseconds.
func us(d sim.Duration) float64 { return float64(d) / float64(sim.Microsecond) }

func nanF() float64 { return math.NaN() }
