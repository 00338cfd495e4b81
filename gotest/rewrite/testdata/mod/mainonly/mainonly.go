// Package mainonly has a TestMain that calls goleak.VerifyTestMain without
// options.
package mainonly

// Two returns 2.
func Two() int { return 2 }
