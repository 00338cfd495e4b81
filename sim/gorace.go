package sim

// Happens-before for Go's channels, as the Go memory model states it (see
// Chan). Every hook is a nil check when the race detector is off.

// raceWake: a completes a wait it was woken from; it takes the clock its
// waker handed over with raceSignal.
func (x *Execution) raceWake(a *actor) {
	r := x.race
	if r == nil {
		return
	}
	if a.id < len(r.wake) && r.wake[a.id] != nil {
		r.clock(a.id).join(r.wake[a.id])
		r.wake[a.id] = r.wake[a.id][:0]
	}
}

// raceSnapshot returns a copy of a's clock and advances a past it, so a
// later step of a is not covered by what the copy orders.
func (c *chanCore) raceSnapshot(a *actor) vclock {
	r := c.x.race
	if r == nil {
		return nil
	}
	s := append(vclock(nil), *r.clock(a.id)...)
	r.tick(a.id)
	return s
}

// raceJoin: a's next steps happen after clk.
func (c *chanCore) raceJoin(a *actor, clk vclock) {
	if r := c.x.race; r != nil && clk != nil {
		r.clock(a.id).join(clk)
	}
}

// raceReleaseRecv and raceAcquireRecvs are the capacity rule: a receive
// happens before the sends that follow it (Go orders the k-th receive
// before the k+C-th send completes; ordering it before every later send
// can hide a race, never invent one).
func (c *chanCore) raceReleaseRecv(a *actor) {
	if r := c.x.race; r != nil {
		c.recvClock.join(*r.clock(a.id))
		r.tick(a.id)
	}
}

func (c *chanCore) raceAcquireRecvs(a *actor) { c.raceJoin(a, c.recvClock) }

// raceClose keeps the closer's clock for the receives that see the close.
func (c *chanCore) raceClose(a *actor) { c.closeClk = c.raceSnapshot(a) }
