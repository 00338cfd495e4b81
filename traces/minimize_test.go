package traces

import (
	"slices"
	"testing"
)

// A toy program: it fails when decision 3 is 2 (a "preemption" that
// matters) and the list has at least 5 decisions; every nonzero decision is
// a preemption and every decision a step.
func toyRun(d []int) Outcome {
	n := max(len(d), 5)
	norm := make([]int, n)
	copy(norm, d)
	for i := range norm {
		norm[i] %= 3
	}
	pre := 0
	for _, v := range norm {
		if v != 0 {
			pre++
		}
	}
	return Outcome{Fails: norm[3] == 2, Decisions: norm, Preemptions: pre, Steps: n}
}

func TestMinimize(t *testing.T) {
	tests := []struct {
		name  string
		start []int
		want  []int
	}{
		{"noise", []int{1, 2, 1, 2, 1, 1, 2, 0, 1}, []int{0, 0, 0, 2, 0}},
		{"already", []int{0, 0, 0, 2, 0}, []int{0, 0, 0, 2, 0}},
		{"long", []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, []int{0, 0, 0, 2, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := toyRun(tt.start)
			if !start.Fails {
				t.Fatal("start does not fail")
			}
			best, runs := Minimize(start, toyRun, MinimizeOptions{})
			if !slices.Equal(best.Decisions, tt.want) {
				t.Errorf("got %v, want %v (%d runs)", best.Decisions, tt.want, runs)
			}
			if best.Preemptions != 1 || best.Steps != 5 {
				t.Errorf("got %d preemptions and %d steps, want 1 and 5", best.Preemptions, best.Steps)
			}
		})
	}
}

func TestMinimizeBudget(t *testing.T) {
	start := toyRun([]int{1, 2, 1, 2, 1, 1, 2, 0, 1})
	_, runs := Minimize(start, toyRun, MinimizeOptions{MaxRuns: 3})
	if runs > 3 {
		t.Errorf("%d runs, budget 3", runs)
	}
}
