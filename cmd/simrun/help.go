package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/simrun/simrun/sim"
)

// commandDoc is what a command's -h says around its flags.
type commandDoc struct {
	synopsis string // after "simrun NAME"
	about    string
	examples []string
}

// docs of the commands, by name. A command without an entry still gets
// its flags and the exit-code table.
var docs = map[string]commandDoc{
	"list": {synopsis: "", about: "Lists every protocol and variant with its expected verdict, and each protocol's parameters.",
		examples: []string{"simrun list"}},
	"run": {synopsis: "[-protocol P -variant V] [-strategy S] [-runs N] [flags]",
		about: "Hunts bugs in protocol variants with random or PCT schedules (or DFS/DPOR), saves a trace of\n" +
			"the first finding of each kind under -out, and prints how to replay it. Without -protocol it runs\n" +
			"every variant on its default budget and compares each verdict with the expected one.",
		examples: []string{
			"simrun run                                           # every variant against its expected verdict",
			"simrun run -protocol lockfree -variant no-reverse    # one variant, PCT",
			"simrun run -protocol mutexqueue -variant next-after-wakeup -strategy random -runs 5000 -json",
		}},
	"explore": {synopsis: "-protocol P -variant V [-threads N] [-txns T] [-bound B | -dpor] [-max-executions K] [flags]",
		about: "Explores every schedule of one small configuration (DFS with preemption bounding, or DPOR) and\n" +
			"verifies it, or finds its bugs. A search that stops at -max-executions is inconclusive (exit 3).",
		examples: []string{
			"simrun explore -protocol lockfree -variant clear-before-enqueue -threads 2 -bound 2",
			"simrun explore -protocol lockfree -variant no-reverse -dpor -json",
		}},
	"replay": {synopsis: "[-v] [-from S -to S | -last N] [-steps-only] [-html PAGE.html] TRACE.json",
		about: "Re-executes a trace that run or explore saved, checks that the execution follows it exactly,\n" +
			"and prints its timeline (and an HTML page with -html). A trace that does not replay faithfully\n" +
			"is an input error (exit 2).",
		examples: []string{
			"simrun replay simrun-traces/lockfree-no-reverse-lost-wakeup-pct-seed5-1a2b3c4d.json",
			"simrun replay -last 20 -html page.html TRACE.json",
		}},
	"test": {synopsis: "[-run RE] [-strategy S] [-runs N] [-seed S] [-bound B | -dpor] [-json] [-out DIR] [-v] [packages] | -trace TRACE.json",
		about: "Runs the Go tests of the packages (default \".\") under the simulator, as go test would run them: it\n" +
			"translates the module's packages (goroutines, channels, select, sync, sync/atomic, time, context,\n" +
			"math/rand) into a build overlay, never writing the user's files, and explores each TestXxx with\n" +
			"sim.Check's strategies. A failed test, a panic, a deadlock, a leaked goroutine or a data race is a\n" +
			"finding with a minimized trace, which -trace (or simrun replay) replays. Code the translation cannot\n" +
			"handle is listed with its file:line (exit 2). Works offline in a module that does not require simrun.\n" +
			"There is no -workers: a test binary runs one execution at a time (the translated packages' variables\n" +
			"are the process's), and go test runs the packages' binaries in parallel.\n" +
			"See docs/gotest.md.",
		examples: []string{
			"simrun test ./...",
			"simrun test -run TestPool -strategy dpor -bound 2 ./pool",
			"simrun test -trace simrun-traces/example.com/pool/TestPool/leak-posc-seed6238072747940578789.json",
		}},
	"bench": {synopsis: "[-quick] [-json] [-plot FILE] [-cost name=value] [BENCH...]",
		about:    "Prices the protocols in virtual time under the cost model and measures the simulator.",
		examples: []string{"simrun bench -quick", "simrun bench groupcommit -plot gc.svg -cost fsync=2ms"}},
	"merge": {synopsis: "REPORT|DIR...",
		about: "Merges the reports that run -shard I/N or explore -shard I/N wrote (one per shard; a directory\n" +
			"stands for the simrun-shard-*.json reports in it) into the output and exit status of one machine.\n" +
			"Reports of another configuration, version or shard count are refused (exit 2); a missing shard\n" +
			"makes the result inconclusive (exit 3), never verified. See docs/sharding.md.",
		examples: []string{
			"simrun explore -protocol mutexqueue -variant final-review -json -shard 0/2 -shard-dir reports",
			"simrun merge reports",
		}},
	"version": {about: "Prints the version that traces record, then how the binary was built.", examples: []string{"simrun version"}},
	"help":    {synopsis: "[COMMAND]", about: "Prints the commands, or one command's help (as COMMAND -h).", examples: []string{"simrun help replay"}},
}

// exitTable is the one table of exit statuses, for every command.
const exitTable = `Exit status (every command):
  0    clean: nothing found; explore: verified; run of every variant: every verdict as expected
  1    a finding (replay: the trace's finding reproduced); run of every variant: a verdict not as expected
  2    usage or input error: a bad flag, file or trace (one line on stderr); test: code the
       translation cannot handle, or translated code that does not compile (listed on stderr)
  3    inconclusive: explore stopped at its budget before it could verify; test: a test binary
       ended (crashed, timed out) before its test reported
  130  interrupted by SIGINT (143: SIGTERM): partial summary printed, traces of findings saved;
       a second signal exits at once
`

// usageFunc is the -h of command name: synopsis, what it does, its flags,
// examples and the exit-code table.
func usageFunc(fs *flag.FlagSet, name string, extra func(io.Writer)) func() {
	return func() {
		w := fs.Output()
		d := docs[name]
		fmt.Fprintf(w, "Usage: simrun %s %s\n\n", name, d.synopsis)
		if d.about != "" {
			fmt.Fprintf(w, "%s\n\n", d.about)
		}
		if extra != nil {
			extra(w)
		}
		if hasFlags(fs) {
			fmt.Fprintf(w, "Flags:\n")
			fs.PrintDefaults()
			fmt.Fprintln(w)
		}
		if len(d.examples) > 0 {
			fmt.Fprintf(w, "Examples:\n")
			for _, e := range d.examples {
				fmt.Fprintf(w, "  %s\n", e)
			}
			fmt.Fprintln(w)
		}
		fmt.Fprint(w, exitTable)
	}
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// runHelp is `simrun help [COMMAND]`.
func runHelp(args []string, stdout, stderr io.Writer) (int, error) {
	switch len(args) {
	case 0:
		topUsage(stdout)
		return exitClean, nil
	case 1:
		if args[0] == "help" || args[0] == "version" {
			fs := newFlags(args[0], stdout)
			fs.Usage()
			return exitClean, nil
		}
		for _, c := range commands {
			if c.name == args[0] {
				return c.run([]string{"-h"}, stdout, stdout)
			}
		}
		return exitUsage, usagef("unknown command %q (commands: %s)", args[0], commandNames())
	}
	return exitUsage, usagef("want at most one command, got %d arguments", len(args))
}

func commandNames() string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// runVersion is `simrun version`: the string traces record (sim.Tool),
// then the build: Go version, module version and VCS revision.
func runVersion(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("version", stderr)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(rest) > 0 {
		return exitUsage, usagef("version takes no arguments")
	}
	fmt.Fprintln(stdout, sim.Tool())
	fmt.Fprintf(stdout, "  go:     %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(stdout, "  module: %s %s\n", bi.Main.Path, bi.Main.Version)
		vcs := map[string]string{}
		for _, s := range bi.Settings {
			vcs[s.Key] = s.Value
		}
		if rev := vcs["vcs.revision"]; rev != "" {
			mod := ""
			if vcs["vcs.modified"] == "true" {
				mod = " (modified)"
			}
			fmt.Fprintf(stdout, "  commit: %s %s%s\n", rev, vcs["vcs.time"], mod)
		}
	}
	return exitClean, nil
}
