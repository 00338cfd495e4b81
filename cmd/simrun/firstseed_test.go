package main

import (
	"encoding/json"
	"testing"

	"github.com/simrun/simrun/sim"
)

// FIRST SEED (-json first_seed) is the seed of the first finding of the
// verdict's kind: the expected kind when found, even after another kind
// (the race that comes before a lost wakeup); else the kind that made the
// verdict; nothing when clean.
func TestFirstSeed(t *testing.T) {
	race := &sim.HuntFinding{Finding: &sim.Finding{Kind: sim.Race, Seed: 11}}
	lost := &sim.HuntFinding{Finding: &sim.Finding{Kind: sim.LostWakeup, Seed: 22}}
	for _, c := range []struct {
		name     string
		expected sim.Kind
		found    []*sim.HuntFinding
		want     string // first_seed in the JSON, "" for none
	}{
		{"expected after another kind", sim.LostWakeup, []*sim.HuntFinding{race, lost}, "22"},
		{"expected first", sim.LostWakeup, []*sim.HuntFinding{lost, race}, "22"},
		{"expected not found", sim.LostWakeup, []*sim.HuntFinding{race}, "11"},
		{"clean variant, a finding", sim.Clean, []*sim.HuntFinding{race, lost}, "11"},
		{"clean", sim.Clean, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := sim.Variant{Name: "v", Expected: c.expected}
			var kinds []sim.Kind
			for _, hf := range c.found {
				kinds = append(kinds, hf.Finding.Kind)
			}
			vd := &sim.Verdict{Findings: c.found}
			vd.Kind, vd.OK = v.Judge(kinds)
			b, err := json.Marshal(newVariantResult("p", v, nil, vd))
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				FirstSeed json.RawMessage `json:"first_seed"`
			}
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if string(got.FirstSeed) != c.want {
				t.Errorf("first_seed %s, want %q:\n%s", got.FirstSeed, c.want, b)
			}
		})
	}
}
