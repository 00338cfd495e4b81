package gotest_test

import (
	"context"
	"fmt"
	"os"

	"github.com/simrun/simrun/gort"
	"github.com/simrun/simrun/gotest"
)

// Run the tests of every package of the module in the current directory
// under the simulator, 100 executions of each strategy per test, and exit
// as simrun test does.
func ExampleRun() {
	results, err := gotest.Run(context.Background(), gotest.Options{
		Patterns: []string{"./..."},
		Config:   gort.Config{Runs: 100, TracesDir: "simrun-traces"},
		Stdout:   os.Stdout,
		Stderr:   os.Stderr,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	for _, r := range results {
		if r.Verdict == "finding" {
			fmt.Printf("%s.%s: %s; replay: simrun test -trace %s\n", r.Package, r.Test, r.Kind, r.Trace)
		}
	}
	os.Exit(gotest.ExitCode(results, err))
}
