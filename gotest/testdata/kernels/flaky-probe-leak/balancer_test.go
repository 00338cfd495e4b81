package flakyprobe

import "testing"

var backends = []string{"10.0.0.1:443", "10.0.0.2:443"}

func TestBuggy(t *testing.T) {
	b := NewBalancer(0)
	t.Logf("down: %v", b.CheckAll(backends))
}

func TestFixed(t *testing.T) {
	b := NewBalancer(len(backends))
	t.Logf("down: %v", b.CheckAll(backends))
}
