package resultleak

import "testing"

func TestBuggy(t *testing.T) { Fetch(false) }

func TestFixed(t *testing.T) { Fetch(true) }
