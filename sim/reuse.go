package sim

// Reuse returns memory for a T that a scenario keeps from one execution to
// the next instead of allocating it anew: the T the previous execution on
// the same runner (one worker of an exploration) was handed, as that
// execution left it, with reused true; or a new zero T, with reused false,
// the first time, on a runner of its own (a replay, a minimisation), and
// for a second Reuse of the same T in one execution (two servers in one
// scenario never share memory).
//
// It is for the scenario's own plain structures, the ones a scenario
// would otherwise allocate every execution (a server, its logs, its
// thread descriptors): the caller resets every field it reads, and
// nothing may keep a pointer into the memory past the end of its
// execution (a recorded event must copy what it holds, as the History is
// reused too). Primitives (Mutex, Var, ...) are created every execution,
// as always, and stored in the reused memory; a library that hands its
// primitives out every execution and never lets them be kept may keep
// them in the reused memory too and re-initialise them with InitMutex,
// InitCond and InitVar (groupcommit's thread descriptors do).
//
// Executions on one runner never overlap, so the memory needs no lock;
// workers have runners of their own, so two executions running at once
// never share it.
func Reuse[T any](x *Execution) (p *T, reused bool) {
	r := x.pool
	for _, k := range r.kept {
		if k, ok := k.(*kept[T]); ok {
			if k.gen == x.gen {
				return new(T), false
			}
			k.gen = x.gen
			return &k.v, true
		}
	}
	k := &kept[T]{gen: x.gen}
	r.kept = append(r.kept, k)
	return &k.v, false
}

// kept is a T that Reuse hands out, and the execution it was last handed
// to.
type kept[T any] struct {
	v   T
	gen uint64
}
