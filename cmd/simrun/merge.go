package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/simrun/simrun/sim"
)

// runMerge merges the reports of every shard of a sharded run or explore
// and prints what the command would have printed on one machine, with its
// exit status. Reports of other configurations, versions or shard counts
// are refused (exit 2); a missing or unreadable shard report makes the
// result inconclusive (exit 3), never verified.
func runMerge(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("merge", stderr)
	paths, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(paths) == 0 {
		return exitUsage, usagef("no shard reports given")
	}
	paths, err = expandReportDirs(paths)
	if err != nil {
		return exitUsage, err
	}
	reps := make([]*sim.ShardReport, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return exitUsage, fmt.Errorf("reading a shard report: %w", err)
		}
		var r sim.ShardReport
		if err := json.Unmarshal(b, &r); err != nil {
			// A shard killed while copying its report out: as missing.
			return exitInconclusive, fmt.Errorf("inconclusive: %s is not a complete shard report: %w", p, err)
		}
		reps = append(reps, &r)
	}
	sim.SortShards(reps)
	if err := sim.CheckShards(reps); err != nil {
		var inc *sim.IncompleteError
		if errors.As(err, &inc) {
			return exitInconclusive, err
		}
		return exitUsage, err
	}
	var c shardConfig
	if err := json.Unmarshal(reps[0].Config, &c); err != nil {
		return exitUsage, fmt.Errorf("shard report: bad configuration: %w", err)
	}
	for _, cmd := range commands {
		if cmd.name == c.Command && (c.Command == "run" || c.Command == "explore") {
			merging = reps
			defer func() { merging = nil }()
			return cmd.run(c.Args, stdout, stderr)
		}
	}
	return exitUsage, fmt.Errorf("shard report: unknown command %q", c.Command)
}

// expandReportDirs replaces each directory among paths by the shard
// reports in it, so that a merge needs no shell to expand a glob (the
// container image has none).
func expandReportDirs(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			out = append(out, p)
			continue
		}
		m, err := filepath.Glob(filepath.Join(p, "simrun-shard-*.json"))
		if err != nil {
			return nil, fmt.Errorf("listing shard reports: %w", err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("no simrun-shard-*.json reports in %s", p)
		}
		out = append(out, m...)
	}
	return out, nil
}
