package forms

// NewQueue makes a named channel type declared in another file: the only
// translated construct of this file, which needs no gort import.
func NewQueue() Queue { return make(Queue, 1) }
