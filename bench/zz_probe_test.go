package bench

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/simrun/simrun/scheduler"
)

func TestProbe(t *testing.T) {
	spec, _ := scheduler.ParseSpec(os.Getenv("PROBE_SPEC"))
	c := StrategyCase{"x", []scheduler.Spec{spec}}
	for _, vt := range strings.Fields(os.Getenv("PROBE_CASES")) {
		var p, v string
		var n int
		parts := strings.Split(vt, "@")
		fmt.Sscan(parts[1], &n)
		p, v, _ = strings.Cut(parts[0], "/")
		var execs []float64
		for i := range 50 {
			ht, err := huntSeeded(SeededBug{p, v}, n, c, uint64(1+i), 1000)
			if err != nil {
				t.Fatal(err)
			}
			e := math.Inf(1)
			if ht.execs > 0 {
				e = float64(ht.execs)
			}
			execs = append(execs, e)
		}
		fmt.Printf("%s %s@%d: %v/%v\n", spec, p+"/"+v, n, percentile(execs, 50), percentile(execs, 100))
	}
}
