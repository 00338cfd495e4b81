package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is an amount of virtual time in nanoseconds. Protocol code uses it
// (never the time package) to price operations; it prints like
// time.Duration.
type Duration int64

// Units of virtual time.
const (
	Nanosecond  Duration = 1
	Microsecond          = 1000 * Nanosecond
	Millisecond          = 1000 * Microsecond
	Second               = 1000 * Millisecond
)

func (d Duration) String() string { return time.Duration(d).String() }

// Seconds returns d as a floating-point number of seconds.
func (d Duration) Seconds() float64 { return float64(d) / float64(Second) }

// ParseDuration parses "2ms", "150us", "1.5s" or a plain number of
// nanoseconds.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return 0, fmt.Errorf("negative duration %q", s)
		}
		return Duration(n), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q (want e.g. 2ms, 150us, 1.5s)", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return Duration(d), nil
}
