package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/simrun/simrun/gotest"
	"github.com/simrun/simrun/gotest/rewrite"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// testRanges are the ranges of simrun test's integer flags.
var testRanges = map[string]intRange{
	"runs": {0, 1_000_000_000}, "bound": {-1, 100}, "max-steps": {0, 100_000_000},
}

// runTest is `simrun test`: the go test of simrun (package gotest).
func runTest(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("test", stderr)
	var o gotest.Options
	fs.StringVar(&o.Run, "run", "", "run only the tests that match this `regexp`, as go test -run")
	strategy := fs.String("strategy", "", "strategies, comma-separated (random, pct, pos, posc, surw, mix, dfs, dpor, with parameters as in dfs:bound=2); default: sim.Check's portfolio")
	fs.IntVar(&o.Config.Runs, "runs", 0, "executions per strategy and test (0: sim.Check's default)")
	fs.Uint64Var(&o.Config.Seed, "seed", 1, "seed of the exploration")
	bound := fs.Int("bound", 0, "preemption bound of dfs and dpor (-1: none)")
	dpor := fs.Bool("dpor", false, "explore with DPOR (as -strategy dpor)")
	fs.IntVar(&o.Config.MaxSteps, "max-steps", 0, "step bound of one execution, livelock beyond (0: the default)")
	races := fs.Bool("races", true, "detect data races on the memory accesses the translation observes")
	fs.DurationVar(&o.Config.Watchdog, "watchdog", 0, "declare an execution hung when it makes no progress for this long (0: sim.Check's default)")
	fs.DurationVar(&o.Config.TimerHorizon, "timer-horizon", 0, "a timer due later than this fires only when no goroutine can make progress, so a test's time.After guard does not fire before the work it guards (0: 100ms; negative: none, any due timer may fire at any step)")
	fs.StringVar(&o.Config.TracesDir, "out", traces.DefaultDir, "directory for the traces of findings")
	fs.StringVar(&o.Config.Trace, "trace", "", "replay this trace `FILE` of a finding (its package and test) and print its timeline")
	fs.BoolVar(&o.JSON, "json", false, "print JSON on stdout instead of text")
	fs.BoolVar(&o.Verbose, "v", false, "stream go test -v's output")
	fs.BoolVar(&o.KeepWork, "keep-work", false, "keep the scratch directory (translations, overlay, temporary go.mod) and print where it is")
	fs.DurationVar(&o.Timeout, "timeout", 0, "go test -timeout of each test binary (0: go test's default, 10m)")
	quiet := fs.Bool("quiet", false, "no progress line on stderr (it is drawn only on a terminal anyway)")
	documentRanges(fs, testRanges)
	patterns, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if err := checkRanges(fs, testRanges); err != nil {
		return exitUsage, err
	}
	if err := checkOut(o.Config.TracesDir); err != nil {
		return exitUsage, err
	}
	set := setFlags(fs)
	if o.Config.Strategies, err = testStrategies(*strategy, *dpor, *bound, set); err != nil {
		return exitUsage, err
	}
	o.Config.NoRaces = !*races
	if o.Config.Trace != "" && (len(patterns) > 0 || o.Run != "") {
		return exitUsage, usagef("-trace names its package and test: drop the packages and -run")
	}
	if checkOnly {
		return exitClean, nil
	}
	o.Patterns, o.Stdout, o.Stderr = patterns, stdout, stderr

	in := catchSignals(stderr)
	defer in.release()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-in.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	prog := newProgress(stderr, *quiet || o.JSON || o.Verbose)
	o.Progress = func(phase string, done, total int) {
		if phase == "" {
			prog.clear() // the results follow
		} else if total > 0 {
			prog.update("simrun test", done, total, "tests", "")
		} else {
			prog.update("simrun test", 0, 0, phase, "")
		}
	}
	results, err := gotest.Run(ctx, o)
	prog.clear()
	if in.interrupted() {
		return in.code(), nil
	}
	var un *rewrite.Unsupported
	var build *gotest.BuildError
	var load *gotest.LoadError
	var goErr *gotest.GoError
	if errors.As(err, &goErr) {
		fmt.Fprintln(stderr, strings.TrimSpace(goErr.Output))
		return exitUsage, errors.New("go test failed before running the tests (its output above)")
	}
	// Each list on stderr, then one line that sums them up.
	var what []string
	if errors.As(err, &load) {
		fmt.Fprintln(stderr, strings.Join(load.Errors, "\n"))
		what = append(what, "packages do not load")
	}
	if errors.As(err, &un) {
		fmt.Fprint(stderr, gotest.Problems(un))
		what = append(what, fmt.Sprintf("%d %s cannot be translated", len(un.Problems), plural(len(un.Problems), "construct")))
	}
	if errors.As(err, &build) {
		fmt.Fprintln(stderr, strings.Join(build.Errors, "\n"))
		what = append(what, "the translated code does not compile (a limit of the translation; please report it)")
	}
	switch {
	case len(what) > 0 && o.Config.Trace != "" && load != nil:
		return exitUsage, errors.New("the trace's package does not load from here (listed above): run the replay inside the test's module")
	case len(what) > 0:
		return exitUsage, fmt.Errorf("%s (listed above): the tests that compile them did not run", strings.Join(what, "; "))
	}
	code := gotest.ExitCode(results, err)
	if code == exitInconclusive && o.Config.Trace != "" {
		// A trace that does not replay (the code changed since, or the
		// file is not what it says) is a bad input, as for simrun replay.
		return exitUsage, fmt.Errorf("%s: the trace does not replay (see above)", o.Config.Trace)
	}
	return code, err
}

// testStrategies is the gort.Config.Strategies that the flags ask for:
// -strategy's comma-separated specs (checked here, so that a typo is a
// usage error and not a failure in every test binary), or dpor for -dpor;
// -bound goes into each dfs and dpor spec that gives none.
func testStrategies(strategy string, dpor bool, bound int, set map[string]bool) (string, error) {
	if dpor {
		if strategy != "" {
			return "", usagef("-dpor is -strategy dpor: give one of them")
		}
		strategy = scheduler.NameDPOR
	}
	if strategy == "" {
		if set["bound"] {
			return "", usagef("-bound is for dfs and dpor: add -dpor or -strategy dfs")
		}
		return "", nil
	}
	specs := sim.SplitStrategies(strategy)
	parsed, err := sim.ParseStrategies(strategy) // as the test binaries will, split alike
	if err != nil {
		return "", usageError{err}
	}
	bounded := false
	for i, s := range specs {
		if sp := parsed[i]; sp.Name != scheduler.NameDFS && sp.Name != scheduler.NameDPOR {
			continue
		}
		bounded = true
		if set["bound"] && !strings.Contains(s, "bound=") {
			b := strconv.Itoa(bound)
			if bound < 0 {
				b = "none"
			}
			if strings.Contains(s, ":") {
				specs[i] = s + ",bound=" + b
			} else {
				specs[i] = s + ":bound=" + b
			}
		}
	}
	if set["bound"] && !bounded {
		return "", usagef("-bound is for dfs and dpor, not -strategy %s", strategy)
	}
	return strings.Join(specs, ","), nil
}

// plural is noun for n == 1, else its plural.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
