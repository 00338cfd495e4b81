package pollflag

import "testing"

func TestBuggy(t *testing.T) {
	p := Start(false)
	p.work <- 1
	p.Close()
}

func TestFixed(t *testing.T) {
	p := Start(true)
	p.work <- 1
	p.Close()
}
