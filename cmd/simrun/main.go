// Command simrun runs the protocols of the MWL#116 group-commit review and
// the oxenstored transaction-replay patch under simrun's deterministic
// scheduler, reports what it finds, and replays the traces of its findings.
//
// Usage:
//
//	simrun list
//	simrun run [-protocol P -variant V] [-strategy random|pct[:depth=D,steps=K]|dfs[:bound=B]|dpor[:bound=B]] [flags]
//	simrun explore -protocol P -variant V [-threads N] [-txns T] [-bound B] [-dpor] [-workers W] [-max-executions K] [-json]
//	simrun replay [-v] [-from S -to S -last N -steps-only] [-html FILE] TRACE
//	simrun test [-run RE] [-strategy S] [-runs N] [-seed S] [-bound B] [-dpor] [-json] [-trace FILE] [-out DIR] [-v] [packages]
//	simrun bench groupcommit|wakeup|replay|sim [-quick] [-json] [-plot FILE] [-cost name=value]
//	simrun help [COMMAND]
//	simrun version
//
// Exit status: 0 when nothing was found (or, for a run of every variant,
// when every verdict was as expected; for explore, verified), 1 when
// something was found, 2 on a usage or input error, 3 when explore stopped
// at its budget, 130 (143) when SIGINT (SIGTERM) interrupted the command:
// see exitTable, which `simrun help` prints.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/simrun/simrun/gotest"
)

// Exit statuses.
const (
	exitClean   = gotest.ExitClean
	exitFinding = gotest.ExitFinding
	exitUsage   = gotest.ExitUsage
	// exitInconclusive: the command could neither find nor verify: a
	// search stopped at its budget. (An interrupted one exits 130 or 143,
	// as a shell reports a process killed by the signal.)
	exitInconclusive = gotest.ExitInconclusive
)

// usageError is an error in what the user asked for: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) (int, error)
}

var commands []command

func init() {
	commands = []command{
		{"list", "list protocols, variants and their expected verdicts", runList},
		{"run", "explore protocol variants and report findings", runRun},
		{"explore", "exhaustively explore one variant (DFS with preemption bounding, or DPOR) and verify it", runExplore},
		{"replay", "re-execute a trace and print its timeline", runReplay},
		{"test", "run a module's Go tests under the simulator: their goroutines, channels, sync, time (see docs/gotest.md)", runTest},
		{"bench", "price the protocols in virtual time and measure the simulator", runBench},
		{"help", "print the commands, or one command's synopsis, flags, examples and exit codes", runHelp},
		{"version", "print the version traces record, and the build", runVersion},
		{"merge", "merge the reports of sharded runs into one machine's output (see docs/sharding.md)", runMerge},
	}
}

func main() {
	os.Exit(mainArgs(os.Args[1:], os.Stdout, os.Stderr))
}

func mainArgs(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		topUsage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitClean
	}
	for _, c := range commands {
		if c.name == args[0] {
			code, err := c.run(args[1:], stdout, stderr)
			if err != nil {
				if errors.Is(err, flag.ErrHelp) {
					return exitClean
				}
				fmt.Fprintf(stderr, "simrun %s: %v\n", c.name, oneLine(err))
				if code == exitClean {
					code = exitUsage
				}
			}
			return code
		}
	}
	fmt.Fprintf(stderr, "simrun: unknown command %q (try: simrun help)\n", args[0])
	return exitUsage
}

func topUsage(w io.Writer) {
	fmt.Fprintf(w, "simrun: a deterministic concurrency simulator and model checker\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  simrun %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'simrun help COMMAND' (or 'simrun COMMAND -h') for a command's synopsis, flags and examples.\n\n%s", exitTable)
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("simrun "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = usageFunc(fs, name, nil)
	return fs
}

// parseFlags parses args with fs and returns the arguments that are not
// flags. Flags may come after them too (simrun bench sim -quick), as users
// of other command-line tools expect; "--" ends the flags.
//
// A bad flag is one line (the caller prints it); only -h prints the usage.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	defer func() { fs.SetOutput(out); fs.Usage = usage }()
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(out)
				usage()
				return nil, err
			}
			return nil, usagef("%v (see: simrun help %s)", err, strings.TrimPrefix(fs.Name(), "simrun "))
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if i := len(args) - len(rest) - 1; i >= 0 && args[i] == "--" {
			return append(pos, rest...), nil // "--" ends the flags
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// selfCommand is how the user invoked simrun, for printing commands to
// copy: "go run ./cmd/simrun" when running from go run's build cache.
func selfCommand() string {
	exe := os.Args[0]
	if strings.Contains(exe, "go-build") || strings.Contains(exe, string(filepath.Separator)+"exe"+string(filepath.Separator)) {
		return "go run ./cmd/simrun"
	}
	if filepath.Base(exe) == "simrun" {
		return "simrun"
	}
	return exe
}
