package gort

import (
	"testing"
	"time"

	"github.com/simrun/simrun/scheduler"
	"github.com/simrun/simrun/sim"
)

// The cost of the translation per step: the same ping-pong over two
// unbuffered channels, written against sim and as the translator writes
// it against gort, explored by the same strategy with the race detector
// on. The ratio of the ns/step metrics is the translation's overhead
// (issue 13 asks for at most 2x); PingPongAccess adds the instrumented
// memory accesses of a translated program.

const rounds = 50

func pingPongSim(x *sim.Execution) {
	ping := sim.NewChan[int](x, "ping", 0)
	pong := sim.NewChan[int](x, "pong", 0)
	x.Go("ponger", func() {
		for range rounds {
			pong.Send(ping.Recv() + 1)
		}
	})
	for i := range rounds {
		ping.Send(i)
		pong.Recv()
	}
}

func pingPongGort(x *sim.Execution) {
	begin(x)
	ping := MakeChan[int](0, "bench.go:1")
	pong := MakeChan[int](0, "bench.go:2")
	Go("ponger", func() {
		for range rounds {
			Send(pong, Recv(ping)+1)
		}
	})
	for i := range rounds {
		Send(ping, i)
		Recv(pong)
	}
}

// pingPongAccess is pingPongGort with the race detector's work of a
// translated program: every round writes and reads a shared counter
// (instrumented, ordered by the channels, so no race).
func pingPongAccess(x *sim.Execution) {
	begin(x)
	ping := MakeChan[int](0, "bench.go:1")
	pong := MakeChan[int](0, "bench.go:2")
	n := 0
	Go("ponger", func() {
		for range rounds {
			Recv(ping)
			*Write(&n, "n (bench.go:3)")++
			Send(pong, 0)
		}
	})
	for i := range rounds {
		Send(ping, i)
		Recv(pong)
		_ = *Read(&n, "n (bench.go:4)")
	}
}

func benchScenario(b *testing.B, s sim.Scenario) {
	b.ReportAllocs()
	start := time.Now()
	rep, err := sim.Explore(s, sim.Options{Strategy: scheduler.NewRandom(1), Runs: b.N, Races: true})
	if err != nil {
		b.Fatal(err)
	}
	if len(rep.Findings) > 0 {
		b.Fatal(rep.Findings[0])
	}
	end()
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(rep.Steps), "ns/step")
}

func BenchmarkPingPongSim(b *testing.B)  { benchScenario(b, pingPongSim) }
func BenchmarkPingPongGort(b *testing.B) { benchScenario(b, pingPongGort) }

func BenchmarkPingPongAccess(b *testing.B) { benchScenario(b, pingPongAccess) }
