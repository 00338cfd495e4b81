// Package jsonout writes the -json output of simrun's commands, so that
// simrun run, explore and test (package gotest) print JSON alike: indented
// by two spaces, with <, > and & as they are (messages quote Go code such
// as "<-ch", which HTML escaping would garble).
package jsonout

import (
	"encoding/json"
	"fmt"
	"io"
)

// Write writes v to w as indented JSON, one value and a newline.
func Write(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}
