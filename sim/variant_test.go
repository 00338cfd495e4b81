package sim_test

import (
	"testing"

	"github.com/simrun/simrun/sim"
)

func TestJudge(t *testing.T) {
	const known, other sim.Kind = "known", "other"
	clean := sim.Variant{Name: "clean", Expected: sim.Clean}
	cleanKnown := sim.Variant{Name: "clean-known", Expected: sim.Clean, Also: []sim.Kind{known}}
	bug := sim.Variant{Name: "bug", Expected: sim.LostWakeup, Also: []sim.Kind{sim.Race}}
	for _, c := range []struct {
		v       sim.Variant
		found   []sim.Kind
		verdict sim.Kind
		ok      bool
	}{
		{clean, nil, sim.Clean, true},
		{clean, []sim.Kind{other}, other, false},
		{cleanKnown, nil, sim.Clean, true},
		{cleanKnown, []sim.Kind{known}, known, true},
		{cleanKnown, []sim.Kind{known, other}, known, false},
		{cleanKnown, []sim.Kind{other}, other, false},
		{bug, nil, sim.Clean, false},
		{bug, []sim.Kind{sim.Race}, sim.Race, false},
		{bug, []sim.Kind{sim.Race, sim.LostWakeup}, sim.LostWakeup, true},
		{bug, []sim.Kind{sim.LostWakeup, sim.Deadlock}, sim.LostWakeup, false},
	} {
		verdict, ok := c.v.Judge(c.found)
		if verdict != c.verdict || ok != c.ok {
			t.Errorf("%s judging %v: (%s, %t), want (%s, %t)", c.v.Name, c.found, verdict, ok, c.verdict, c.ok)
		}
	}
}
