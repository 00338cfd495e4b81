package niloutclosed

import "testing"

func sumTwo(t *testing.T, nilOut bool) {
	t.Helper()
	a, b := make(chan int), make(chan int)
	go func() { a <- 1; close(a) }()
	go func() { b <- 2; close(b) }()
	if s := Sum(a, b, nilOut); s != 3 {
		t.Errorf("Sum = %d, want 3", s)
	}
}

func TestBuggy(t *testing.T) { sumTwo(t, false) }

func TestFixed(t *testing.T) { sumTwo(t, true) }
