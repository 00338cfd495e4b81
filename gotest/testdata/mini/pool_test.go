package mini

import (
	"context"
	"testing"
)

func double(x int) int { return 2 * x }

// TestFirstLeak leaks the workers whose results nobody takes.
func TestFirstLeak(t *testing.T) {
	r, err := First(context.Background(), []int{1, 2}, double)
	if err != nil || r != 2 && r != 4 {
		t.Fatalf("First = %d, %v", r, err)
	}
}

// TestFirstFixed is clean: every worker can send.
func TestFirstFixed(t *testing.T) {
	r, err := FirstFixed(context.Background(), []int{1, 2}, double)
	if err != nil || r != 2 && r != 4 {
		t.Fatalf("FirstFixed = %d, %v", r, err)
	}
}

// TestSumFresh is clean only if every execution starts with sums == 0,
// as go test's one execution does.
func TestSumFresh(t *testing.T) {
	if sums != 0 {
		t.Fatalf("sums = %d at the start of the test: package state is not fresh", sums)
	}
	if got := Sum([]int{1, 2, 3}, double); got != 12 {
		t.Errorf("Sum = %d, want 12", got)
	}
}
