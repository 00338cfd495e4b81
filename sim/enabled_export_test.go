package sim

// SetCheckEnabledSet turns the kept enabled set's check (checkEnabledSet)
// on or off, a mismatch recorded rather than fatal (the test reads
// EnabledSetMismatches), resets its record, and returns what restores
// the previous setting.
func SetCheckEnabledSet(on bool) (restore func()) {
	s := &enabledCheck
	s.mu.Lock()
	defer s.mu.Unlock()
	check, fatal := checkEnabledSet, s.fatal
	checkEnabledSet, s.fatal = on, false
	s.n, s.first, s.checked = 0, "", 0
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		checkEnabledSet, s.fatal = check, fatal
	}
}

// EnabledSetMismatches returns the number of decisions at which the kept
// enabled set differed from a full scan, the first difference, and the
// number of decisions taken from the kept set.
func EnabledSetMismatches() (n int, first string, kept int) {
	s := &enabledCheck
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n, s.first, s.checked
}

// SetEveryOpPure makes every operation keep the enabled set, Lock and
// Unlock included (on), or restores pureOps: a seeded bug, a blocker
// changed without the kept set knowing, for the check to catch.
func SetEveryOpPure(on bool) (restore func()) {
	was := pureOps
	if on {
		pureOps = ^uint64(0)
	}
	return func() { pureOps = was }
}

// SetKeepNothing makes every decision scan every actor (on) or lets
// decide keep the enabled set again, and returns the previous setting.
func SetKeepNothing(on bool) (was bool) {
	was, keepNothing = keepNothing, on
	return was
}
