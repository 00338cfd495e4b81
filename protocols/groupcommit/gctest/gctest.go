// Package gctest is the test machinery that the group-commit protocols'
// tests share (packages mutexqueue and broadcast): the sweep of the
// correct variants, the seeded-bug verdict table, and the rapid
// properties. A protocol's tests keep their own tables — which variants,
// budgets, configurations — and pass them in. It is for the protocols'
// tests only.
//
// Importing it sets rapid's defaults for them (command-line flags still
// win): seed 1, so that runs are deterministic in CI; no fail files, since
// the seeded-bug properties are meant to fail; and 1000 checks, the budget
// in which rapid must find each seeded bug.
package gctest

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/simrun/simrun/internal/longtest"

	"github.com/simrun/simrun/protocols/groupcommit"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
	"pgregory.net/rapid"
)

func init() {
	flag.Set("rapid.seed", "1")
	flag.Set("rapid.nofailfile", "true")
	flag.Set("rapid.checks", "1000")
}

// Protocol is what the tests need of a group-commit protocol.
type Protocol struct {
	Name     string        // the protocol's name, as in traces
	Variants []sim.Variant // its variants with their expected verdicts
	// Scenario builds the scenario of a variant.
	Scenario func(variant string, cfg groupcommit.Config) (sim.Scenario, error)
	// Adjust is the configuration Scenario really runs for a variant, for
	// messages; nil if Scenario runs cfg as it is.
	Adjust func(variant string, cfg groupcommit.Config) groupcommit.Config
}

// CorrectVariants runs every correct variant of p, each for about total
// executions under SIMRUN_LONG=1 (else longtest.Budget's share) of Sweep over cfgs (two
// workers, seed 1), and fails on any finding.
func CorrectVariants(t *testing.T, p Protocol, cfgs []groupcommit.Config, total int) {
	total = longtest.Budget(total) // all of it under SIMRUN_LONG=1
	for _, v := range p.Variants {
		if v.Expected != sim.Clean {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			start := time.Now()
			res, err := Sweep(func(c groupcommit.Config) (sim.Scenario, error) { return p.Scenario(v.Name, c) },
				cfgs, total, 2, 1)
			if err != nil {
				t.Fatal(err)
			}
			el := time.Since(start)
			t.Logf("%s: %d executions, %d steps, %v (%.0f executions/s)", v.Name, res.Executions, res.Steps, el, float64(res.Executions)/el.Seconds())
			if res.Finding != nil {
				t.Fatalf("%s under %s, %+v: %v", v.Name, res.Strategy, res.Config, res.Finding)
			}
			if res.Executions < total*99/100 {
				t.Fatalf("only %d executions", res.Executions)
			}
		})
	}
}

// Verdict is a seeded bug's test: the variant must be found, with its
// expected kind first, within Budget executions of Strategy (a
// scheduler.ParseSpec description such as "random" or "pct"; seed 1 unless
// it says otherwise) on Config.
type Verdict struct {
	Variant  string
	Config   groupcommit.Config
	Strategy string
	Budget   int
}

// SeededBugs checks that every verdict's variant gets its expected
// verdict within the stated budget (a sim.Hunt with the verdict's one
// strategy), and prints the end of its trace under -v. It fails if a
// seeded-bug variant of p has no verdict.
func SeededBugs(t *testing.T, p Protocol, verdicts []Verdict) {
	seen := map[string]bool{}
	for _, tc := range verdicts {
		seen[tc.Variant] = true
		t.Run(tc.Variant, func(t *testing.T) {
			v, s := p.build(t, tc.Variant, tc.Config)
			spec, err := scheduler.ParseSpec(tc.Strategy)
			if err != nil {
				t.Fatal(err)
			}
			h := sim.Hunt{Strategies: []scheduler.Spec{spec}, Runs: tc.Budget,
				Options: sim.Options{Seed: 1, StopOnFinding: true, Meta: sim.Meta{Protocol: p.Name, Variant: tc.Variant}}}
			vd, err := h.Run(s, v)
			if err != nil {
				t.Fatal(err)
			}
			if len(vd.Findings) == 0 {
				t.Fatalf("%s: no finding in %d %s executions, want %s", tc.Variant, vd.Runs, tc.Strategy, v.Expected)
			}
			f := vd.Findings[0].Finding
			t.Logf("%s: %s at execution %d of budget %d: %s", tc.Variant, f.Kind, f.Run, tc.Budget, f.Message)
			if f.Kind != v.Expected {
				t.Fatalf("%s: found %s, want %s", tc.Variant, f.Kind, v.Expected)
			}
			if testing.Verbose() && f.Trace != nil {
				traces.Timeline(os.Stdout, f.Trace, traces.TimelineOptions{Last: 12})
			}
		})
	}
	for _, v := range p.Variants {
		if v.Expected != sim.Clean && !seen[v.Name] {
			t.Errorf("seeded-bug variant %s has no verdict test", v.Name)
		}
	}
}

// DrawCase draws a configuration and a schedule tape. The fault plan —
// which group_log_xid calls fail, where the crash falls, how much of each
// engine survives it — is made of Choose decisions, so it is on the tape
// too, and shrinks with it.
func DrawCase(t *rapid.T) (groupcommit.Config, []int) {
	cfg := groupcommit.Config{
		Threads:   rapid.IntRange(1, 8).Draw(t, "threads"),
		Txns:      rapid.IntRange(1, 3).Draw(t, "txns"),
		Engines:   rapid.IntRange(1, 2).Draw(t, "engines"),
		Readers:   rapid.IntRange(0, 2).Draw(t, "readers"),
		XidErrors: rapid.Bool().Draw(t, "xid_errors"),
		Crash:     rapid.Bool().Draw(t, "crash"),
	}
	tape := rapid.SliceOfN(rapid.IntRange(0, 255), 0, 400).Draw(t, "tape")
	return cfg, tape
}

// Property runs variant of p on a drawn case and fails on any finding.
func Property(p Protocol, variant string) func(*rapid.T) {
	return func(t *rapid.T) {
		cfg, tape := DrawCase(t)
		s, err := p.Scenario(variant, cfg)
		if err != nil {
			t.Fatal(err)
		}
		f, _, err := sim.Run(s, sim.Options{Strategy: scheduler.NewTape(tape), MaxSteps: 20000}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if f != nil {
			if p.Adjust != nil {
				cfg = p.Adjust(variant, cfg)
			}
			t.Fatalf("%s %+v: %s: %s", variant, cfg, f.Kind, f.Message)
		}
	}
}

// RapidCorrect checks that every correct variant of p passes every
// checker on every generated configuration, fault plan and schedule.
func RapidCorrect(t *testing.T, p Protocol) {
	for _, v := range p.Variants {
		if v.Expected == sim.Clean {
			t.Run(v.Name, rapid.MakeCheck(Property(p, v.Name)))
		}
	}
}

// RapidFindsSeededBugs checks that rapid finds a failing case of each
// of the seeded bugs named in bugs (within -rapid.checks cases) and
// shrinks it to one that shows the variant's expected kind; the shrunk
// case is printed in the test log.
func RapidFindsSeededBugs(t *testing.T, p Protocol, bugs []string) {
	if testing.Short() {
		// -short cuts rapid to a fifth of its cases, too few for the rarer
		// bugs: skip rather than claim a miss.
		t.Skip("needs rapid's full number of cases")
	}
	for _, name := range bugs {
		t.Run(name, func(t *testing.T) {
			v, _ := sim.FindVariant(p.Variants, name)
			r := &recorder{T: t}
			rapid.Check(r, Property(p, name))
			if !r.failed {
				t.Fatalf("rapid found no failing case of %s", name)
			}
			msg := strings.Join(r.msgs, "\n")
			t.Logf("shrunk failing case of %s:\n%s", name, msg)
			if !strings.Contains(msg, string(v.Expected)) {
				t.Errorf("shrunk failure is not %s", v.Expected)
			}
		})
	}
}

// recorder is a rapid.TB that records a failure instead of failing the
// test, so that a test can assert that rapid finds one.
type recorder struct {
	*testing.T
	failed bool
	msgs   []string
}

func (r *recorder) Errorf(format string, args ...any) { r.fail(fmt.Sprintf(format, args...)) }
func (r *recorder) Error(args ...any)                 { r.fail(fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) { r.fail(fmt.Sprintf(format, args...)) }
func (r *recorder) Fatal(args ...any)                 { r.fail(fmt.Sprint(args...)) }
func (r *recorder) FailNow()                          { r.failed = true }
func (r *recorder) Fail()                             { r.failed = true }
func (r *recorder) Failed() bool                      { return r.failed }
func (r *recorder) fail(msg string)                   { r.failed = true; r.msgs = append(r.msgs, msg) }

// Exhaustive is a verdict on every schedule of a small configuration:
// Variant on Config, explored by DPOR (Bound >= 0: bounded DPOR with that
// many preemptions) within 200,000 executions.
type Exhaustive struct {
	Variant string
	Config  groupcommit.Config
	Bound   int
}

// ExhaustiveVerdicts explores each case to the end and checks that the
// variant's verdict there is its expected one (sim.Variant.Judge): a
// correct variant clean, a seeded bug found.
func ExhaustiveVerdicts(t *testing.T, p Protocol, cases []Exhaustive) {
	for _, tc := range cases {
		t.Run(tc.Variant, func(t *testing.T) {
			v, s := p.build(t, tc.Variant, tc.Config)
			strat := scheduler.Strategy(scheduler.NewDPOR())
			if tc.Bound >= 0 {
				strat = scheduler.NewBoundedDPOR(tc.Bound)
			}
			rep, err := sim.Explore(s, sim.Options{Strategy: strat, Runs: 200_000, NoSpurious: true})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Exhausted {
				t.Fatalf("not exhausted in %d executions", rep.Runs)
			}
			var kinds []sim.Kind
			for _, f := range rep.Findings {
				kinds = append(kinds, f.Kind)
			}
			verdict, ok := v.Judge(kinds)
			t.Logf("%d executions: %s %v", rep.Runs, verdict, rep.Counts)
			if !ok || verdict != v.Expected {
				t.Fatalf("verdict %s (findings %v), want %s", verdict, kinds, v.Expected)
			}
		})
	}
}

// build returns variant of p and its scenario on cfg, failing t if either
// is missing.
func (p Protocol) build(t *testing.T, variant string, cfg groupcommit.Config) (sim.Variant, sim.Scenario) {
	t.Helper()
	v, err := sim.FindVariant(p.Variants, variant)
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.Scenario(variant, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v, s
}
