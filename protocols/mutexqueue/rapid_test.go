package mutexqueue

import (
	"testing"

	"github.com/simrun/simrun/protocols/groupcommit/gctest"
)

// TestRapidCorrect: every correct variant passes every checker on every
// generated configuration, fault plan and schedule.
func TestRapidCorrect(t *testing.T) { gctest.RapidCorrect(t, protocol) }

// rapidBugs are seeded bugs that rapid must find (in 1000 cases, the
// default gctest sets) and shrink; the expected kind must be in the
// shrunk failure. next-after-wakeup is not among them: it needs two
// transactions of one thread and a wakeup order that a uniform tape
// rarely makes (PCT finds it, see TestSeededBugs).
var rapidBugs = []string{XidErrorDropped, EarlyRelease, SnapshotNoLock, ClearAfterEnqueue}

// TestRapidFindsSeededBugs: rapid finds a failing case for each seeded bug
// and shrinks it; the shrunk case is printed in the test log.
func TestRapidFindsSeededBugs(t *testing.T) { gctest.RapidFindsSeededBugs(t, protocol, rapidBugs) }
