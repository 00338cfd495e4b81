package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/simrun/simrun/sim"
)

// runMerge merges the reports of every shard of a sharded run or explore
// and prints what the command would have printed on one machine, with its
// exit status. Reports of other configurations, versions or shard counts
// are refused (exit 2); a missing or unreadable shard report makes the
// result inconclusive (exit 3), never verified.
func runMerge(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("merge", stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: simrun merge REPORT...\n\nMerges the reports that `simrun run -shard I/N` or `simrun explore -shard I/N`\nwrote (one per shard) into the output and exit status of one machine.\n")
	}
	paths, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(paths) == 0 {
		return exitUsage, usagef("no shard reports given")
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
			return exitShardInconclusive, fmt.Errorf("inconclusive: %s is not a complete shard report: %w", p, err)
		}
		reps = append(reps, &r)
	}
	sim.SortShards(reps)
	if err := sim.CheckShards(reps); err != nil {
		var inc *sim.IncompleteError
		if errors.As(err, &inc) {
			return exitShardInconclusive, err
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
