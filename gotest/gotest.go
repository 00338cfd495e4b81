package gotest

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/simrun/simrun/gort"
	"github.com/simrun/simrun/gotest/rewrite"
	"github.com/simrun/simrun/internal/jsonout"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// Options configure a run of Run.
type Options struct {
	Dir      string   // where to run: the user's module or a directory in it ("" = the current one)
	Patterns []string // package patterns as go test takes them; default "."
	Run      string   // -run regexp: the tests to run ("" = all)
	Config   gort.Config
	JSON     bool // print the results as one JSON object instead of a table
	Stdout   io.Writer
	Stderr   io.Writer

	// Verbose streams the output of go test -v (to Stderr with JSON).
	Verbose bool
	// KeepWork keeps the scratch directory (translations, overlay,
	// temporary go.mod, report) and says where it is.
	KeepWork bool
	// Timeout is go test's -timeout for each test binary (0: go test's
	// default, 10 minutes).
	Timeout time.Duration
	// Progress, if set, is told each phase as it begins ("loading", ...)
	// with total 0, then, while go test runs, about every second, how many
	// of the total tests have reported; the phase "" before the results
	// are printed.
	Progress func(phase string, done, total int)
}

// LoadError is a package that does not load or type-check as it is, before
// any translation: the user's code (or the patterns) is wrong.
type LoadError struct{ Errors []string }

func (e *LoadError) Error() string {
	return "loading the packages: " + strings.Join(e.Errors, "\n")
}

// BuildError is translated code that did not compile: a translation limit.
// Errors are go's messages, at the original file:line (the translations
// carry //line directives).
type BuildError struct {
	Errors []string
	Output string // go test's whole output
}

func (e *BuildError) Error() string {
	return "the translated code does not compile (a limit of the translation; please report it):\n" + strings.Join(e.Errors, "\n")
}

// GoError is go test failing as a command ("go: ..."), before any test
// ran: a module it cannot resolve, a toolchain it cannot use.
type GoError struct{ Output string }

func (e *GoError) Error() string {
	return "go test failed: " + strings.TrimSpace(e.Output)
}

// InputError is a bad input: a trace that is not one of simrun test's, no
// test to run, ...
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Unsupported is the verdict of a test whose binary compiles a package
// with constructs the translation cannot handle: it did not run.
const Unsupported = "unsupported"

// Exit statuses, as every simrun command.
const (
	ExitClean        = 0
	ExitFinding      = 1
	ExitUsage        = 2
	ExitInconclusive = 3
)

// ExitCode is the exit status of simrun test for Run's results and error:
// 2 for an error (the translation, the build, the input: even if other
// tests ran and found something, the run did not do all it was asked), else 1 if a test
// has a finding, 3 if a test has no verdict (its binary crashed or timed
// out), 0 when every test is clean. An interruption (context.Canceled) is
// the caller's to map to its signal's status.
func ExitCode(results []gort.Result, err error) int {
	if err != nil {
		return ExitUsage
	}
	code := ExitClean
	for _, r := range results {
		switch {
		case r.HasFinding():
			return ExitFinding
		case r.Verdict == "error":
			code = ExitInconclusive
		}
	}
	return code
}

// Run translates the tests that o selects, runs them under the simulator
// and prints their results (a table, or JSON). It returns the results
// (sorted by package, then in the order the tests ran) and an error: a
// *rewrite.Unsupported listing what cannot be translated, a *LoadError, a
// *BuildError, a *GoError, an *InputError, or ctx's error when ctx was cancelled, with
// the results reported until then. Tests whose binaries compile a package
// the translation cannot handle do not run (verdict "unsupported"), nor
// those whose binaries compile a package that does not load (verdict
// "error"): the others do, and the error joins the *LoadError, the
// *rewrite.Unsupported and the *BuildError that apply (errors.As finds
// each). Config.TracesDir, relative to the
// current directory ("" = simrun-traces), is where findings' traces go;
// Config.Report is Run's own.
func Run(ctx context.Context, o Options) (results []gort.Result, err error) {
	o.Stdout = writerOr(o.Stdout)
	o.Stderr = writerOr(o.Stderr)
	if len(o.Patterns) == 0 {
		o.Patterns = []string{"."}
	}
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.Config.Trace != "" {
		if err := o.replayTarget(); err != nil {
			return nil, err
		}
	}
	if _, err := regexp.Compile(o.Run); err != nil {
		return nil, &InputError{fmt.Errorf("-run: %w", err)}
	}
	// go test matches the first level of -run against the test's name
	// (subtests are the translated test's own business).
	runRE, err := regexp.Compile(strings.SplitN(o.Run, "/", 2)[0])
	if err != nil {
		return nil, &InputError{fmt.Errorf("-run: %w", err)}
	}
	scratch, err := os.MkdirTemp("", "simrun-test-")
	if err != nil {
		return nil, fmt.Errorf("creating the scratch directory: %w", err)
	}
	if o.KeepWork {
		fmt.Fprintf(o.Stderr, "simrun test: work directory %s\n", scratch)
	} else {
		defer os.RemoveAll(scratch)
	}

	progress := o.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	p, err := o.prepare(ctx, runRE, scratch, progress)
	if err != nil {
		if ctx.Err() != nil {
			// Interrupted before go test ran: nothing was found; say
			// so rather than how the go command failed.
			return nil, ctx.Err()
		}
		return nil, err
	}
	results, err = o.runTests(ctx, p, progress)
	results = sortResults(append(results, p.blocked...))
	if ctx.Err() != nil {
		o.print(results, true)
		return results, ctx.Err()
	}
	o.print(results, false)
	// The error of a run that went through: what did not load and what
	// could not be translated (those tests did not run), what did not
	// compile.
	var errs []error
	if p.loadErr != nil {
		errs = append(errs, p.loadErr)
	}
	if p.problems != nil {
		errs = append(errs, p.problems)
	}
	return results, errors.Join(append(errs, err)...)
}

// runTests runs go test on p's packages and returns the results of their
// tests: those the test binaries reported, and one without a verdict for
// each test that reported nothing. The error is a *BuildError when a
// translation did not compile, a *GoError when go test failed as a
// command.
func (o *Options) runTests(ctx context.Context, p *plan, progress func(string, int, int)) ([]gort.Result, error) {
	if len(p.packages) == 0 {
		return nil, nil
	}
	cfg := o.Config
	cfg.Report = filepath.Join(filepath.Dir(p.overlayFile), "report.jsonl")
	var err error
	if cfg.TracesDir, err = gort.TracesDir(cfg.TracesDir); err != nil {
		return nil, fmt.Errorf("-out: %w", err)
	}
	progress("building the tests", 0, 0)
	stopWatch := watchReport(cfg.Report, len(p.want), progress)
	out, runErr := o.goTest(ctx, cfg, p, p.overlayFile)
	stopWatch()
	progress("", 0, 0)
	results, err := readReport(cfg.Report)
	if err != nil || ctx.Err() != nil {
		return results, err
	}
	berr := buildErrors(out)
	if berr == nil && len(results) == 0 && runErr != nil && goFailed(out) {
		return nil, &GoError{Output: out}
	}
	return missing(results, p.want, runErr, out), berr
}

// plan is what Run prepared for go test.
type plan struct {
	setup       moduleSetup
	overlayFile string
	packages    []string // import paths of the test packages go test runs
	want        []testID // the tests they will run
	// blocked are the results of the selected tests whose binaries
	// compile a package the translation cannot handle (verdict
	// "unsupported"), and problems what it cannot handle.
	blocked  []gort.Result
	problems *rewrite.Unsupported
	loadErr  *LoadError // the packages that do not load
}

// prepare loads the packages, writes the temporary go.mod (or go.work)
// and the translations with their overlay in scratch, and lists the tests
// go test will run. A test package whose binary compiles a package the
// translation cannot handle does not run; the others do.
func (o *Options) prepare(ctx context.Context, runRE *regexp.Regexp, scratch string, progress func(string, int, int)) (*plan, error) {
	progress("loading the packages", 0, 0)
	g, err := loadGraph(ctx, o.Dir, o.Patterns)
	if err != nil {
		return nil, err
	}
	p := &plan{}
	if p.setup, err = prepareModule(ctx, g.module, o.Dir, scratch); err != nil {
		return nil, err
	}
	units, err := loadUnits(ctx, o.Dir, g)
	if err != nil {
		return nil, err
	}
	progress(fmt.Sprintf("translating the packages (%d)", len(units)), 0, 0)
	ov, unsupported, err := translate(units, p.setup, scratch)
	if err != nil {
		return nil, err
	}
	// A test package whose binary compiles a package that does not load
	// or that the translation cannot handle does not run.
	unitErrs := map[string][]string{}
	for _, u := range units {
		base := strings.TrimSuffix(u.pkg.PkgPath, "_test")
		unitErrs[base] = append(unitErrs[base], u.errs...)
	}
	var loadErrs []string
	blocked := map[string]gort.Result{} // test package → the verdict of its tests
	for _, pkg := range sortedKeys(g.binaries) {
		broken := g.loadErrs[pkg]
		var why []string
		for _, dep := range g.binaries[pkg] {
			broken = append(broken, unitErrs[dep]...)
			for _, pr := range unsupported[dep] {
				why = append(why, fmt.Sprintf("%s:%d: %s", relPath(pr.Pos.Filename), pr.Pos.Line, pr.What))
			}
		}
		switch {
		case len(broken) > 0:
			broken = dedup(broken)
			loadErrs = append(loadErrs, broken...)
			blocked[pkg] = gort.Result{Verdict: "error", Message: "does not load: " + strings.ReplaceAll(strings.Join(broken, "; "), "\n", " ")}
		case len(why) > 0:
			blocked[pkg] = gort.Result{Verdict: Unsupported, Message: "not translated: " + strings.Join(why, "; ")}
		default:
			p.packages = append(p.packages, pkg)
		}
	}
	for _, id := range expected(units, runRE) {
		if r, ok := blocked[id.pkg]; ok {
			r.Package, r.Test = id.pkg, id.test
			p.blocked = append(p.blocked, r)
		} else {
			p.want = append(p.want, id)
		}
	}
	if len(loadErrs) > 0 {
		p.loadErr = &LoadError{Errors: dedup(loadErrs)}
	}
	for _, path := range sortedKeys(unsupported) {
		if p.problems == nil {
			p.problems = &rewrite.Unsupported{}
		}
		p.problems.Problems = append(p.problems.Problems, unsupported[path]...)
	}
	if len(p.want) == 0 && len(p.blocked) == 0 {
		return nil, &InputError{fmt.Errorf("no tests to run in %s%s", strings.Join(o.Patterns, " "), runSuffix(o.Run))}
	}
	p.overlayFile = filepath.Join(scratch, "overlay.json")
	b, err := json.Marshal(ov)
	if err != nil {
		return nil, fmt.Errorf("encoding the overlay: %w", err)
	}
	if err := os.WriteFile(p.overlayFile, b, 0o644); err != nil {
		return nil, fmt.Errorf("writing the overlay: %w", err)
	}
	return p, nil
}

func writerOr(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

func runSuffix(run string) string {
	if run == "" {
		return ""
	}
	return " matching -run " + run
}

// replayTarget points o at the package and test of the trace to replay.
func (o *Options) replayTarget() error {
	path, err := filepath.Abs(o.Config.Trace)
	if err != nil {
		return &InputError{err}
	}
	t, err := traces.Load(path)
	if err != nil {
		return &InputError{err}
	}
	pkg, test, ok := splitVariant(t.Protocol, t.Variant)
	if !ok {
		return &InputError{fmt.Errorf("%s: not a trace of simrun test (protocol %q, variant %q)", path, t.Protocol, t.Variant)}
	}
	o.Config.Trace = path
	if o.Dir == "." {
		o.Dir = moduleOf(filepath.Dir(path), pkg, ".")
	}
	o.Patterns = []string{strings.TrimSuffix(pkg, "_test")}
	o.Run = sim.RunPattern(test)
	return nil
}

// moduleOf returns the directory of the module that holds package pkg: the
// first ancestor of dir with a go.mod whose module path is a prefix of
// pkg (a trace saved under the module's simrun-traces), or def.
func moduleOf(dir, pkg, def string) string {
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				l, _, _ = strings.Cut(l, "//")
				if f := strings.Fields(l); len(f) == 2 && f[0] == "module" {
					m := strings.Trim(f[1], `"`)
					if pkg == m || strings.HasPrefix(pkg, m+"/") {
						return dir
					}
				}
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return def
		}
		dir = parent
	}
}

// splitVariant splits a gotest trace's variant "<import path>.<TestName>".
func splitVariant(protocol, variant string) (pkg, test string, ok bool) {
	i := strings.LastIndex(variant, ".")
	if protocol != gort.Protocol || i <= 0 || i == len(variant)-1 || strings.Contains(variant[i:], "/") {
		return "", "", false
	}
	return variant[:i], variant[i+1:], true
}

// IsTrace reports whether the trace t was written by simrun test (for
// simrun replay, which hands such traces to simrun test -trace).
func IsTrace(t *traces.Trace) bool { return t.Protocol == gort.Protocol }

// testID names a test in a package (an external test package counts as
// its package).
type testID struct{ pkg, test string }

func idOf(pkg, test string) testID { return testID{strings.TrimSuffix(pkg, "_test"), test} }

// expected lists the tests that go test will run: the wrapped tests of the
// selected packages that run (-run's first level) matches.
func expected(units []*unit, run *regexp.Regexp) []testID {
	var ids []testID
	for _, u := range units {
		for _, name := range u.tests {
			if !run.MatchString(name) {
				continue
			}
			ids = append(ids, idOf(u.pkg.PkgPath, name))
		}
	}
	return ids
}

// goTest runs go test on the translated packages and returns its output.
func (o *Options) goTest(ctx context.Context, cfg gort.Config, p *plan, overlayFile string) (string, error) {
	setup := p.setup
	env, err := json.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("encoding the configuration: %w", err)
	}
	args := []string{"test", "-overlay", overlayFile}
	if setup.ModFile != "" {
		args = append(args, "-modfile", setup.ModFile)
	}
	args = append(args, setup.Flags...)
	// -vet=off: vet has checked the user's code under go test; on the translation
	// it would only report what the translation looks like.
	args = append(args, "-count=1", "-vet=off")
	if o.Run != "" {
		args = append(args, "-run", o.Run)
	}
	if o.Timeout > 0 {
		args = append(args, "-timeout", o.Timeout.String())
	}
	if o.Verbose {
		args = append(args, "-v")
	}
	args = append(args, p.packages...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = o.Dir
	cmd.Env = append(append(os.Environ(), setup.Env...), gort.EnvConfig+"="+string(env))
	// Interrupted: SIGINT to go test and its test binaries (they have
	// written their report lines as each test ended), a kill 10 s later.
	interruptGroup(cmd)
	cmd.WaitDelay = 10 * time.Second
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if o.Verbose {
		stream := o.Stdout
		if o.JSON {
			stream = o.Stderr
		}
		cmd.Stdout = io.MultiWriter(&buf, stream)
		cmd.Stderr = cmd.Stdout
	}
	err = cmd.Run()
	if ctx.Err() != nil {
		killGroup(cmd) // a test binary that outlived go test
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) && ctx.Err() == nil {
		return buf.String(), fmt.Errorf("running go test: %w", err)
	}
	return buf.String(), err
}

// watchReport tells progress, every second until stop, how many of total
// tests have a line in the report file.
func watchReport(report string, total int, progress func(string, int, int)) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if b, err := os.ReadFile(report); err == nil {
					progress("tests", bytes.Count(b, []byte("\n")), total)
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// readReport reads the results the test binaries appended to the report
// file, one JSON object a line. A missing file means no test reported.
func readReport(path string) ([]gort.Result, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the tests' report: %w", err)
	}
	defer f.Close()
	var results []gort.Result
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r gort.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			// A binary killed while it wrote its last line.
			continue
		}
		results = append(results, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the tests' report: %w", err)
	}
	return sortResults(results), nil
}

// sortResults sorts results by package, keeping the order of each
// package's: test binaries run in parallel and their lines interleave, but
// each binary runs its tests one after the other, in source order.
func sortResults(results []gort.Result) []gort.Result {
	sort.SliceStable(results, func(i, j int) bool {
		return idOf(results[i].Package, "").pkg < idOf(results[j].Package, "").pkg
	})
	return results
}

// buildLine matches a compiler message, "file.go:12:3: ..." (the file
// as the go command shows it, relative or absolute).
var buildLine = regexp.MustCompile(`^\S+\.go:\d+(:\d+)?: `)

// buildErrors returns a *BuildError if go test's output says a package
// did not build ("[build failed]", "[setup failed]"), with the compiler's
// messages: the blocks that begin "# package" (the indented lines of
// failing tests' logs are not among them).
func buildErrors(out string) error {
	if !strings.Contains(out, "[build failed]") && !strings.Contains(out, "[setup failed]") {
		return nil
	}
	var lines []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "# "):
			in = true
		case in && (buildLine.MatchString(l) || strings.HasPrefix(l, "\t")):
		default:
			in = false
			continue
		}
		lines = append(lines, strings.TrimRight(l, " \r"))
	}
	if len(lines) == 0 {
		lines = []string{strings.TrimSpace(out)}
	}
	return &BuildError{Errors: lines, Output: out}
}

// goFailed reports whether go test's output says that the go command
// itself failed: a line "go: ...".
func goFailed(out string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "go: ") {
			return true
		}
	}
	return false
}

// missing adds an "error" result for each expected test that reported
// nothing: its binary crashed, timed out or was killed. The message is
// the end of go test's output, where go test says why.
func missing(results []gort.Result, want []testID, runErr error, out string) []gort.Result {
	got := map[testID]bool{}
	for _, r := range results {
		got[idOf(r.Package, r.Test)] = true
	}
	why := "no result: the test binary ended before the test reported"
	if runErr != nil {
		why += " (" + runErr.Error() + ")"
	}
	if tail := lastLines(out, 5); tail != "" {
		why += ": " + tail
	}
	failed := buildFailed(out)
	for _, id := range want {
		if got[id] {
			continue
		}
		r := gort.Result{Package: id.pkg, Test: id.test, Verdict: "error", Message: why}
		if e, ok := failed[id.pkg]; ok {
			r.Message = "not run: its translation does not compile: " + e
		}
		results = append(results, r)
	}
	return sortResults(results)
}

// failLine is go test's line for a test package that did not build.
var failLine = regexp.MustCompile(`^FAIL\t(\S+) \[(build|setup) failed\]`)

// buildFailed maps each test package that did not build to the first
// compiler message of its build (the block "# package ..." before it).
func buildFailed(out string) map[string]string {
	failed := map[string]string{}
	first := ""
	for _, l := range strings.Split(out, "\n") {
		if first == "" && buildLine.MatchString(l) {
			first = l
		}
		if m := failLine.FindStringSubmatch(l); m != nil {
			failed[m[1]] = cmp.Or(first, "see go test's output")
			first = ""
		}
	}
	return failed
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// jsonReport is the -json output: one object.
type jsonReport struct {
	Results     []gort.Result `json:"results"`
	Interrupted bool          `json:"interrupted,omitempty"`
}

// print prints the results: one JSON object, or a table of the tests and
// each finding's message and how to replay it; a replay prints its
// timeline.
func (o *Options) print(results []gort.Result, interrupted bool) {
	if o.JSON {
		if results == nil {
			results = []gort.Result{}
		}
		if err := jsonout.Write(o.Stdout, jsonReport{Results: results, Interrupted: interrupted}); err != nil {
			fmt.Fprintf(o.Stderr, "simrun test: %v\n", err)
		}
		return
	}
	printTable(o.Stdout, results, o.Config.Trace)
	if interrupted {
		fmt.Fprintln(o.Stdout, "interrupted: the tests above ended before the signal; the others did not run to the end")
	}
}

// printTable prints results as a table, or, for the replay of the trace
// replay, the timeline.
func printTable(w io.Writer, results []gort.Result, replay string) {
	if replay != "" {
		for _, r := range results {
			fmt.Fprintf(w, "%s.%s: replay of %s\n\n", r.Package, r.Test, relPath(replay))
			if r.Timeline != "" {
				fmt.Fprintf(w, "%s\n\n", strings.TrimRight(r.Timeline, "\n"))
			}
			switch {
			case r.Verdict == "error":
				fmt.Fprintf(w, "error: %s\n", r.Message)
			case r.Kind == "":
				fmt.Fprintln(w, "no finding")
			case !strings.Contains(r.Timeline, r.Message):
				fmt.Fprintf(w, "%s: %s\n", r.Kind, r.Message) // the timeline's last line says it otherwise
			}
		}
		return
	}
	rows := [][]string{{"TEST", "VERDICT", "KIND", "RUNS", "TRACE"}}
	for _, r := range results {
		runs := fmt.Sprint(r.Runs)
		switch {
		case r.Exhaustive:
			runs += " (all)"
		case r.Runs == 0:
			runs = "-" // did not run
		}
		rows = append(rows, []string{r.Package + "." + r.Test, r.Verdict, dash(r.Kind), runs, dash(relPath(r.Trace))})
	}
	printColumns(w, rows)
	for _, r := range results {
		if r.Verdict == "clean" || r.Message == "" {
			continue
		}
		fmt.Fprintf(w, "\n%s.%s: %s", r.Package, r.Test, r.Message)
		if r.Run > 0 {
			fmt.Fprintf(w, " (run %d of %s, %d steps)", r.Run, r.Strategy, r.Steps)
		}
		fmt.Fprintln(w)
		if r.Trace != "" {
			fmt.Fprintf(w, "  replay: %s\n", gort.ReplayCommand(relPath(r.Trace)))
		}
	}
}

// printColumns prints rows as left-aligned columns two spaces apart.
func printColumns(w io.Writer, rows [][]string) {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			fmt.Fprintf(&b, "%-*s  ", width[i], c)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// relPath shows path relative to the current directory when it is under
// it, for commands to copy.
func relPath(path string) string {
	if path == "" {
		return ""
	}
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// Problems lists the constructs of an *rewrite.Unsupported, one a line,
// "file:line: what", for the command's error message.
func Problems(u *rewrite.Unsupported) string {
	var b strings.Builder
	for _, p := range u.Problems {
		fmt.Fprintf(&b, "%s:%d: %s\n", relPath(p.Pos.Filename), p.Pos.Line, p.What)
	}
	return b.String()
}
