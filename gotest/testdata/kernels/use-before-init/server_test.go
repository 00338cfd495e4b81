package usebeforeinit

import "testing"

func TestBuggy(t *testing.T) { Start() }

func TestFixed(t *testing.T) {
	s := StartFixed()
	if got := <-s.served; got != "loaded" {
		t.Errorf("served with %q", got)
	}
}
