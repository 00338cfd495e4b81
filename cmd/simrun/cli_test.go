package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/simrun/simrun/traces"
)

// TestMain lets a test run this binary as simrun itself (see simrun), for
// what needs a process of its own: signals, exit statuses, peak memory.
func TestMain(m *testing.M) {
	if os.Getenv("SIMRUN_TEST_MAIN") == "1" {
		code := mainArgs(os.Args[1:], os.Stdout, os.Stderr)
		if f := os.Getenv("SIMRUN_TEST_HWM"); f != "" {
			// The peak memory of this process alone: a child's rusage
			// counts the parent's memory at the fork (Linux).
			status, _ := os.ReadFile("/proc/self/status")
			os.WriteFile(f, status, 0o644)
		}
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// simrun starts simrun args as a process of its own.
func simrun(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	return simrunEnv(t, nil, args...)
}

// simrunEnv is simrun with env added to the environment.
func simrunEnv(t *testing.T, env []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SIMRUN_TEST_MAIN=1", "SIMRUN_TEST_HWM="+filepath.Join(t.TempDir(), "status"))
	cmd.Env = append(cmd.Env, env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &o, &e
}

// peakKiB returns the peak resident memory of the finished process cmd,
// as it reported it (VmHWM), or 0 where /proc is not available.
func peakKiB(t *testing.T, cmd *exec.Cmd) int64 {
	var file string
	for _, e := range cmd.Env {
		if v, ok := strings.CutPrefix(e, "SIMRUN_TEST_HWM="); ok {
			file = v
		}
	}
	status, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// exitOf waits for cmd and returns its exit status.
func exitOf(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := cmd.Wait()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode()
}

// Every bad flag, file and trace exits 2 with one line on stderr, in less
// than 5 s and 200 MB, without a panic: the goal of issue 14, as a table.
// Each case runs as a process of its own, so that its peak memory is its
// own.
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.json")
	if err := os.WriteFile(huge, bytes.Repeat([]byte(" "), 65<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	atCap := bigTrace(t, dir, traces.MaxSize)
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	lf := []string{"-protocol", "lockfree", "-variant", "no-reverse"}
	cases := []struct {
		name string
		args []string
		msg  string // in stderr
	}{
		{"txns huge", []string{"run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-txns", "1000000000"}, "-txns must be in"},
		{"depth huge", append([]string{"run", "-depth", "1000000000"}, lf...), "-depth must be in"},
		{"bound -2", append([]string{"explore", "-bound", "-2"}, lf...), "-bound must be in -1..100"},
		{"explore threads 0", append([]string{"explore", "-threads", "0"}, lf...), "-threads must be in 1..8"},
		{"pct-steps -1", append([]string{"run", "-pct-steps", "-1"}, lf...), "-pct-steps must be in"},
		{"watchdog -1s", append([]string{"run", "-watchdog", "-1s"}, lf...), "-watchdog must not be negative"},
		{"replay from after to", []string{"replay", "-from", "50", "-to", "10", "testdata/faithful.json"}, "-from 50 is after -to 10"},
		{"depth without pct", append([]string{"run", "-strategy", "random", "-depth", "3"}, lf...), "-depth is for PCT"},
		{"max-spurious without spurious", append([]string{"explore", "-spurious=false", "-max-spurious", "2"}, lf...), "-max-spurious needs"},
		{"runs negative", append([]string{"run", "-runs", "-1"}, lf...), "-runs must be in"},
		{"out is a file", append([]string{"run", "-out", "testdata/faithful.json"}, lf...), "not a directory"},
		{"explore out is a file", append([]string{"explore", "-out", "testdata/faithful.json"}, lf...), "not a directory"},
		{"workers 0", append([]string{"run", "-workers", "0"}, lf...), "-workers must be in"},
		{"bench runs negative", []string{"bench", "-runs", "-5", "sim"}, "-runs must be in"},
		{"bench plot bad path", []string{"bench", "-plot", "/dev/null/x.svg", "sim"}, "no directory"},
		{"bench unknown", []string{"bench", "nope"}, "nope"},
		{"flag not defined", []string{"run", "-bogus"}, "not defined"},
		{"flag bad value", []string{"run", "-runs", "many"}, "invalid value"},
		{"help unknown command", []string{"help", "nope"}, "unknown command"},
		{"version argument", []string{"version", "x"}, "no arguments"},
		{"html took the trace", []string{"replay", "-html", "testdata/faithful.json"}, "-html took"},
		{"replay nothing", []string{"replay"}, "no trace file"},
		{"replay dev zero", []string{"replay", "/dev/zero"}, "not a regular file"},
		{"replay named pipe", []string{"replay", fifo}, "not a regular file"},
		{"replay directory", []string{"replay", dir}, "not a regular file"},
		{"replay too large", []string{"replay", huge}, "raise -max-size"},
		{"replay a trace at the cap", []string{"replay", atCap}, "diverged"},
		{"replay max-size 0", []string{"replay", "-max-size", "0", "testdata/faithful.json"}, "-max-size must be positive"},
	}
	traces, err := filepath.Glob("testdata/hostile/*.json")
	if err != nil || len(traces) < 15 {
		t.Fatalf("hostile traces: %v, %d", err, len(traces))
	}
	for _, tr := range traces {
		cases = append(cases, struct {
			name string
			args []string
			msg  string
		}{"trace " + filepath.Base(tr), []string{"replay", tr}, filepath.Base(tr)})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			cmd, stdout, stderr := simrun(t, c.args...)
			code := exitOf(t, cmd)
			took := time.Since(start)
			rss := peakKiB(t, cmd)
			e := stderr.String()
			if code != exitUsage {
				t.Fatalf("exit %d, want 2; stdout:\n%s\nstderr:\n%s", code, stdout, e)
			}
			if strings.Count(e, "\n") != 1 || !strings.HasSuffix(e, "\n") {
				t.Errorf("stderr is not one line:\n%s", e)
			}
			if !strings.Contains(e, c.msg) {
				t.Errorf("stderr does not say %q:\n%s", c.msg, e)
			}
			if strings.Contains(e, "panic") || strings.Contains(e, "goroutine ") {
				t.Errorf("a panic:\n%s", e)
			}
			if took > 5*time.Second {
				t.Errorf("took %v, want < 5s", took)
			}
			t.Logf("%v, peak %d MiB", took.Round(time.Millisecond), rss>>10)
			if rss == 0 && runtime.GOOS == "linux" {
				t.Errorf("no peak memory measured")
			}
			if rss > 200<<10 {
				t.Errorf("peak memory %d MiB, want < 200", rss>>10)
			}
		})
	}
}

// bigTrace writes a trace of nearly size bytes: the faithful one with its
// events repeated, steps shifted, so that it decodes and then diverges.
func bigTrace(t *testing.T, dir string, size int) string {
	t.Helper()
	tr, err := traces.Load("testdata/faithful.json")
	if err != nil {
		t.Fatal(err)
	}
	one, err := tr.Encode()
	if err != nil {
		t.Fatal(err)
	}
	events := tr.Events
	copies := size / len(one) * 9 / 10
	for k := 1; k < copies; k++ {
		for _, e := range events {
			e.Step += k * 100
			tr.Events = append(tr.Events, e)
		}
	}
	data, err := tr.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > size || len(data) < size/2 {
		t.Fatalf("big trace of %d bytes, want about %d", len(data), size)
	}
	path := filepath.Join(dir, "big.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The faithful trace the hostile ones are made from replays, exit 1.
func TestFaithfulTrace(t *testing.T) {
	code, _, stderr := run(t, "replay", "testdata/faithful.json")
	if code != exitFinding {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
}

// One table of exit codes for every command: each status reached.
func TestExitCodeTable(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"explore verified", []string{"explore", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "2", "-out", dir}, exitClean},
		{"explore finding", []string{"explore", "-protocol", "lockfree", "-variant", "no-reverse", "-threads", "2", "-minimize=false", "-out", dir}, exitFinding},
		{"explore at its budget", []string{"explore", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "3", "-max-executions", "50", "-out", dir}, exitInconclusive},
		{"help", []string{"help"}, exitClean},
		{"help run", []string{"help", "run"}, exitClean},
		{"run -h", []string{"run", "-h"}, exitClean},
		{"version", []string{"version"}, exitClean},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, c.args...)
			if code != c.want {
				t.Fatalf("exit %d, want %d: %s", code, c.want, stderr)
			}
		})
	}
}

// Every command's help has a synopsis, examples and the exit-code table.
func TestHelp(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, _ := run(t, "help", c.name)
			if code != exitClean {
				t.Fatalf("exit %d", code)
			}
			for _, want := range []string{"Usage: simrun " + c.name, "Examples:", "Exit status", "130"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("help %s lacks %q:\n%s", c.name, want, stdout)
				}
			}
		})
	}
	code, _, stderr := run(t, "replay", "-h")
	if code != exitClean || !strings.Contains(stderr, "TRACE.json") {
		t.Errorf("replay -h: exit %d, no TRACE argument:\n%s", code, stderr)
	}
}

// The version is what traces record.
func TestVersion(t *testing.T) {
	_, stdout, _ := run(t, "version")
	data, err := os.ReadFile("testdata/faithful.json")
	if err != nil {
		t.Fatal(err)
	}
	var tr struct{ Tool string }
	if err := json.Unmarshal(data, &tr); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(stdout, "\n"); first != tr.Tool {
		t.Errorf("version %q, traces record %q", first, tr.Tool)
	}
}

// The first SIGINT or SIGTERM stops a long run: the traces found so far
// are saved, the partial summary says "interrupted", and the exit status
// is 130 or 143.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs simrun for seconds")
	}
	for _, c := range []struct {
		name string
		sig  syscall.Signal
		want int
		args []string
	}{
		{"run SIGINT", syscall.SIGINT, exitSIGINT, []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-runs", "100000000", "-workers", "1"}},
		{"run SIGTERM", syscall.SIGTERM, exitSIGTERM, []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-runs", "100000000"}},
		{"explore SIGINT", syscall.SIGINT, exitSIGINT, []string{"explore", "-protocol", "lockfree", "-variant", "no-reverse", "-threads", "4", "-txns", "2", "-bound", "-1"}},
		{"run of every variant", syscall.SIGINT, exitSIGINT, []string{"run"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd, stdout, stderr := simrun(t, append(c.args, "-out", dir)...)
			time.Sleep(1500 * time.Millisecond)
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			code := exitOf(t, cmd)
			if code != c.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.want, stderr)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v to stop", d)
			}
			if !strings.Contains(stdout.String(), "interrupted") {
				t.Errorf("no partial summary marked interrupted:\n%s", stdout)
			}
			saved, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			if len(saved) == 0 {
				t.Errorf("no trace saved; stdout:\n%s", stdout)
			}
			tmp, _ := filepath.Glob(filepath.Join(dir, ".*"))
			if len(tmp) > 0 {
				t.Errorf("temporary files left: %v", tmp)
			}
			for _, p := range saved {
				if code, _, e := run(t, "replay", p); code != exitFinding {
					t.Errorf("saved trace %s: exit %d: %s", p, code, e)
				}
			}
		})
	}
	// bench has nothing to save: the first signal exits, saying so.
	cmd, _, stderr := simrun(t, "bench", "sim")
	time.Sleep(time.Second)
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitOf(t, cmd); code != exitSIGTERM || !strings.Contains(stderr.String(), "interrupted during sim") {
		t.Errorf("bench: exit %d, want 143; stderr:\n%s", code, stderr)
	}
	// A second signal exits at once, whatever the command is doing.
	cmd, _, stderr = simrun(t, "run", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-runs", "100000000", "-out", t.TempDir())
	time.Sleep(time.Second)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Process.Signal(syscall.SIGINT)
	if code := exitOf(t, cmd); code != exitSIGINT {
		t.Fatalf("two signals: exit %d, want 130; stderr:\n%s", code, stderr)
	}
}

// Two runs that differ in their configuration write different trace files.
func TestTraceNames(t *testing.T) {
	dir := t.TempDir()
	for _, threads := range []string{"3", "4"} {
		if code, _, e := run(t, "run", "-protocol", "lockfree", "-variant", "no-reverse", "-threads", threads, "-runs", "200", "-out", dir); code != exitFinding {
			t.Fatalf("exit %d: %s", code, e)
		}
	}
	saved, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(saved) != 2 {
		t.Fatalf("want two trace files, one per configuration, got %v", saved)
	}
}

// stripClock drops from -json output what may differ between runs of the
// same search: wall-clock fields, the minimizer's time and trace paths.
func stripClock(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, " candidate runs), "); i >= 0 {
			l = l[:i] // the minimizer's wall time follows
		}
		if strings.Contains(l, `"wall_seconds"`) || strings.Contains(l, `"runs_per_second"`) || strings.Contains(l, `"executions_per_second"`) ||
			strings.Contains(l, `"trace"`) || strings.Contains(l, `"replay"`) {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// -json bytes do not depend on the worker count (wall-clock fields aside).
func TestJSONAcrossWorkers(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"run replay", []string{"run", "-protocol", "replay", "-variant", "merge-only", "-seed", "5", "-runs", "300", "-json"}},
		{"run lockfree", []string{"run", "-protocol", "lockfree", "-variant", "no-reverse", "-runs", "300", "-json"}},
		{"explore", []string{"explore", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "2", "-json"}},
		{"explore at budget", []string{"explore", "-protocol", "lockfree", "-variant", "clear-before-enqueue", "-threads", "3", "-max-executions", "300", "-json"}},
		// Its pruned count varied from run to run on 2 workers.
		{"explore pruned at budget", []string{"explore", "-protocol", "mutexqueue", "-variant", "shipped", "-threads", "3", "-max-executions", "2000", "-json"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out []string
			for _, w := range []string{"1", "2", "2", "2"} {
				_, stdout, stderr := run(t, append(c.args, "-workers", w, "-out", t.TempDir())...)
				if !strings.HasPrefix(stdout, "{") {
					t.Fatalf("no JSON: %s", stderr)
				}
				out = append(out, stripClock(stdout))
			}
			// And in a process of its own with GOMAXPROCS=1.
			cmd, stdout, stderr := simrunEnv(t, []string{"GOMAXPROCS=1"}, append(c.args, "-workers", "2", "-out", t.TempDir())...)
			exitOf(t, cmd)
			if !strings.HasPrefix(stdout.String(), "{") {
				t.Fatalf("GOMAXPROCS=1: no JSON: %s", stderr)
			}
			out = append(out, stripClock(stdout.String()))
			for _, o := range out[1:] {
				if o != out[0] {
					t.Fatalf("-json differs between 1 and 2 workers or GOMAXPROCS=1:\n%s\n---\n%s", out[0], o)
				}
			}
		})
	}
}

// FuzzFlags feeds arbitrary arguments to every command's flag handling:
// it may reject them, but never panic. Commands stop after checking their
// arguments (checkOnly), so no exploration runs.
func FuzzFlags(f *testing.F) {
	for _, s := range []string{
		"run -protocol lockfree -variant no-reverse -runs 5",
		"run -txns 1000000000",
		"explore -protocol lockfree -variant no-reverse -bound -2",
		"explore -dpor -workers 2 -protocol mutexqueue -variant shipped",
		"replay -from 50 -to 10 testdata/faithful.json",
		"replay -html testdata/faithful.json",
		"bench -plot x.svg -cost fsync=2ms sim",
		"run -strategy pct:depth=99,steps=-1 -cost op=-5ns",
		"help run", "version", "list extra", "run -- -x",
	} {
		f.Add(s)
	}
	checkOnly = true
	defer func() { checkOnly = false }()
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		if len(args) > 0 && args[0] == "replay" {
			if strings.Contains(line, "html") {
				t.Skip("replay -html writes a file") // onto the testdata trace, even
			}
			// Only the testdata trace: replay reads files.
			for i, a := range args[1:] {
				if !strings.HasPrefix(a, "-") && a != "testdata/faithful.json" {
					args[i+1] = "testdata/faithful.json"
				}
			}
		}
		var o, e bytes.Buffer
		code := mainArgs(args, &o, &e)
		if code == exitUsage && strings.Count(strings.TrimSpace(e.String()), "\n") > 0 && !strings.Contains(e.String(), "Usage") {
			t.Errorf("%q: exit 2 with more than one line:\n%s", line, e.String())
		}
	})
}
