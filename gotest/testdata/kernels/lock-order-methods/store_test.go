package lockorder

import "testing"

func splitWhileReporting(split func(*Replica)) {
	s, r := NewStore(64)
	done := make(chan struct{})
	go func() { defer close(done); split(r) }()
	s.Report()
	<-done
}

func TestBuggy(t *testing.T) { splitWhileReporting((*Replica).Split) }

func TestFixed(t *testing.T) { splitWhileReporting((*Replica).SplitFixed) }
