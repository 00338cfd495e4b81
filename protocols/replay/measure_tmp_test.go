package replay

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

func TestTmpMeasure(t *testing.T) {
	if os.Getenv("REPLAY_MEASURE") == "" {
		t.Skip("set REPLAY_MEASURE")
	}
	for _, n := range []int{10, 30, 100, 301} {
		for _, v := range []Variant{Replay, MergeOnly} {
			st := time.Now()
			m, f, err := Measure(v, Config{VMs: n, Unchecked: true}, DefaultCost, 1)
			b, _ := json.Marshal(m)
			t.Logf("%s vms=%d %s finding=%v err=%v wall=%v", v, n, b, f, err, time.Since(st))
		}
	}
}
