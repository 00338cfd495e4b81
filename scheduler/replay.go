package scheduler

// Replay re-runs a recorded list of decisions exactly. When the list runs
// out, or a recorded index does not fit the decision, Next returns -1 and
// the runtime reports the divergence.
type Replay struct {
	decisions []int
	i         int
	info      Info
	done      bool
}

// NewReplay returns a strategy that replays decisions once. info is what
// Info reports (the recorded strategy, for trace headers).
func NewReplay(decisions []int, info Info) *Replay {
	return &Replay{decisions: decisions, info: info}
}

// Begin implements Strategy: a replay has exactly one execution.
func (s *Replay) Begin(run int) bool {
	if s.done {
		return false
	}
	s.done, s.i = true, 0
	return true
}

// Next implements Strategy.
func (s *Replay) Next(d *Decision) int {
	if s.i >= len(s.decisions) {
		return -1
	}
	c := s.decisions[s.i]
	s.i++
	if c >= len(d.Choices) {
		return -1
	}
	return c
}

// End implements Strategy.
func (s *Replay) End(*Path) {}

// Info implements Strategy.
func (s *Replay) Info() Info { return s.info }

// Tape is a lenient replay for shrinking and property-based testing: it
// plays a tape of numbers, taking each modulo the number of choices, and
// chooses 0 (no preemption) once the tape runs out. Any tape gives a valid
// execution, so a shrinker may edit it freely.
type Tape struct {
	tape []int
	i    int
	done bool
	info Info
}

// NewTape returns a strategy that plays tape once.
func NewTape(tape []int) *Tape { return &Tape{tape: tape, info: Info{Name: "tape"}} }

// Begin implements Strategy.
func (s *Tape) Begin(run int) bool {
	if s.done {
		return false
	}
	s.done, s.i = true, 0
	return true
}

// Next implements Strategy.
func (s *Tape) Next(d *Decision) int {
	if s.i >= len(s.tape) {
		return 0
	}
	v := s.tape[s.i]
	s.i++
	if v < 0 {
		v = -v
	}
	return v % len(d.Choices)
}

// End implements Strategy.
func (s *Tape) End(*Path) {}

// Info implements Strategy.
func (s *Tape) Info() Info { return s.info }
