package loopvar

import "testing"

func TestSum(t *testing.T) {
	ch := make(chan int)
	close(ch)
	if got := Sum([]int{1, 2}, ch); got < 2 {
		t.Errorf("sum = %d", got)
	}
}
