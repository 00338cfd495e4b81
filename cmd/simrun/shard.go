package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/simrun/simrun/sim"
)

// This file makes `run` and `explore` run one shard of a sharded run
// (sim.Hunt.RunShard) and write its report, and lets `merge` run them
// again on the reports of every shard (sim.Hunt.Merge) to print what one
// machine would have printed. See docs/sharding.md.

// errShardWritten ends a command that ran one shard: the report is its
// output.
var errShardWritten = errors.New("shard report written")

// merging holds the shard reports while `merge` re-runs the command that
// wrote them; nil otherwise.
var merging []*sim.ShardReport

// shardConfig is what every shard of one run shares, stored in each
// report: the command and its flags, less those that only say where and
// how this shard runs.
type shardConfig struct {
	Command string   `json:"command"`
	Args    []string `json:"args"`
}

// shardFlags are the flags that make a command one shard.
type shardFlags struct {
	fs     *flag.FlagSet
	cmd    string
	shard  string
	shards int
	dir    string
	// coverage: report what the executions reached (flag -coverage).
	coverage bool
}

// notConfig are the flags that may differ between the shards of one run.
var notConfig = map[string]bool{"shard": true, "shards": true, "shard-dir": true, "workers": true}

func (s *shardFlags) register(fs *flag.FlagSet, cmd string) {
	s.fs, s.cmd = fs, cmd
	fs.StringVar(&s.shard, "shard", "", "run shard I/N of the exploration and write its report (see simrun merge)")
	fs.IntVar(&s.shards, "shards", 0, "run one of N shards, the one $JOB_COMPLETION_INDEX names (Kubernetes Indexed Job)")
	fs.StringVar(&s.dir, "shard-dir", "", "directory for the shard report (default: $TEST_UNDECLARED_OUTPUTS_DIR under Bazel, else .)")
	fs.BoolVar(&s.coverage, "coverage", false, "report what the executions reached (operations per object, probes) and warn of vacuous passes; not with sharding")
}

// resolve says which shard this process runs, if any: -shard I/N; or
// -shards N with $JOB_COMPLETION_INDEX; or Bazel's $TEST_SHARD_INDEX and
// $TEST_TOTAL_SHARDS. A merge re-runs the command unsharded.
func (s *shardFlags) resolve() (sh sim.Shard, on bool, err error) {
	if merging != nil {
		return sh, false, nil
	}
	switch {
	case s.shard != "" && s.shards != 0:
		return sh, false, usagef("give -shard I/N or -shards N, not both")
	case s.shard != "":
		sh, err = sim.ParseShard(s.shard)
	case s.shards != 0:
		env := os.Getenv("JOB_COMPLETION_INDEX")
		i, perr := strconv.Atoi(env)
		if perr != nil {
			return sh, false, usagef("-shards %d needs $JOB_COMPLETION_INDEX set to the shard index, got %q", s.shards, env)
		}
		sh = sim.Shard{Index: i, Count: s.shards}
		err = sh.Validate()
	case os.Getenv("TEST_TOTAL_SHARDS") != "":
		n, err1 := strconv.Atoi(os.Getenv("TEST_TOTAL_SHARDS"))
		i, err2 := strconv.Atoi(os.Getenv("TEST_SHARD_INDEX"))
		if err1 != nil || err2 != nil {
			return sh, false, usagef("bad Bazel shard variables TEST_SHARD_INDEX=%q TEST_TOTAL_SHARDS=%q", os.Getenv("TEST_SHARD_INDEX"), os.Getenv("TEST_TOTAL_SHARDS"))
		}
		sh = sim.Shard{Index: i, Count: n}
		err = sh.Validate()
	default:
		return sh, false, nil
	}
	if err != nil {
		return sh, false, usageError{err}
	}
	return sh, true, nil
}

// config is the command line of this run, less the flags that may differ
// between shards, in a fixed order.
func (s *shardFlags) config() (json.RawMessage, error) {
	c := shardConfig{Command: s.cmd, Args: []string{}}
	s.fs.Visit(func(f *flag.Flag) {
		if notConfig[f.Name] {
			return
		}
		if cf, ok := f.Value.(*costFlags); ok {
			for _, v := range *cf {
				c.Args = append(c.Args, "-"+f.Name+"="+v)
			}
			return
		}
		c.Args = append(c.Args, "-"+f.Name+"="+f.Value.String())
	})
	return json.Marshal(c)
}

// hunt runs h on scenario s of variant v, as h.Run, unless this process
// is one shard (it writes the report and returns errShardWritten) or
// `merge` runs it (it merges the reports). stats, if set, is the
// command's statsSum.
func (s *shardFlags) hunt(h *sim.Hunt, scenario sim.Scenario, v sim.Variant, stats *statsSum) (*sim.Verdict, error) {
	if merging != nil {
		var onExec func(int, sim.Measured, *sim.Finding)
		if stats != nil {
			onExec = stats.addMeasured
		}
		return h.Merge(scenario, v, merging, onExec)
	}
	sh, on, err := s.resolve()
	if err != nil {
		return nil, err
	}
	if !on {
		h.Options.Coverage = s.coverage
		return h.Run(scenario, v)
	}
	if s.coverage {
		// Shard reports do not carry coverage yet, so a merge could not
		// print what one machine prints.
		return nil, usagef("-coverage does not work with sharding yet: drop one of them")
	}
	var measure func(*sim.History) map[string]float64
	if stats != nil {
		measure = stats.stats
	}
	rep, err := h.RunShard(scenario, sh, measure)
	if err != nil {
		return nil, err
	}
	if rep.Config, err = s.config(); err != nil {
		return nil, err
	}
	dir := s.dir
	if dir == "" {
		dir = os.Getenv("TEST_UNDECLARED_OUTPUTS_DIR")
	}
	if err := writeShardReport(filepath.Join(cmp.Or(dir, "."), shardFileName(sh)), rep); err != nil {
		return nil, err
	}
	if f := os.Getenv("TEST_SHARD_STATUS_FILE"); f != "" {
		// Bazel: this test knows about sharding.
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			return nil, fmt.Errorf("touching TEST_SHARD_STATUS_FILE: %w", err)
		}
	}
	return nil, errShardWritten
}

// shardFileName names the report of one shard; the names sort by index.
func shardFileName(sh sim.Shard) string {
	return fmt.Sprintf("simrun-shard-%05d-of-%05d.json", sh.Index, sh.Count)
}

// writeShardReport writes rep at path atomically: a shard killed while
// writing leaves no report, which the merge counts as missing.
func writeShardReport(path string, rep *sim.ShardReport) error {
	b, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("encoding the shard report: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing the shard report: %w", err)
	}
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
		return fmt.Errorf("writing the shard report: %w", err)
	}
	return nil
}

// shardExit is the exit status and error of a command whose hunt ended
// with err: a written shard report is a success.
func shardExit(err error) (int, error) {
	if errors.Is(err, errShardWritten) {
		return exitClean, nil
	}
	return exitUsage, err
}

// addMeasured is add for an execution a shard measured (sim.Hunt.Merge):
// the same sums in the same order.
func (s *statsSum) addMeasured(_ int, m sim.Measured, _ *sim.Finding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	s.vsum += m.Now.Seconds()
	for k, v := range m.Values {
		s.sums[k] += v
	}
}
