package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// Exit statuses of an interrupted command: 128 + the signal's number, as
// shells report a process killed by it.
const (
	exitSIGINT  = 130
	exitSIGTERM = 143
)

// interrupt turns SIGINT and SIGTERM into an orderly stop. The first
// signal closes stop, which the command passes to sim.Options.Stop: the
// search ends, the command saves what it found and prints its partial
// summary, and exits with code(). A second signal exits at once.
type interrupt struct {
	stop    chan struct{}
	release func()

	mu   sync.Mutex
	sig  os.Signal
	exit func(int) // os.Exit; tests replace it

	// atOnce, if set, is said on the first signal, which then exits: for
	// a command that has nothing to save and cannot stop its work (bench
	// prints each benchmark as it ends).
	atOnce string
}

// catchSignals starts watching for SIGINT and SIGTERM until release.
func catchSignals(stderr io.Writer) *interrupt {
	in := &interrupt{stop: make(chan struct{}), exit: os.Exit}
	c := make(chan os.Signal, 2)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-c:
				in.signal(s, stderr)
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	in.release = func() {
		once.Do(func() {
			signal.Stop(c)
			close(done)
		})
	}
	return in
}

// signal handles one signal: the first stops the search, the second exits.
func (in *interrupt) signal(s os.Signal, stderr io.Writer) {
	in.mu.Lock()
	first, atOnce := in.sig == nil, in.atOnce
	if first {
		in.sig = s
	}
	in.mu.Unlock()
	if !first {
		fmt.Fprintf(stderr, "\nsimrun: %v again: exiting at once\n", s)
		in.exit(signalCode(s))
		return
	}
	if atOnce != "" {
		fmt.Fprintf(stderr, "\nsimrun: %v: %s\n", s, atOnce)
		in.exit(signalCode(s))
		return
	}
	fmt.Fprintf(stderr, "\nsimrun: %v: stopping; saving the traces found so far (signal again to exit at once)\n", s)
	close(in.stop)
}

// interrupted reports whether a signal arrived.
func (in *interrupt) interrupted() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.sig != nil
}

// code is the exit status after the signal: 130 for SIGINT, 143 for SIGTERM.
func (in *interrupt) code() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return signalCode(in.sig)
}

func signalCode(s os.Signal) int {
	if s == syscall.SIGTERM {
		return exitSIGTERM
	}
	return exitSIGINT
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory and a rename: a reader (or a run interrupted while it writes)
// never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// configKey is a short hash of every flag the user set that can change
// a finding's trace (-minimize included; not where or how results are
// shown, nor the worker count or the budget, which change neither the
// executions nor their traces; the seed is in extra, with the strategy),
// and of extra. It goes into trace file names, so that two runs of one
// variant with different configurations do not overwrite each other's
// traces, while re-running the same command rewrites the same files.
func configKey(fs *flag.FlagSet, extra ...string) string {
	ignore := map[string]bool{"out": true, "json": true, "workers": true, "quiet": true, "watchdog": true,
		"runs": true, "max-executions": true, "selfcheck": true, "seed": true}
	var set []string
	if fs == nil {
		fs = flag.NewFlagSet("", flag.ContinueOnError)
	}
	fs.Visit(func(f *flag.Flag) {
		if !ignore[f.Name] {
			set = append(set, f.Name+"="+f.Value.String())
		}
	})
	sort.Strings(set)
	h := fnv.New32a()
	io.WriteString(h, strings.Join(append(set, extra...), "\x00"))
	return fmt.Sprintf("%08x", h.Sum32())
}
