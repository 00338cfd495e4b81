package sim

// SeedRaceBugs seeds bugs in the race detector's reuse of its state across
// a runner's executions (see raceSeed) and returns what removes them.
func SeedRaceBugs(sameGen, keepReads bool) (restore func()) {
	prev := raceSeed
	raceSeed.sameGen, raceSeed.keepReads = sameGen, keepReads
	return func() { raceSeed = prev }
}
