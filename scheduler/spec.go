package scheduler

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Spec names a strategy and its parameters. Command-line flags parse into
// it, traces store it (as traces.Strategy, the same fields), strategies
// report it (Strategy.Info), and New is the one way to build a strategy
// from a description: so that the CLI, sim.Hunt, the tests and the benches
// cannot drift apart on what "pct" or "dfs:bound=2" means.
//
// Depth and Bound are separate fields because they are different knobs:
// PCT's bug depth d says how many ordering constraints a bug needs, DFS's
// and DPOR's preemption bound cuts the search tree. One field for both
// made every trace header ambiguous.
type Spec struct {
	Name   string `json:"name"`             // random | pct | pos | posc | surw | mix | dfs | dpor | replay | tape
	Seed   uint64 `json:"seed"`             // random, pct, pos, posc, surw, mix: the seed of the first execution (of this execution, when reported by Info)
	Depth  int    `json:"depth,omitempty"`  // pct, posc, mix: bug depth d (0: DefaultDepth)
	Steps  int    `json:"steps,omitempty"`  // pct, mix: expected steps k; posc: expected communicating steps (0: learn it)
	Bound  *int   `json:"bound,omitempty"`  // dfs, dpor: preemption bound (nil: none)
	Events string `json:"events,omitempty"` // surw: estimated steps per object and actor, "3:0/2/2;7:1/1/1" (ParseEvents; "": learn them)
}

// DefaultDepth is PCT's bug depth when a Spec leaves it 0: depth 3 finds
// the bugs that need two ordering constraints besides the first, which is
// what the seeded group-commit bugs need, at a probability per run that a
// few thousand runs make near-certain.
const DefaultDepth = 3

// Strategy names that New builds.
const (
	NameRandom = "random"
	NamePCT    = "pct"
	NameDFS    = "dfs"
	NameDPOR   = "dpor"
	NamePOS    = "pos"
	NameSURW   = "surw"
	NameMix    = "mix"
	NamePOSC   = "posc"
)

// IntPtr returns a pointer to n, for Spec.Bound literals.
func IntPtr(n int) *int { return &n }

// ParseSpec parses a strategy description: a name, optionally followed by
// a colon and comma-separated key=value parameters, for example "random",
// "pct", "pct:depth=3,steps=200", "dfs:bound=2", "dpor", "dpor:bound=1",
// "random:seed=7", "pos", "posc", "posc:depth=2", "mix", "surw:events=3:0/2/2;7:1/1/1". Keys:
// seed, depth and steps (pct, posc, mix), bound (dfs, dpor; "none" or a negative
// number for no bound) and events (surw). The result is validated as New
// validates it.
func ParseSpec(s string) (Spec, error) {
	name, params, _ := strings.Cut(strings.TrimSpace(s), ":")
	sp := Spec{Name: name}
	if params != "" {
		for _, kv := range strings.Split(params, ",") {
			if err := sp.set(kv); err != nil {
				return Spec{}, fmt.Errorf("strategy %q: %w", s, err)
			}
		}
	}
	if err := sp.Validate(); err != nil {
		return Spec{}, fmt.Errorf("strategy %q: %w", s, err)
	}
	return sp, nil
}

// set applies one key=value parameter.
func (s *Spec) set(kv string) error {
	k, v, ok := strings.Cut(kv, "=")
	if !ok {
		return fmt.Errorf("parameter %q is not key=value", kv)
	}
	if k == "bound" && v == "none" {
		s.Bound = nil
		return nil
	}
	if k == "events" {
		s.Events = v
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("parameter %s: %w", k, err)
	}
	switch k {
	case "seed":
		if n < 0 {
			return fmt.Errorf("seed %d is negative", n)
		}
		s.Seed = uint64(n)
	case "depth":
		s.Depth = int(n)
	case "steps":
		s.Steps = int(n)
	case "bound":
		if n < 0 {
			s.Bound = nil
		} else {
			s.Bound = IntPtr(int(n))
		}
	default:
		return fmt.Errorf("unknown parameter %q (want seed, depth, steps, bound or events)", k)
	}
	return nil
}

// Validate reports a Spec that New would refuse: an unknown name, or a
// parameter that the named strategy does not take (a bound for PCT would
// otherwise be silently ignored).
func (s Spec) Validate() error {
	switch s.Name {
	case NameRandom, NamePOS:
		if s.Depth != 0 || s.Steps != 0 || s.Bound != nil || s.Events != "" {
			return fmt.Errorf("%s takes only a seed", s.Name)
		}
	case NameSURW:
		if s.Depth != 0 || s.Steps != 0 || s.Bound != nil {
			return errors.New("surw takes only a seed and events")
		}
		if _, err := ParseEvents(s.Events); err != nil {
			return err
		}
	case NamePCT, NameMix, NamePOSC:
		if s.Depth < 0 || s.Steps < 0 {
			return fmt.Errorf("pct depth %d and steps %d must not be negative", s.Depth, s.Steps)
		}
		if s.Bound != nil || s.Events != "" {
			return fmt.Errorf("%s takes no bound or events (did you mean depth?)", s.Name)
		}
	case NameDFS, NameDPOR:
		if s.Depth != 0 || s.Steps != 0 || s.Events != "" {
			return fmt.Errorf("%s takes only a bound", s.Name)
		}
	case NameStateful, NameBrute:
		if s.Depth != 0 || s.Steps != 0 || s.Bound != nil || s.Seed != 0 || s.Events != "" {
			return fmt.Errorf("%s takes no parameters (it has no bound)", s.Name)
		}
	case "":
		return errors.New("no strategy name")
	default:
		return fmt.Errorf("unknown strategy %q (want random, pct, pos, posc, surw, mix, dfs, dpor, stateful or brute)", s.Name)
	}
	return nil
}

// New builds the strategy s describes. Replay and tape cannot be built
// from a Spec: they need their decisions (NewReplay, NewTape).
func (s Spec) New() (Strategy, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	switch s.Name {
	case NameRandom:
		return NewRandom(s.Seed), nil
	case NamePCT:
		return NewPCT(s.Seed, s.PCTDepth(), s.Steps), nil
	case NamePOS:
		return NewPOS(s.Seed), nil
	case NameMix:
		return NewMix(s.Seed, s.PCTDepth(), s.Steps), nil
	case NamePOSC:
		return NewPOSC(s.Seed, s.PCTDepth(), s.Steps), nil
	case NameSURW:
		ev, _ := ParseEvents(s.Events) // checked by Validate
		return NewSURW(s.Seed, ev), nil
	case NameDFS:
		return NewDFS(s.bound()), nil
	case NameStateful:
		return NewStateful(), nil
	case NameBrute:
		return NewBruteForce(), nil
	default: // NameDPOR, as Validate allows
		return NewBoundedDPOR(s.bound()), nil
	}
}

// PCTDepth is the bug depth PCT (alone or in a Mix) and POSC run with: Depth, or DefaultDepth if 0.
func (s Spec) PCTDepth() int {
	if s.Depth == 0 {
		return DefaultDepth
	}
	return s.Depth
}

// bound is Bound as the constructors take it: < 0 for none.
func (s Spec) bound() int {
	if s.Bound == nil {
		return -1
	}
	return *s.Bound
}

// String formats s as ParseSpec reads it, leaving out zero parameters:
// "pct:depth=3,steps=40,seed=1", "dfs:bound=2", "dpor".
func (s Spec) String() string {
	var p []string
	if s.Depth != 0 {
		p = append(p, "depth="+strconv.Itoa(s.Depth))
	}
	if s.Steps != 0 {
		p = append(p, "steps="+strconv.Itoa(s.Steps))
	}
	if s.Bound != nil {
		p = append(p, "bound="+strconv.Itoa(*s.Bound))
	}
	if s.Events != "" {
		p = append(p, "events="+s.Events)
	}
	if s.Seed != 0 {
		p = append(p, "seed="+strconv.FormatUint(s.Seed, 10))
	}
	if len(p) == 0 {
		return s.Name
	}
	return s.Name + ":" + strings.Join(p, ",")
}

// boundSpec is a constructor's bound (< 0: none) as Spec.Bound.
func boundSpec(bound int) *int {
	if bound < 0 {
		return nil
	}
	return IntPtr(bound)
}
