package sim

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/traces"
)

// TB is the part of testing.TB that Check uses.
type TB interface {
	Helper()
	Name() string
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// The test flags of Check, in the style of rapid's: they override the
// options given in code, for every Check of the test binary.
var (
	replayFlag   = flag.String("simrun.trace", "", "replay this simrun trace in the sim.Check of the test it belongs to (a path from the module root or the package)")
	seedFlag     = flag.Uint64("simrun.seed", 0, "seed of sim.Check's random and PCT strategies (0: the option's, default 1)")
	runsFlag     = flag.Int("simrun.runs", 0, "executions per strategy in sim.Check (0: the option's, default 500)")
	strategyFlag = flag.String("simrun.strategy", "", "strategies of sim.Check, comma-separated specs: random, pct, pct:depth=3, dfs:bound=2, dpor, dpor:bound=1 (explore: dpor)")
)

// CheckDefaultRuns is the number of executions per strategy of a sampling
// Check; CheckExhaustiveRuns caps an exhaustive one (see CheckHunt).
const (
	CheckDefaultRuns    = 500
	CheckExhaustiveRuns = 100000
)

// Check explores s inside a test and fails the test on the first finding:
// it prints the finding with its explanation, saves the trace under
// testdata/simrun/<test name>/ and prints the command that replays it,
// ready to paste at the module root. With -simrun.trace=FILE the test that
// trace belongs to replays it instead and prints its timeline (other tests
// run as usual). On success it logs one line (shown under -v): executions,
// strategies, and whether the search was exhaustive.
//
// Defaults: 500 executions of each strategy of DefaultPortfolio (POSC,
// PCT of depth 3, SURW), the race detector, fair scheduling
// (see fairSpin) and the DefaultWatchdog on, spurious
// wakeups of the pthread-style Cond on (Go's GoCond has none). Options in
// code change that (Seed, Runs, Strategy, NoRaces, NoSpurious, MaxSteps,
// Watchdog); the flags -simrun.seed, -simrun.runs and -simrun.strategy
// override them. CheckHunt is that exploration, and CheckFinding what
// Check says of its first finding.
func Check(t TB, s Scenario, opts ...func(*Options)) {
	t.Helper()
	if *replayFlag != "" {
		if tr, err := loadCheckTrace(*replayFlag); err != nil {
			t.Fatalf("sim.Check: %v", err)
			return
		} else if tr.Variant == t.Name() {
			checkReplay(t, s, tr)
			return
		}
	}
	flags, err := checkFlags()
	if err != nil {
		t.Fatalf("sim.Check: %v", err)
		return
	}
	name := func(o *Options) {
		if o.Meta.Protocol == "" {
			o.Meta = Meta{Protocol: "test", Variant: t.Name()}
		}
	}
	h, err := CheckHunt(append(opts[:len(opts):len(opts)], name, flags)...)
	if err != nil {
		t.Fatalf("sim.Check: %v", err)
		return
	}
	v, err := h.Run(s, Variant{Name: t.Name(), Expected: Clean})
	if err != nil {
		t.Fatalf("sim.Check: %v", err)
		return
	}
	if len(v.Findings) == 0 {
		t.Logf("sim.Check: clean after %d executions (%s)", v.Runs, summary(v))
		return
	}
	text, file := CheckFinding(v)
	msg := "sim.Check: " + text
	if f := v.Findings[0].Finding; f.Trace != nil {
		path := filepath.Join("testdata", "simrun", safeName(t.Name()), file)
		if err := traces.Save(path, f.Trace); err != nil {
			msg += fmt.Sprintf("\n(could not save the trace: %v)", err)
		} else {
			pkg, rel := modulePaths(path)
			msg += fmt.Sprintf("\ntrace: %s\nreplay: go test %s -run '%s' -simrun.trace=%s", rel, pkg, RunPattern(t.Name()), rel)
		}
	}
	t.Fatalf("%s", msg)
}

// CheckFinding says what the first finding of v is, as Check fails with
// it: its kind, where it was found and the finding with its explanation;
// and the file name its trace is saved under, "<kind>-<strategy>-seed<S>.json".
// simrun test's test binaries (package gort) say the same.
func CheckFinding(v *Verdict) (text, file string) {
	hf := v.Findings[0]
	f := hf.Finding
	text = fmt.Sprintf("%s in execution %d (%d executions run; %s, seed %d, %d steps)\n%s",
		f.Kind, hf.Run+1, v.Runs, hf.Strategy.Name, f.Seed, f.Steps, f)
	return text, fmt.Sprintf("%s-%s-seed%d.json", f.Kind, hf.Strategy.Name, f.Seed)
}

// summary says what a clean Check explored: per strategy, its executions
// and whether it exhausted its search space.
func summary(v *Verdict) string {
	var parts []string
	for i, r := range v.Reports {
		s := fmt.Sprintf("%s: %d", v.Strategies[i].Name, r.Runs)
		if r.Exhausted {
			s += fmt.Sprintf(", exhaustive, %d terminal states", r.TerminalStates)
			if r.Pruned > 0 {
				s += fmt.Sprintf(", %d alternatives beyond the bound", r.Pruned)
			}
		} else if r.TerminalStates > 0 {
			s += ", not exhaustive (budget spent)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// CheckHunt returns the hunt that Check runs for opts: Check's defaults
// (the race detector and DefaultWatchdog on) as opts change them, stopping
// at the first finding, each strategy (Strategy's, WithStrategy's, or
// DefaultPortfolio) on Runs executions, by default CheckDefaultRuns, or
// CheckExhaustiveRuns when one of them is an exhaustive search (DFS or
// DPOR). simrun test's test binaries (package gort) run it too, so that
// the two explore a test alike.
func CheckHunt(opts ...func(*Options)) (*Hunt, error) {
	o := Options{Races: true, Watchdog: DefaultWatchdog}
	for _, f := range opts {
		f(&o)
	}
	if o.Runs < 0 {
		return nil, fmt.Errorf("runs must be positive, got %d", o.Runs)
	}
	h := &Hunt{Options: o, Strategies: o.checkSpecs}
	h.Options.Runs, h.Options.StopOnFinding, h.Options.checkSpecs = 0, true, nil
	n, exhaustive := len(h.Strategies), false
	for _, sp := range h.Strategies {
		exhaustive = exhaustive || sp.Name == scheduler.NameDFS || sp.Name == scheduler.NameDPOR
	}
	switch {
	case o.Strategy != nil:
		n = 1
		_, exhaustive = o.Strategy.(scheduler.Splitter)
	case n == 0:
		n = len(DefaultPortfolio)
	}
	perStrategy := o.Runs
	if perStrategy == 0 {
		perStrategy = CheckDefaultRuns
		if exhaustive {
			perStrategy = CheckExhaustiveRuns
		}
	}
	h.Runs = n * perStrategy
	return h, nil
}

// checkFlags returns the option that lets the -simrun.* flags override
// the options given in code.
func checkFlags() (func(*Options), error) {
	if *runsFlag < 0 {
		return nil, fmt.Errorf("-simrun.runs must be positive, got %d", *runsFlag)
	}
	var specs []scheduler.Spec
	if *strategyFlag != "" {
		var err error
		if specs, err = parseSpecs(*strategyFlag); err != nil {
			return nil, fmt.Errorf("-simrun.strategy: %w", err)
		}
	}
	return func(o *Options) {
		if *seedFlag != 0 {
			o.Seed = *seedFlag
		}
		if *runsFlag > 0 {
			o.Runs = *runsFlag
		}
		if specs != nil {
			o.Strategy, o.checkSpecs = nil, specs
		}
	}, nil
}

// parseSpecs parses comma-separated strategy specs (SplitStrategies),
// validated; "explore" is dpor.
func parseSpecs(s string) ([]scheduler.Spec, error) {
	var specs []scheduler.Spec
	for _, w := range SplitStrategies(s) {
		if strings.HasPrefix(w, "explore") {
			w = scheduler.NameDPOR + strings.TrimPrefix(w, "explore")
		}
		sp, err := scheduler.ParseSpec(w)
		if err != nil {
			return nil, err
		}
		if err := sp.Validate(); err != nil {
			return nil, err
		}
		specs = append(specs, sp)
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("no strategy in %q", s)
	}
	return specs, nil
}

// SplitStrategies splits comma-separated strategy specs into one string
// per spec, each trimmed ("pct:depth=2,steps=9,dfs" is "pct:depth=2,steps=9"
// and "dfs"): a spec's parameters follow it after a colon and are
// comma-separated too, so a comma starts a new spec only where the next
// word is not a parameter (key=value without a colon). "" has no spec.
func SplitStrategies(s string) []string {
	var specs []string
	for _, w := range strings.Split(s, ",") {
		w = strings.TrimSpace(w)
		if len(specs) > 0 && strings.Contains(w, "=") && !strings.Contains(w, ":") {
			specs[len(specs)-1] += "," + w // a parameter of the current spec
			continue
		}
		specs = append(specs, w)
	}
	if len(specs) == 1 && specs[0] == "" {
		return nil
	}
	return specs
}

// loadCheckTrace loads a trace given relative to the package (where go
// test runs) or to the module root (where the printed command is pasted).
func loadCheckTrace(path string) (*traces.Trace, error) {
	if _, err := os.Stat(path); err != nil && !filepath.IsAbs(path) {
		if root, ok := moduleRoot(); ok {
			if _, err := os.Stat(filepath.Join(root, path)); err == nil {
				path = filepath.Join(root, path)
			}
		}
	}
	return traces.Load(path)
}

// moduleRoot finds the directory of the enclosing go.mod.
func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", false
		}
		dir = up
	}
}

// modulePaths returns the package directory ("./sim") and path, both
// relative to the module root, for a path relative to the package.
func modulePaths(path string) (pkg, rel string) {
	root, ok := moduleRoot()
	wd, err := os.Getwd()
	if !ok || err != nil {
		return ".", path
	}
	d, err := filepath.Rel(root, wd)
	if err != nil {
		return ".", path
	}
	return "./" + filepath.ToSlash(d), filepath.ToSlash(filepath.Join(d, path))
}

// RunPattern is the go test -run pattern that selects exactly the test (or
// subtest) named name (simrun test's replays use it too).
func RunPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

func checkReplay(t TB, s Scenario, tr *traces.Trace) {
	t.Helper()
	f, _, timeline, err := ReplayTimeline(s, tr)
	if err != nil {
		t.Fatalf("sim.Check: %v", err)
		return
	}
	if f != nil {
		t.Fatalf("sim.Check: replay of %s:\n%s\n%s", *replayFlag, timeline, f)
		return
	}
	t.Logf("sim.Check: replay of %s: no finding\n%s", *replayFlag, timeline)
}

// ReplayTimeline replays t on s (see Replay) and returns the replay's
// finding (nil if clean), its trace, and its timeline as Check prints it
// under -simrun.trace; simrun test's replays (package gort) print the same.
func ReplayTimeline(s Scenario, t *traces.Trace) (*Finding, *traces.Trace, string, error) {
	f, got, err := Replay(s, t)
	if err != nil {
		return nil, got, "", err
	}
	var b strings.Builder
	if err := traces.Timeline(&b, got, traces.TimelineOptions{Width: 40}); err != nil {
		return nil, got, "", fmt.Errorf("the replay's timeline: %w", err)
	}
	return f, got, b.String(), nil
}

func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == os.PathSeparator || r == ' ' || r == ':' {
			return '_'
		}
		return r
	}, name)
}

// Runs sets the number of executions per strategy.
func Runs(n int) func(*Options) { return func(o *Options) { o.Runs = n } }

// Seed sets the seed of the sampling strategies (random, PCT, POS, POSC, SURW, Mix).
func Seed(n uint64) func(*Options) { return func(o *Options) { o.Seed = n } }

// WithStrategy explores with one strategy instead of the default portfolio.
func WithStrategy(s scheduler.Strategy) func(*Options) { return func(o *Options) { o.Strategy = s } }

// Strategy explores with the strategies of a spec list, as
// -simrun.strategy takes it: "dpor" (exhaustive), "dfs:bound=2",
// "random,pct:depth=2". A bad spec fails the test.
func Strategy(specs string) func(*Options) {
	return func(o *Options) {
		sp, err := parseSpecs(specs)
		if err != nil {
			sp = []scheduler.Spec{{Name: "bad strategy " + specs + ": " + err.Error()}}
		}
		o.Strategy, o.checkSpecs = nil, sp
	}
}

// NoSpurious turns spurious wakeups off.
func NoSpurious() func(*Options) { return func(o *Options) { o.NoSpurious = true } }

// NoRaces turns the race detector off.
func NoRaces() func(*Options) { return func(o *Options) { o.Races = false } }

// MaxSteps sets the step bound of an execution (a livelock finding).
func MaxSteps(n int) func(*Options) { return func(o *Options) { o.MaxSteps = n } }

// Watchdog sets how long an execution may hang before Check fails (0 turns
// the watchdog off).
func Watchdog(d time.Duration) func(*Options) { return func(o *Options) { o.Watchdog = d } }
