package unsupported

import "testing"

func TestFirstOf(t *testing.T) {
	a, b := make(chan int, 1), make(chan int, 1)
	a <- 1
	if got := FirstOf([]chan int{a, b}); got != 1 {
		t.Fatalf("FirstOf = %d", got)
	}
}
