package sim

// SetCheckStateCache turns the incremental hash's check (checkStateCache)
// on or off, a mismatch recorded rather than fatal (the test reads
// StateCacheMismatches), resets its record of mismatches, and returns
// what restores the previous setting.
func SetCheckStateCache(on bool) (restore func()) {
	c := &stateCacheCheck
	c.mu.Lock()
	defer c.mu.Unlock()
	check, fatal := checkStateCache, c.fatal
	checkStateCache, c.fatal = on, false
	c.n, c.first = 0, ""
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		checkStateCache, c.fatal = check, fatal
	}
}

// StateCacheMismatches returns the number of decisions at which the
// incremental hash differed from the hash from scratch, and the first.
func StateCacheMismatches() (int, string) {
	stateCacheCheck.mu.Lock()
	defer stateCacheCheck.mu.Unlock()
	return stateCacheCheck.n, stateCacheCheck.first
}

// WriteBypassingHash sets v's value as Var.Write does but without telling
// the state hash: a seeded bug in a write path, for the check to catch.
func WriteBypassingHash[T any](v *Var[T], val T) { v.v = val }

// SetHashFromScratch turns the incremental hash off (on) or back on, and
// returns the previous setting.
func SetHashFromScratch(on bool) (was bool) {
	was, hashFromScratch = hashFromScratch, on
	return was
}

// SetReplaySkip turns the skipping of a replayed prefix's bookkeeping
// (statereplay.go) on or off, and returns what restores the setting.
func SetReplaySkip(on bool) (restore func()) {
	was := noReplaySkip
	noReplaySkip = !on
	return func() { noReplaySkip = was }
}

// SetReplayBug seeds a bug in the restore of a replayed prefix's
// bookkeeping: it restores the mark of the decision before the right one.
func SetReplayBug(on bool) (restore func()) {
	was := replayBug
	replayBug = on
	return func() { replayBug = was }
}
