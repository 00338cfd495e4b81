package stoploop

import "testing"

func TestBuggy(t *testing.T) {
	l := Start(false)
	l.Submit(1)
	l.Close()
}

func TestFixed(t *testing.T) {
	l := Start(true)
	l.Submit(1)
	l.Close()
}
