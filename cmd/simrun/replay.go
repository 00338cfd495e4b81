package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/sim"
	"github.com/simrun/simrun/traces"
)

func runReplay(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("replay", stderr)
	verbose := fs.Bool("v", false, "verbose: every event with its virtual time, wide columns")
	var opt traces.TimelineOptions
	fs.IntVar(&opt.Last, "last", 0, "show only the last N rows of the timeline")
	fs.IntVar(&opt.From, "from", 0, "show the timeline from this step")
	fs.IntVar(&opt.To, "to", 0, "show the timeline up to this step")
	fs.BoolVar(&opt.VisibleOnly, "steps-only", false, "leave out the protocol events recorded by actors")
	htmlOut := fs.String("html", "", "also write the trace as a self-contained HTML page to `FILE` (same window as the timeline)")
	perfettoOut := fs.String("perfetto", "", "also write the trace in the Chrome Trace Event Format to `FILE`, for ui.perfetto.dev (the whole trace)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(rest) != 1 {
		return exitUsage, usagef("want exactly one trace file, got %d arguments", len(rest))
	}
	path := rest[0]
	t, err := traces.Load(path)
	if err != nil {
		return exitUsage, err
	}
	_, scenario, _, err := protocols.ScenarioOf(t)
	if err != nil {
		return exitUsage, fmt.Errorf("%s: %w", path, err)
	}
	f, got, err := sim.Replay(scenario, t)
	if err != nil {
		return exitUsage, fmt.Errorf("%s: %w", path, err)
	}
	opt.Width = 40
	if *verbose {
		opt.Time, opt.Width = true, 60
	}
	steps := 0
	if n := len(got.Events); n > 0 {
		steps = got.Events[n-1].Step
	}
	fmt.Fprintf(stdout, "%s/%s, %s seed %d, run %d: %d steps, %d decisions\n\n",
		t.Protocol, t.Variant, t.Strategy.Name, t.Strategy.Seed, t.Run, steps, len(got.Decisions))
	if err := traces.Timeline(stdout, got, opt); err != nil {
		return exitUsage, err
	}
	if f == nil {
		fmt.Fprintln(stdout, "\nno finding")
	} else {
		fmt.Fprintf(stdout, "\n%s\n", f)
	}
	if *htmlOut != "" {
		if err := writeHTML(*htmlOut, got, opt); err != nil {
			return exitUsage, err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *htmlOut)
	}
	if *perfettoOut != "" {
		if err := writePerfetto(*perfettoOut, got); err != nil {
			return exitUsage, err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *perfettoOut)
	}
	if f == nil {
		if t.Finding != nil {
			return exitUsage, fmt.Errorf("%s: the trace recorded %s, but the replay found nothing", path, t.Finding.Kind)
		}
		return exitClean, nil
	}
	if t.Finding != nil && t.Finding.Kind != string(f.Kind) {
		return exitUsage, fmt.Errorf("%s: the trace recorded %s, but the replay found %s", path, t.Finding.Kind, f.Kind)
	}
	return exitFinding, nil
}

// writeHTML writes t as an HTML page (traces.HTML) to the file path.
func writeHTML(path string, t *traces.Trace, opt traces.TimelineOptions) error {
	var b bytes.Buffer
	if err := traces.HTML(&b, t, opt); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing the HTML page: %w", err)
	}
	return nil
}

// writePerfetto writes t in the Trace Event Format (traces.Perfetto) to
// the file path.
func writePerfetto(path string, t *traces.Trace) error {
	var b bytes.Buffer
	if err := traces.Perfetto(&b, t); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing the Perfetto trace: %w", err)
	}
	return nil
}
