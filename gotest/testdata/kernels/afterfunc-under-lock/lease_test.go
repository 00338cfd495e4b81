package afterfunclock_test

import (
	"testing"
	"time"

	"example.com/gokernels/afterfunc-under-lock/lease"
)

func checkRevoked(t *testing.T, l *lease.Lease) {
	t.Helper()
	if s := l.State(); s != "revoked" {
		t.Errorf("state %q after Revoke", s)
	}
}

func TestBuggy(t *testing.T) {
	l := lease.Grant(time.Millisecond)
	l.Revoke()
	checkRevoked(t, l)
}

func TestFixed(t *testing.T) {
	l := lease.Grant(time.Millisecond)
	l.RevokeFixed()
	checkRevoked(t, l)
}
