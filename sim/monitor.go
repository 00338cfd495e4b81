package sim

// Monitor is a check that also reads the history one event at a time, as
// it is recorded, and keeps a small state whose hash stands for everything
// of the history that its verdict depends on. With every check a Monitor,
// state matching (scheduler.StateMatcher) hashes the monitors' states
// instead of the whole history: two executions that recorded the same
// events in orders the monitor does not tell apart then reach the same
// state, which is what lets a stateful search merge them.
//
// The contract, which a monitor's tests must show: Check's verdict (its
// finding's Kind, or nil) on a history is a function of the monitor's
// state after any prefix of it and of the events after the prefix. So the
// state must change with every event that can change a verdict, and
// StateHash must tell apart any two states that can.
type Monitor interface {
	// Event consumes the next recorded event.
	Event(e Event)
	// StateHash returns a hash of the state after the events so far.
	StateHash() uint64
	// Check is the verdict on the whole history, run when the execution
	// ends normally (as for Execution.Check).
	Check(h *History) *Finding
}

// Monitor registers m as a check (its Check runs at the end, as with
// Execution.Check) that state matching reads incrementally. Events reach
// Event only under a strategy that matches states; Check is the verdict
// either way.
func (x *Execution) Monitor(m Monitor) {
	x.checks = append(x.checks, check{m: m}) // not m.Check: a method value allocates
	if x.stateRec.on {
		x.stateRec.monitors = append(x.stateRec.monitors, m)
		for _, e := range x.history {
			m.Event(e)
		}
	}
}

// check is a check that Execution.Check or Execution.Monitor registered:
// fn, or m's Check.
type check struct {
	fn func(h *History) *Finding
	m  Monitor
}
