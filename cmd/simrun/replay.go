package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/simrun/simrun/gotest"
	"github.com/simrun/simrun/protocols"
	"github.com/simrun/simrun/scheduler"
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
	quiet := fs.Bool("quiet", false, "no progress line on stderr (it is drawn only on a terminal, for a trace that takes a while)")
	maxSize := fs.Int64("max-size", traces.MaxSize, "refuse a trace file larger than this many `bytes`")
	perfettoOut := fs.String("perfetto", "", "also write the trace in the Chrome Trace Event Format to `FILE`, for ui.perfetto.dev (the whole trace)")
	documentRanges(fs, replayRanges)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if err := checkReplayFlags(fs, opt.From, opt.To); err != nil {
		return exitUsage, err
	}
	switch {
	case len(rest) == 0 && *htmlOut != "" && !strings.HasSuffix(*htmlOut, ".json"):
		return exitUsage, usagef("no trace file (type: simrun replay -html %s TRACE.json)", *htmlOut)
	case len(rest) == 0 && *htmlOut != "":
		return exitUsage, usagef("no trace file: -html took %s as the page to write (type: simrun replay -html PAGE.html %s)", *htmlOut, *htmlOut)
	case len(rest) == 0:
		return exitUsage, usagef("no trace file (type: simrun replay TRACE.json)")
	case len(rest) > 1:
		return exitUsage, usagef("want one trace file, got %d: %s", len(rest), strings.Join(rest, " "))
	case *maxSize < 1:
		return exitUsage, usagef("-max-size must be positive, got %d", *maxSize)
	}
	path := rest[0]
	prog := newProgress(stderr, *quiet)
	phase := "reading and checking the trace"
	var phaseMu sync.Mutex
	stop := prog.tick(func() {
		phaseMu.Lock()
		defer phaseMu.Unlock()
		prog.update("replay "+filepath.Base(path), 0, 0, phase, time.Since(prog.start).Round(time.Second).String())
	})
	defer stop()
	t, err := traces.LoadLimit(path, *maxSize)
	if errors.Is(err, traces.ErrTooLarge) {
		return exitUsage, fmt.Errorf("%w (raise -max-size to read it)", err)
	}
	if err != nil {
		return exitUsage, err
	}
	if gotest.IsTrace(t) {
		// A Go test's trace: its test replays it, in the test binary.
		stop()
		if *htmlOut != "" || *perfettoOut != "" {
			return exitUsage, usagef("%s is a trace of simrun test: -html and -perfetto are not available for it", path)
		}
		return runTest([]string{"-trace", path}, stdout, stderr)
	}
	if _, err := scheduler.ParseSpec(t.Strategy.Name); err != nil {
		return exitUsage, fmt.Errorf("%s: %w: strategy: %v", path, traces.ErrInvalid, err)
	}
	_, scenario, _, err := protocols.ScenarioOf(t)
	if err != nil {
		return exitUsage, fmt.Errorf("%s: %w", path, err)
	}
	phaseMu.Lock()
	phase = fmt.Sprintf("replaying %d events", len(t.Events))
	phaseMu.Unlock()
	f, got, err := sim.Replay(scenario, t)
	stop()
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
		return exitClean, nil
	}
	return exitFinding, nil
}

// writeHTML writes t as an HTML page (traces.HTML) to the file path.
func writeHTML(path string, t *traces.Trace, opt traces.TimelineOptions) error {
	var b bytes.Buffer
	if err := traces.HTML(&b, t, opt); err != nil {
		return err
	}
	if err := writeFileAtomic(path, b.Bytes()); err != nil {
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
	if err := writeFileAtomic(path, b.Bytes()); err != nil {
		return fmt.Errorf("writing the Perfetto trace: %w", err)
	}
	return nil
}
