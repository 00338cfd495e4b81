package gort

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

// EnvConfig is the environment variable that holds a run's Config (JSON),
// set by `simrun test` for the test binaries it runs.
const EnvConfig = "SIMRUN_GOTEST"

// Protocol is the Meta.Protocol of the traces RunTest saves; their
// Variant is "<package import path>.<TestName>".
const Protocol = "gotest"

// Config is how `simrun test` configures the test binaries it runs
// (the JSON of env SIMRUN_GOTEST). The zero Config is sim.Check's
// defaults.
type Config struct {
	Strategies string        `json:"strategies,omitempty"` // comma-separated specs as -strategy takes; "" = sim.DefaultPortfolio
	Runs       int           `json:"runs,omitempty"`       // per strategy; 0 = sim.Check's default
	Seed       uint64        `json:"seed,omitempty"`
	MaxSteps   int           `json:"max_steps,omitempty"`
	NoRaces    bool          `json:"no_races,omitempty"`
	Watchdog   time.Duration `json:"watchdog,omitempty"`
	// TimerHorizon is sim.Options.TimerHorizon: a timer due later than
	// this fires only when no goroutine can make progress, so a test's
	// time.After(time.Second) guard does not fire before the work it
	// guards, while a timeout of a few milliseconds still races with
	// runnable goroutines. Zero: DefaultTimerHorizon; negative: none
	// (adversarial timing, any due timer at any step).
	TimerHorizon time.Duration `json:"timer_horizon,omitempty"`
	Trace        string        `json:"trace,omitempty"` // replay this trace (its test only) instead of exploring
	TracesDir    string        `json:"traces_dir"`      // where findings' traces are saved (absolute)
	Report       string        `json:"report"`          // JSON-lines file to append results to (absolute)
}

// Result is one test's outcome, a line of the report file.
type Result struct {
	Package    string `json:"package"`
	Test       string `json:"test"`
	Verdict    string `json:"verdict"`        // "clean", "finding", "replayed", "skipped", "error"
	Kind       string `json:"kind,omitempty"` // the finding's kind
	Message    string `json:"message,omitempty"`
	Runs       int    `json:"runs"`          // executions run
	Run        int    `json:"run,omitempty"` // 1-based execution of the finding
	Strategy   string `json:"strategy,omitempty"`
	Seed       uint64 `json:"seed,omitempty"`
	Steps      int    `json:"steps,omitempty"`
	Exhaustive bool   `json:"exhaustive,omitempty"`
	Trace      string `json:"trace,omitempty"`    // saved trace, absolute
	Timeline   string `json:"timeline,omitempty"` // for a replay
}

// HasFinding reports whether r is a finding: one found by exploring, or
// reproduced by a replay.
func (r *Result) HasFinding() bool {
	return r.Verdict == "finding" || r.Verdict == "replayed" && r.Kind != ""
}

// TracesDir is the directory the traces of findings go to for
// Config.TracesDir dir: dir, or traces.DefaultDir if empty, made absolute
// (simrun test's test binaries run in their packages' directories).
func TracesDir(dir string) (string, error) {
	d, err := filepath.Abs(cmp.Or(dir, traces.DefaultDir))
	if err != nil {
		return "", fmt.Errorf("traces directory: %w", err)
	}
	return d, nil
}

var (
	configOnce sync.Once
	config     Config
	configErr  error
)

// LoadConfig reads the Config from env SIMRUN_GOTEST; without it, the
// defaults, with traces saved under ./simrun-traces and no report.
func LoadConfig() (Config, error) {
	configOnce.Do(func() {
		if s := os.Getenv(EnvConfig); s != "" {
			if err := json.Unmarshal([]byte(s), &config); err != nil {
				configErr = fmt.Errorf("gort: env %s: %w", EnvConfig, err)
			}
		}
		if d, err := TracesDir(config.TracesDir); err == nil {
			config.TracesDir = d
		} else if configErr == nil {
			configErr = fmt.Errorf("gort: %w", err)
		}
	})
	return config, configErr
}

// packageOf returns the import path of the package of the test body f: the
// function's name up to its first dot after the last slash, without the
// _test suffix of an external test package (its tests run with the
// package's). The functions of a command are named main.f: its path is
// then the last package registered (RegisterPackage), which package
// initialisation order makes the package under test.
func packageOf(f any) string {
	fn := runtime.FuncForPC(reflect.ValueOf(f).Pointer())
	if fn == nil {
		return "?"
	}
	return packageOfName(fn.Name())
}

// packageOfName is packageOf for the function's name.
func packageOfName(name string) string {
	slash := strings.LastIndex(name, "/")
	if dot := strings.Index(name[slash+1:], "."); dot >= 0 {
		name = name[:slash+1+dot]
	}
	if name == "main" || name == "main_test" {
		for i := len(packages) - 1; i >= 0; i-- {
			if p, _, _ := strings.Cut(packages[i].path, " "); p != "" {
				return p
			}
		}
	}
	return strings.TrimSuffix(name, "_test")
}

// RunTest runs the translated test body as a sim scenario: the generated
// TestXxx of a translated package calls it. Every execution resets the
// registered packages' state, runs body with a fresh *T in the main
// goroutine, then its Cleanup functions. The exploration is sim.Check's
// (sim.DefaultPortfolio, 500 executions per strategy, the race detector,
// sim.DefaultWatchdog, the first finding minimized) as the Config of env
// SIMRUN_GOTEST overrides it; the first finding's trace is saved under
// Config.TracesDir, a Result line is appended to Config.Report, and t
// fails with the finding, the trace and the command that replays it. With
// Config.Trace set, the test that trace belongs to replays it (verdict
// "replayed", with the timeline) and every other test skips itself.
//
// The package's import path (the trace's Variant is "<path>.<name>") is
// that of body's function, found with runtime.FuncForPC.
func RunTest(t *testing.T, name string, body func(*T)) {
	t.Helper()
	cfg, err := LoadConfig()
	if err != nil {
		t.Fatal(err)
		return
	}
	res, msg := runTest(t, cfg, packageOf(body), name, body)
	if cfg.Trace == "" || res.Verdict != "skipped" { // a replay reports its own test only
		report(t, cfg, res)
	}
	switch {
	case res.Verdict == "error":
		t.Fatal(msg)
	case res.Verdict == "skipped":
		t.Skip(msg)
	case res.HasFinding():
		t.Error(msg)
	default:
		t.Log(msg)
	}
}

// runTest explores (or replays) the test name of package pkg under cfg
// and returns its result and the message for the test's log.
func runTest(t *testing.T, cfg Config, pkg, name string, body func(*T)) (res Result, msg string) {
	res = Result{Package: pkg, Test: name}
	r := &testRun{helpers: map[string]bool{}}
	var stop chan struct{}
	r.skip = func() {
		if stop != nil {
			close(stop)
			stop = nil
		}
	}
	scenario := func(x *sim.Execution) {
		begin(x)
		resetRand(x)
		r.logs = r.logs[:0]
		resetPackages()
		root := &T{name: name, real: t, run: r}
		root.runBody(body)
	}
	defer end()
	if cfg.Trace != "" {
		return replayTest(t, cfg, scenario, r, res)
	}
	h, err := hunt(cfg, pkg+"."+name)
	if err != nil {
		return failed(res, err)
	}
	stop = make(chan struct{})
	h.Options.Stop = stop
	v, err := h.Run(scenario, sim.Variant{Name: name, Expected: sim.Clean})
	end()
	if err != nil {
		return failed(res, err)
	}
	res.Runs = v.Runs
	if r.skipReason != "" {
		res.Verdict, res.Message = "skipped", r.skipReason
		return res, r.skipReason
	}
	if len(v.Findings) == 0 {
		res.Verdict = "clean"
		res.Exhaustive = exhaustive(v)
		return res, fmt.Sprintf("simrun: clean after %d executions", v.Runs)
	}
	hf := v.Findings[0]
	f := hf.Finding
	res.Verdict, res.Kind, res.Message = "finding", string(f.Kind), f.Message
	res.Run, res.Strategy, res.Seed, res.Steps = hf.Run+1, hf.Strategy.String(), f.Seed, f.Steps
	text, file := sim.CheckFinding(v)
	msg = "simrun: " + text
	if f.Trace != nil {
		path := filepath.Join(cfg.TracesDir, filepath.FromSlash(pkg), name, file)
		if err := traces.Save(path, f.Trace); err != nil { // it makes the directories
			msg += fmt.Sprintf("\n(could not save the trace: %v)", err)
		} else {
			res.Trace = path
			msg += fmt.Sprintf("\ntrace: %s\nreplay: %s", path, ReplayCommand(path))
		}
	}
	return res, msg
}

// failed is res with the verdict "error" for err, and the test's log line.
func failed(res Result, err error) (Result, string) {
	res.Verdict, res.Message = "error", err.Error()
	return res, "simrun: " + err.Error()
}

// ReplayCommand is the command that replays the trace at path.
func ReplayCommand(path string) string { return "simrun test -trace " + path }

// hunt builds the exploration of cfg for the test named variant:
// sim.Check's, with the first finding minimized.
func hunt(cfg Config, variant string) (*sim.Hunt, error) {
	opts := []func(*sim.Options){sim.Seed(cfg.Seed), sim.Runs(cfg.Runs), sim.MaxSteps(cfg.MaxSteps), func(o *sim.Options) {
		o.TimerHorizon, o.Meta = timerHorizon(cfg.TimerHorizon), sim.Meta{Protocol: Protocol, Variant: variant}
	}}
	if cfg.NoRaces {
		opts = append(opts, sim.NoRaces())
	}
	if cfg.Watchdog != 0 {
		opts = append(opts, sim.Watchdog(cfg.Watchdog))
	}
	if cfg.Strategies != "" {
		// sim.Strategy defers a bad spec's error to the hunt; say it here.
		if _, err := sim.ParseStrategies(cfg.Strategies); err != nil {
			return nil, fmt.Errorf("strategies: %w", err)
		}
		opts = append(opts, sim.Strategy(cfg.Strategies))
	}
	h, err := sim.CheckHunt(opts...)
	if err != nil {
		return nil, err
	}
	h.Minimize, h.MaxMinimizeSteps = true, sim.DefaultMaxMinimizeSteps
	return h, nil
}

func exhaustive(v *sim.Verdict) bool {
	for _, r := range v.Reports {
		if r.Exhausted {
			return true
		}
	}
	return false
}

// replayTest replays cfg.Trace if it belongs to this test; otherwise the
// test is skipped.
func replayTest(t *testing.T, cfg Config, s sim.Scenario, r *testRun, res Result) (Result, string) {
	tr, err := traces.Load(cfg.Trace)
	if err != nil {
		return failed(res, err)
	}
	if tr.Protocol != Protocol || tr.Variant != res.Package+"."+res.Test {
		res.Verdict = "skipped"
		return res, fmt.Sprintf("simrun: replaying %s, a trace of %s", cfg.Trace, tr.Variant)
	}
	f, got, timeline, err := sim.ReplayTimeline(s, tr)
	end()
	res.Timeline = timeline
	if err != nil {
		res, _ = failed(res, err)
		return res, fmt.Sprintf("simrun: replay of %s: %v", cfg.Trace, err)
	}
	res.Verdict, res.Runs, res.Trace = "replayed", 1, cfg.Trace
	if n := len(got.Events); n > 0 {
		res.Steps = got.Events[n-1].Step
	}
	logs := ""
	for _, l := range r.logs {
		logs += l + "\n"
	}
	if f == nil {
		return res, fmt.Sprintf("simrun: replay of %s: no finding\n%s%s", cfg.Trace, logs, res.Timeline)
	}
	res.Kind, res.Message = string(f.Kind), f.Message
	return res, fmt.Sprintf("simrun: replay of %s:\n%s%s\n%s", cfg.Trace, logs, res.Timeline, f)
}

// report appends res to the report file, if there is one.
func report(t *testing.T, cfg Config, res Result) {
	if cfg.Report == "" {
		return
	}
	line, err := json.Marshal(res)
	if err == nil {
		var f *os.File
		if f, err = os.OpenFile(cfg.Report, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			_, err = f.Write(append(line, '\n'))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	}
	if err != nil {
		t.Errorf("simrun: writing the report: %v", err)
	}
}

// DefaultTimerHorizon is the TimerHorizon of simrun test (see
// sim.Options.TimerHorizon): a runnable goroutine is taken to get the CPU
// within 100 ms, ten times the Go scheduler's preemption quantum.
const DefaultTimerHorizon = 100 * time.Millisecond

// timerHorizon is cfg's horizon in sim's terms.
func timerHorizon(h time.Duration) sim.Duration {
	switch {
	case h == 0:
		return sim.Duration(DefaultTimerHorizon)
	case h < 0:
		return 0
	}
	return sim.Duration(h)
}
