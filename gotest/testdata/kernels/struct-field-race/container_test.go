package structfield

import "testing"

func stopWhileInspecting(t *testing.T, state func(*Container) string) {
	t.Helper()
	c := &Container{State: "running"}
	done := make(chan struct{})
	go func() { defer close(done); c.SetStopped(0) }()
	if s := state(c); s != "running" && s != "stopped" {
		t.Errorf("state %q", s)
	}
	<-done
}

func TestBuggy(t *testing.T) { stopWhileInspecting(t, (*Container).StateString) }

func TestFixed(t *testing.T) { stopWhileInspecting(t, (*Container).StateStringFixed) }
