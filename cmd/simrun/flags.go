package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/simrun/simrun/scheduler"
)

// checkOnly makes run, explore and bench return after checking their
// arguments, for the fuzz test of the flag handling.
var checkOnly bool

// intRange is the documented range of an integer flag. The ranges keep
// every configuration within what the simulator explores in bounded
// memory, and within what the protocols' step bounds were measured for:
// beyond them a correct variant would report a false livelock (its
// execution outgrows -max-steps) or the run would eat gigabytes.
type intRange struct {
	min, max int64
}

// Ranges of the integer flags, per command. A flag missing from its
// command's table takes any value its own check allows.
var (
	runRanges = map[string]intRange{
		"threads": {0, 32}, "txns": {0, 100}, "engines": {0, 2}, "readers": {0, 16}, "vms": {0, 1000}, "doms": {0, 32},
		"depth": {1, 64}, "pct-steps": {0, 10_000_000}, "runs": {0, 1_000_000_000}, "workers": {1, 256},
		"max-steps": {0, 100_000_000},
	}
	exploreRanges = map[string]intRange{
		"threads": {1, 8}, "txns": {1, 10}, "engines": {0, 2}, "readers": {0, 8}, "vms": {0, 1000}, "doms": {0, 8},
		"bound": {-1, 100}, "workers": {1, 256}, "max-executions": {1, 1_000_000_000},
		"max-steps": {1, 100_000_000}, "max-spurious": {0, 10},
	}
	replayRanges = map[string]intRange{"last": {0, 1 << 30}, "from": {0, 1 << 30}, "to": {0, 1 << 30}}
	benchRanges  = map[string]intRange{"runs": {0, 10_000_000}}
)

// documentRanges appends each ranged flag's range to its help text, so
// that -h documents what checkRanges enforces.
func documentRanges(fs *flag.FlagSet, ranges map[string]intRange) {
	fs.VisitAll(func(f *flag.Flag) {
		if r, ok := ranges[f.Name]; ok {
			f.Usage += fmt.Sprintf(" [%d..%d]", r.min, r.max)
		}
	})
}

// checkRanges rejects an integer flag outside its range, and a negative
// duration.
func checkRanges(fs *flag.FlagSet, ranges map[string]intRange) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil {
			return
		}
		if g, ok := f.Value.(flag.Getter); !ok {
			return
		} else if d, ok := g.Get().(time.Duration); ok && d < 0 {
			err = usagef("-%s must not be negative, got %v", f.Name, d)
			return
		}
		r, ok := ranges[f.Name]
		if !ok {
			return
		}
		n, perr := strconv.ParseInt(f.Value.String(), 10, 64)
		if perr != nil {
			return
		}
		if n < r.min || n > r.max {
			err = usagef("-%s must be in %d..%d, got %d", f.Name, r.min, r.max, n)
		}
	})
	return err
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// checkOut rejects an -out that exists but is not a directory: better
// now than after the whole run, when the traces are saved.
func checkOut(out string) error {
	if st, err := os.Stat(out); err == nil && !st.IsDir() {
		return usagef("-out %s is not a directory", out)
	}
	return nil
}

// checkRunFlags checks the flags of simrun run: ranges, and flags that
// mean nothing with the others given.
func checkRunFlags(fs *flag.FlagSet, f *runFlags) error {
	if err := checkRanges(fs, runRanges); err != nil {
		return err
	}
	if err := checkOut(f.out); err != nil {
		return err
	}
	set := setFlags(fs)
	if set["strategy"] {
		sp, err := scheduler.ParseSpec(f.strategy)
		if err != nil {
			return usageError{err}
		}
		if sp.Name != scheduler.NamePCT {
			for _, name := range []string{"depth", "pct-steps"} {
				if set[name] {
					return usagef("-%s is for PCT, not -strategy %s (drop it, or use -strategy pct)", name, f.strategy)
				}
			}
		}
	}
	return nil
}

// checkExploreFlags checks the flags of simrun explore.
func checkExploreFlags(fs *flag.FlagSet, spurious bool, out string) error {
	if err := checkRanges(fs, exploreRanges); err != nil {
		return err
	}
	if err := checkOut(out); err != nil {
		return err
	}
	set := setFlags(fs)
	switch {
	case !spurious && set["max-spurious"]:
		return usagef("-max-spurious needs spurious wakeups: drop -spurious=false or -max-spurious")
	}
	return nil
}

// checkReplayFlags checks the flags of simrun replay.
func checkReplayFlags(fs *flag.FlagSet, from, to int) error {
	if err := checkRanges(fs, replayRanges); err != nil {
		return err
	}
	if to > 0 && from > to {
		return usagef("-from %d is after -to %d", from, to)
	}
	return nil
}
