// Package semuser calls the methods of another package's named channel
// type, which the translation turned into exported functions.
package semuser

import "example.com/rw/forms"

func Use() {
	var s forms.Sem
	s.Reset(1)
	s.Acquire()
	release := forms.Sem.Release
	release(s)
}
