package sleeporder

import (
	"testing"
	"time"
)

// expect waits for the message. It has no timeout of its own: a lost
// message hangs the test, which go test's -timeout (or simrun test's
// deadlock finding) reports. (A time.After safety net would make the
// fixed test fail under simrun too: a timer may fire at any point, as
// Go's runtime may run it when the goroutines are descheduled.)
func expect(t *testing.T, got <-chan string, want string) {
	t.Helper()
	if m := <-got; m != want {
		t.Errorf("got %q, want %q", m, want)
	}
}

func TestBuggy(t *testing.T) {
	var b Broker
	got := make(chan string, 1)
	go func() {
		ch := b.Subscribe()
		got <- <-ch
	}()
	time.Sleep(10 * time.Millisecond) // bug: "the subscriber is registered by now"
	b.Publish("hello")
	expect(t, got, "hello")
}

func TestFixed(t *testing.T) {
	var b Broker
	got := make(chan string, 1)
	ch := b.Subscribe()
	go func() { got <- <-ch }()
	b.Publish("hello")
	expect(t, got, "hello")
}
