package forms

import (
	"context"
	"testing"
)

var testCalls int

func helper(tb testing.TB, c chan int) int {
	tb.Helper()
	return <-c
}

func TestForms(t *testing.T) {
	testCalls++
	c := make(chan int, 1)
	c <- 1
	if helper(t, c) != 1 {
		t.Fatal("want 1")
	}
	t.Run("sub", func(t *testing.T) {
		if err := Timers(context.Background()); err != nil {
			t.Log(err)
		}
	})
}

func init() { testCalls = 0 }

func setup(tb testing.TB) chan int {
	tb.Helper()
	return make(chan int, 1)
}

// BenchmarkSetup passes its *testing.B to a helper that takes a
// testing.TB: translated, its body only skips.
func BenchmarkSetup(b *testing.B) {
	for i := 0; i < b.N; i++ {
		c := setup(b)
		c <- i
	}
}

func FuzzSetup(f *testing.F) {
	f.Add(1)
	f.Fuzz(func(t *testing.T, n int) { setup(t) <- n })
}
