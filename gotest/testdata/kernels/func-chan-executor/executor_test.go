package funcchan

import "testing"

func TestBuggy(t *testing.T) {
	e := New()
	ran := make(chan struct{})
	e.Submit(func() { close(ran) })
	<-ran
	go e.Submit(func() {}) // a late event handler
	e.Stop()
}

func TestFixed(t *testing.T) {
	e := New()
	ran := make(chan struct{})
	e.SubmitFixed(func() { close(ran) })
	<-ran
	go e.SubmitFixed(func() {})
	e.Stop()
}
