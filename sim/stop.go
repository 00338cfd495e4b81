package sim

import "errors"

// stopped reports whether Options.Stop has been closed, and if so stops
// the search: workers finish what they run, and take no new task.
func (se *search) stopped() bool {
	if se.opts.Stop == nil {
		return false
	}
	select {
	case <-se.opts.Stop:
	default:
		return false
	}
	se.mu.Lock()
	se.stop, se.halted = true, true
	se.cond.Broadcast()
	se.mu.Unlock()
	return true
}

// ErrInterrupted is why a hunt did not minimize a finding: Options.Stop
// was closed, and minimizing re-runs the execution many times.
var ErrInterrupted = errors.New("interrupted: minimization skipped")

// interrupted reports whether the hunt has been stopped (Options.Stop
// closed), whether or not the exploration that ran noticed it.
func (st *hunting) interrupted() bool {
	if st.v.Interrupted {
		return true
	}
	if c := st.h.Options.Stop; c != nil {
		select {
		case <-c:
			st.v.Interrupted = true
		default:
		}
	}
	return st.v.Interrupted
}
