package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// progress draws one status line on stderr, redrawn in place: done of
// total, the rate, and the time left at that rate. It is on only when
// stderr is the process's own and a real terminal (not a file, a pipe or
// /dev/null, which is a character device but no terminal), and not
// -quiet, so that nothing but results reaches a log or a pipe.
type progress struct {
	w     io.Writer
	on    bool
	start time.Time

	mu   sync.Mutex
	last time.Time
	drew bool
}

func newProgress(stderr io.Writer, quiet bool) *progress {
	return &progress{w: stderr, on: !quiet && stderr == io.Writer(os.Stderr) && isTerminal(os.Stderr), start: time.Now()}
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// update redraws the line (at most ten times a second): label, done of
// total units (total 0: unknown), and what else.
func (p *progress) update(label string, done, total int, unit, extra string) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.drew = now, true
	fmt.Fprintf(p.w, "\r\033[K%s", progressLine(label, done, total, unit, extra, now.Sub(p.start)))
}

// progressLine is the text of one progress line.
func progressLine(label string, done, total int, unit, extra string, elapsed time.Duration) string {
	s := fmt.Sprintf("  %s: %d", label, done)
	if done == 0 && total == 0 { // nothing counted: a phase, in unit
		s = fmt.Sprintf("  %s: %s", label, unit)
	} else if total > 0 {
		s += fmt.Sprintf("/%d %s (%d%%)", total, unit, int64(done)*100/int64(total))
	} else {
		s += " " + unit
	}
	if sec := elapsed.Seconds(); sec > 0 && done > 0 {
		rate := float64(done) / sec
		s += fmt.Sprintf(", %.0f/s", rate)
		if total > done {
			eta := time.Duration(float64(total-done) / rate * float64(time.Second))
			s += ", ETA " + eta.Round(time.Second).String()
		}
	}
	if extra != "" {
		s += ", " + extra
	}
	return s
}

// clear erases the line, if one was drawn.
func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drew {
		fmt.Fprint(p.w, "\r\033[K")
		p.drew = false
	}
}

// tick calls draw every second until the returned stop (which may be
// called again), for work that reports no progress of its own.
func (p *progress) tick(draw func()) (stop func()) {
	if !p.on {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				draw()
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-finished
			p.clear()
		})
	}
}
