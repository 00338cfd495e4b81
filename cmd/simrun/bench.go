package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/simrun/simrun/bench"
	"github.com/simrun/simrun/protocols"
)

// runBench is `simrun bench [flags] [BENCH...]`: price the protocols in
// virtual time and measure the simulator (package bench). Without names it
// runs every benchmark.
func runBench(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("bench", stderr)
	var (
		quick  = fs.Bool("quick", false, "reduced sizes, for CI (the whole set takes seconds)")
		asJSON = fs.Bool("json", false, "print one JSON object per measured point instead of tables")
		plot   = fs.String("plot", "", "write the plots to `FILE` (.svg, or .html for a self-contained page); with several benchmarks, FILE-NAME.svg each")
		runs   = fs.Int("runs", 0, "random schedules per point (sim: executions per point); 0 = the benchmark's default")
		seed   = fs.Uint64("seed", 1, "seed of the random schedules")
		quiet  = fs.Bool("quiet", false, "no progress line on stderr (it is drawn only on a terminal anyway)")
		thr    = fs.String("threads", "", "strategies: comma-separated thread counts of the seeded bugs, as in 2,4,8 (default 2..8; -quick 2,4; the kernels have their own)")
		costs  costFlags
	)
	fs.Var(&costs, "cost", "cost-model parameter name=value over the reference values, repeatable (names: "+costNames()+")")
	fs.Usage = usageFunc(fs, "bench", func(w io.Writer) {
		fmt.Fprintf(w, "Benchmarks (default: all):\n")
		for _, b := range bench.Benches {
			fmt.Fprintf(w, "  %-12s %s\n", b.Name, b.Doc)
		}
		fmt.Fprintf(w, "\nReference cost model (-cost overrides):\n")
		for _, p := range protocols.CostParams() {
			fmt.Fprintf(w, "  %-13s %-6s %s\n  %-13s        source: %s\n", p.Name, p.Reference, p.Doc, "", p.Source)
		}
		fmt.Fprintln(w)
	})
	documentRanges(fs, benchRanges)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if err := checkRanges(fs, benchRanges); err != nil {
		return exitUsage, err
	}
	cost, err := benchCosts(costs)
	if err != nil {
		return exitUsage, err
	}
	var todo []bench.Bench
	for _, name := range rest {
		b, err := bench.Lookup(name)
		if err != nil {
			return exitUsage, usageError{err}
		}
		todo = append(todo, b)
	}
	if len(todo) == 0 {
		todo = bench.Benches
	}
	if *plot != "" {
		if ext := filepath.Ext(*plot); ext != ".svg" && ext != ".html" {
			return exitUsage, usagef("-plot %s: want a .svg or .html file", *plot)
		}
		// Before the benchmarks run, not after minutes of them.
		if st, err := os.Stat(filepath.Dir(*plot)); err != nil || !st.IsDir() {
			return exitUsage, usagef("-plot %s: no directory %s to write it in", *plot, filepath.Dir(*plot))
		}
	}
	if checkOnly {
		return exitClean, nil
	}
	opts := bench.Options{Quick: *quick, Cost: cost, Runs: *runs, Seed: *seed}
	if *thr != "" {
		for _, f := range strings.Split(*thr, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return exitUsage, usagef("-threads %q: want positive thread counts separated by commas", *thr)
			}
			opts.Threads = append(opts.Threads, n)
		}
	}
	in := catchSignals(stderr)
	defer in.release()
	prog := newProgress(stderr, *quiet)
	for i, b := range todo {
		in.mu.Lock()
		in.atOnce = "interrupted during " + b.Name + "; the benchmarks before it are printed above"
		in.mu.Unlock()
		start := time.Now()
		stop := prog.tick(func() {
			prog.update("bench "+b.Name, i, len(todo), "benchmarks", "this one running for "+time.Since(start).Round(time.Second).String())
		})
		r, err := b.Run(opts)
		stop()
		if err != nil {
			return exitFinding, fmt.Errorf("%s: %w", b.Name, err)
		}
		if *asJSON {
			err = r.WriteJSON(stdout)
		} else {
			err = r.WriteTable(stdout)
		}
		if err != nil {
			return exitFinding, err
		}
		if *plot != "" {
			file := *plot
			if len(todo) > 1 {
				ext := filepath.Ext(file)
				file = strings.TrimSuffix(file, ext) + "-" + b.Name + ext
			}
			if err := writePlot(file, r); err != nil {
				return exitUsage, fmt.Errorf("writing the plot: %w", err)
			}
			fmt.Fprintf(stderr, "simrun bench: wrote %s\n", file)
		}
		fmt.Fprintf(stderr, "simrun bench: %s took %v\n", b.Name, time.Since(start).Round(time.Millisecond))
	}
	return exitClean, nil
}

// writePlot writes r's plots as an SVG file, or as an HTML page holding
// the SVG, the table and the notes.
func writePlot(file string, r *bench.Result) error {
	var svg bytes.Buffer
	if err := bench.WriteSVG(&svg, r.Plots); err != nil {
		return err
	}
	out := svg.Bytes()
	if filepath.Ext(file) == ".html" {
		var table bytes.Buffer
		if err := r.WriteTable(&table); err != nil {
			return err
		}
		var page bytes.Buffer
		fmt.Fprintf(&page, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>simrun bench %s</title></head>\n<body>\n%s<pre>%s</pre>\n</body></html>\n",
			r.Bench, svg.String(), htmlEscape(table.String()))
		out = page.Bytes()
	}
	return writeFileAtomic(file, out)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
