package kernels_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/simrun/simrun/kernels"
	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

var table = flag.Bool("kernels.table", false, "print docs/kernels.md's table of executions to the first finding")

// firstFinding returns the 1-based execution at which strategy st first
// finds the buggy kernel's kind (0: not within runs), and whether the
// strategy exhausted the kernel's schedules.
func firstFinding(k kernels.Kernel, st scheduler.Strategy, runs int) (int, bool) {
	rep, err := sim.Explore(k.Buggy, sim.Options{Strategy: st, Runs: runs, Races: true, StopOnKind: k.Want})
	if err != nil {
		return 0, false
	}
	for _, f := range rep.Findings {
		if f.Kind == k.Want {
			return f.Run + 1, rep.Exhausted
		}
	}
	return 0, rep.Exhausted
}

// TestKernelTable prints the table of docs/kernels.md (with
// -kernels.table) and, always, checks that DPOR finds every buggy kernel.
func TestKernelTable(t *testing.T) {
	strategies := []struct {
		name string
		new  func() scheduler.Strategy
	}{
		{"random", func() scheduler.Strategy { return scheduler.NewRandom(1) }},
		{"pct", func() scheduler.Strategy { return scheduler.NewPCT(1, 3, 50) }},
		{"dfs", func() scheduler.Strategy { return scheduler.NewDFS(-1) }},
		{"dpor", func() scheduler.Strategy { return scheduler.NewDPOR() }},
	}
	var b strings.Builder
	b.WriteString("| kernel | class | kind | random | pct | dfs | dpor | fixed clean |\n|---|---|---|---:|---:|---:|---:|---|\n")
	found := map[string]int{}
	for _, k := range kernels.All {
		fmt.Fprintf(&b, "| %s | %s | %s |", k.Name, k.Class, k.Want)
		for _, st := range strategies {
			if !*table && st.name != "dpor" {
				continue // only DPOR's column is asserted; the rest is for the table
			}
			n, _ := firstFinding(k, st.new(), 1000)
			if n == 0 {
				b.WriteString(" not found |")
				if st.name == "dpor" {
					t.Errorf("%s: DPOR did not find %s", k.Name, k.Want)
				}
				continue
			}
			found[st.name]++
			fmt.Fprintf(&b, " %d |", n)
		}
		if !*table {
			continue // TestFixedClean asserts the fixed kernels
		}
		rep, err := sim.Explore(k.Fixed, sim.Options{Strategy: scheduler.NewDPOR(), Runs: 20000, Races: true})
		clean := "yes"
		switch {
		case err != nil || len(rep.Findings) > 0:
			clean = "NO"
		case rep.Exhausted:
			clean = fmt.Sprintf("yes (DPOR exhaustive, %d executions)", rep.Runs)
		}
		fmt.Fprintf(&b, " %s |\n", clean)
	}
	fmt.Fprintf(&b, "| **found** | | | %d/%d | %d/%d | %d/%d | %d/%d | |\n",
		found["random"], len(kernels.All), found["pct"], len(kernels.All), found["dfs"], len(kernels.All), found["dpor"], len(kernels.All))
	if *table {
		fmt.Print(b.String())
	}
}
