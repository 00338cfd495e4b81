package bench_test

import (
	"fmt"

	"github.com/simrun/simrun/bench"
)

// Run a benchmark and read its points: here the wakeup benchmark at its
// reduced (-quick) sizes, under the reference cost model. The virtual
// times are deterministic.
func ExampleRun() {
	r, err := bench.Run("wakeup", bench.Options{Quick: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range r.Points {
		fmt.Printf("%3.0f waiters: last runs after %5.0fµs (signals) %5.0fµs (broadcast)\n",
			p.Float("waiters"), p.Float("signal_last_runs"), p.Float("broadcast_last_runs"))
	}
	// Output:
	//   1 waiters: last runs after     9µs (signals)     9µs (broadcast)
	//   4 waiters: last runs after    21µs (signals)    30µs (broadcast)
	//  16 waiters: last runs after    69µs (signals)   114µs (broadcast)
	//  64 waiters: last runs after   261µs (signals)   450µs (broadcast)
}
