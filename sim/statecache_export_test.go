package sim

// SetCheckStateCache turns the incremental hash's check (checkStateCache)
// on or off, resets its record of mismatches, and returns the previous
// setting.
func SetCheckStateCache(on bool) (was bool) {
	stateCacheMu.Lock()
	defer stateCacheMu.Unlock()
	was, checkStateCache = checkStateCache, on
	stateCacheMismatches, stateCacheFirst = 0, ""
	return was
}

// StateCacheMismatches returns the number of decisions at which the
// incremental hash differed from the hash from scratch, and the first.
func StateCacheMismatches() (int, string) {
	stateCacheMu.Lock()
	defer stateCacheMu.Unlock()
	return stateCacheMismatches, stateCacheFirst
}

// WriteBypassingHash sets v's value as Var.Write does but without telling
// the state hash: a seeded bug in a write path, for the check to catch.
func WriteBypassingHash[T any](v *Var[T], val T) { v.v = val }
