//go:build !unix

package bench

import "time"

var start = time.Now()

// cpuTime stands in for the process's CPU time where getrusage is missing:
// the wall time since start.
func cpuTime() time.Duration { return time.Since(start) }
