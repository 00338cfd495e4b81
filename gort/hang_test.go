package gort

import (
	"strings"
	"testing"
	"time"
)

// TestHang checks that code blocking outside the simulator (an
// untranslated channel) is a watchdog finding that names where it blocked.
// The blocked goroutines are abandoned: they stay blocked.
func TestHang(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the watchdog")
	}
	cfg := testConfig(t)
	cfg.Watchdog = 100 * time.Millisecond
	block := make(chan int)
	res, msg := runTest(t, cfg, "example.com/p", "Test", func(t *T) {
		<-block // a real channel: blocks outside the simulator
	})
	if res.Kind != "hung" || !strings.Contains(msg, "hang_test.go:") {
		t.Errorf("verdict %s %s, want a hung finding at hang_test.go\n%s", res.Verdict, res.Kind, msg)
	}
}
