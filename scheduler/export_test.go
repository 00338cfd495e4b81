package scheduler

// RecordsCommute makes s take steps that record history events as
// independent of each other: a seeded bug, so that the tests show they
// catch an unsound dependency relation in the sleep sets.
func (s *Stateful) RecordsCommute() { s.recordsCommute = true }

// Reexplored returns how many revisits of a state explored steps that
// slept at its first visit.
func (s *Stateful) Reexplored() int { return s.reexplored }
