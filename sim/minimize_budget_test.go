package sim

import "testing"

// TestMinimizeRunsBudget: a minimization's candidate runs are bounded by
// their steps together, so that a trace of a test polling until a timeout
// (10,000 steps) is not replayed 2000 times.
func TestMinimizeRunsBudget(t *testing.T) {
	for _, tt := range []struct{ steps, want int }{
		{0, 2000}, {1, 2000}, {300, 2000}, {500, 2000}, {1000, 1000}, {10023, 99}, {100000, 20}, {1 << 30, 20},
	} {
		if got := minimizeRuns(tt.steps); got != tt.want {
			t.Errorf("minimizeRuns(%d) = %d, want %d", tt.steps, got, tt.want)
		}
	}
}
