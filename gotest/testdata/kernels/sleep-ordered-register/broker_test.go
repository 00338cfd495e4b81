package sleeporder

import (
	"testing"
	"time"
)

func expect(t *testing.T, got <-chan string, want string) {
	t.Helper()
	select {
	case m := <-got:
		if m != want {
			t.Errorf("got %q, want %q", m, want)
		}
	case <-time.After(time.Second):
		t.Fatal("no message")
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
