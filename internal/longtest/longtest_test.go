package longtest

import (
	"testing"
)

func TestBudget(t *testing.T) {
	for _, c := range []struct {
		long string
		want int
	}{{"1", 100_000}, {"", 5_000}, {"0", 5_000}} {
		t.Setenv("SIMRUN_LONG", c.long)
		want := c.want
		if testing.Short() && c.long != "1" {
			want = 1_000
		}
		if got := Budget(100_000); got != want {
			t.Errorf("SIMRUN_LONG=%q: Budget(100000) = %d, want %d", c.long, got, want)
		}
	}
}
