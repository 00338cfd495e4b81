package gort

import "testing"

func TestSmoke(t *testing.T) {
	cfg := Config{Runs: 20, TracesDir: t.TempDir()}
	res, msg := runTest(t, cfg, "example.com/p", "TestPC", func(t *T) {
		ch := MakeChan[int](0, "pc.go:1")
		done := MakeChan[bool](0, "pc.go:2")
		Go("consumer", func() {
			sum := 0
			for {
				v, ok := RecvOK(ch)
				if !ok {
					break
				}
				sum += v
			}
			if sum != 6 {
				t.Errorf("sum %d", sum)
			}
			Send(done, true)
		})
		for i := 1; i <= 3; i++ {
			Send(ch, i)
		}
		Close(ch)
		Recv(done)
	})
	t.Log(res, msg)
	res, msg = runTest(t, cfg, "example.com/p", "TestLeak", func(t *T) {
		ch := MakeChan[int](0, "pc.go:1")
		Go("worker", func() { Sleep(5); Send(ch, 1) })
		Select(false, Recving(ch), Recving(After(3)))
	})
	t.Log(res, msg)
}
