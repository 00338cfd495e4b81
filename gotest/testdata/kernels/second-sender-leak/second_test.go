// Package secondsender: two workers report errors on an unbuffered
// channel and the caller returns after the first.
package secondsender

import (
	"errors"
	"testing"
)

var errFailed = errors.New("request failed")

func firstError(buf int) error {
	errs := make(chan error, buf)
	go func() { errs <- errFailed }()
	go func() { errs <- errFailed }()
	return <-errs
}

func TestBuggy(t *testing.T) {
	if firstError(0) == nil {
		t.Fatal("no error")
	}
}

func TestFixed(t *testing.T) {
	if firstError(2) == nil {
		t.Fatal("no error")
	}
}
