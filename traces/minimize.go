package traces

import "slices"

// Outcome is what running one candidate decision list gave.
type Outcome struct {
	// Fails reports that the run ended with the finding kind being kept.
	Fails bool
	// Decisions are the decisions the run actually made (a lenient replay
	// normalizes any list into a valid one).
	Decisions []int
	// Preemptions and Steps measure the run; smaller is better, in that
	// order.
	Preemptions int
	Steps       int
}

// better reports whether o is a strictly smaller counterexample than b:
// fewer preemptions, then fewer steps, then fewer and smaller decisions.
func (o Outcome) better(b Outcome) bool {
	if o.Preemptions != b.Preemptions {
		return o.Preemptions < b.Preemptions
	}
	if o.Steps != b.Steps {
		return o.Steps < b.Steps
	}
	if len(o.Decisions) != len(b.Decisions) {
		return len(o.Decisions) < len(b.Decisions)
	}
	return slices.Compare(o.Decisions, b.Decisions) < 0
}

// MinimizeOptions bound the work of Minimize.
type MinimizeOptions struct {
	// MaxRuns bounds the candidate runs. Default 2000.
	MaxRuns int
}

// Minimize shrinks a failing decision list by delta debugging (Zeller and
// Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", TSE
// 2002) toward fewer preemptions, then fewer steps. run executes a
// candidate list — leniently: an index out of range is taken modulo the
// choices and the list is padded with 0, "no preemption" — and reports
// whether it still fails the same way. Minimize returns the best outcome
// found (start's if nothing smaller fails) and the number of runs.
//
// Passes, repeated until none helps or the budget is spent: set chunks of
// decisions to 0 (remove preemptions), halving the chunk size down to
// single decisions; lower single decisions; delete chunks of decisions
// (shorten the schedule); cut the tail.
func Minimize(start Outcome, run func([]int) Outcome, opts MinimizeOptions) (Outcome, int) {
	if opts.MaxRuns <= 0 {
		opts.MaxRuns = 2000
	}
	best := start
	runs := 0
	try := func(cand []int) bool {
		if runs >= opts.MaxRuns {
			return false
		}
		runs++
		o := run(cand)
		if o.Fails && o.better(best) {
			best = o
			return true
		}
		return false
	}
	for progress := true; progress && runs < opts.MaxRuns; {
		progress = false
		// Zero chunks: fewer preemptions (and often fewer steps).
		for size := max(len(best.Decisions)/2, 1); size >= 1; size /= 2 {
			for i := 0; i < len(best.Decisions); i += size {
				d := best.Decisions
				end := min(i+size, len(d))
				if allZero(d[i:end]) {
					continue
				}
				cand := slices.Clone(d)
				clear(cand[i:end])
				if try(trimZeros(cand)) {
					progress = true
				}
			}
		}
		// Lower single decisions.
		for i := 0; i < len(best.Decisions); i++ {
			for v := 1; v < best.Decisions[i]; v++ {
				cand := slices.Clone(best.Decisions)
				cand[i] = v
				if try(trimZeros(cand)) {
					progress = true
					break
				}
			}
		}
		// Delete chunks: shorter schedules.
		for size := max(len(best.Decisions)/2, 1); size >= 1; size /= 2 {
			for i := 0; i+size <= len(best.Decisions); {
				d := best.Decisions
				cand := slices.Concat(d[:i], d[i+size:])
				if try(trimZeros(cand)) {
					progress = true
					continue // same i, new list
				}
				i += size
			}
		}
	}
	return best, runs
}

func allZero(d []int) bool {
	for _, v := range d {
		if v != 0 {
			return false
		}
	}
	return true
}

// trimZeros drops trailing zeros, which a lenient replay supplies anyway.
func trimZeros(d []int) []int {
	n := len(d)
	for n > 0 && d[n-1] == 0 {
		n--
	}
	return d[:n]
}
