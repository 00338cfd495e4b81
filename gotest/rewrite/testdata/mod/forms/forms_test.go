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
