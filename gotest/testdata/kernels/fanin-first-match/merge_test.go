package fanin

import "testing"

func TestBuggy(t *testing.T) {
	if v := FirstOver(4, nil); v < 5 {
		t.Errorf("FirstOver = %d", v)
	}
}

func TestFixed(t *testing.T) {
	done := make(chan struct{})
	defer close(done)
	if v := FirstOver(4, done); v < 5 {
		t.Errorf("FirstOver = %d", v)
	}
}
