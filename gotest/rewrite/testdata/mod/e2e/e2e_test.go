package e2e

import (
	"fmt"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

func TestLeak(t *testing.T) {
	if Fetch(false, true) != -1 {
		t.Fatal("want -1")
	}
}

func TestNoLeak(t *testing.T) {
	Fetch(true, true)
	if Calls() != 1 {
		t.Fatalf("calls = %d: package state was not reset", Calls())
	}
}

func testCounter(t *testing.T, locked bool) {
	var c Counter
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Inc(locked)
		}()
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n != 2 {
		t.Errorf("n = %d", c.n)
	}
}

func TestRace(t *testing.T)   { testCounter(t, false) }
func TestLocked(t *testing.T) { testCounter(t, true) }

// TestFatalInSafely: t.Fatal inside a function whose caller recovers must
// still end the test with a finding.
func TestFatalInSafely(t *testing.T) {
	if Safely(func() { panic("x") }) != true {
		t.Error("the panic was not recovered")
	}
	Safely(func() { t.Fatal("fatal") })
}

// TestGoleak: goleak.VerifyNone (with an option) reports the leaking
// sender as gort.VerifyNone does.
func TestGoleak(t *testing.T) {
	opts := []goleak.Option{goleak.IgnoreCurrent()}
	defer goleak.VerifyNone(t, opts...)
	Fetch(false, true)
}

func testRegistry(t *testing.T, locked bool) {
	r := &Registry{m: map[string]int{}}
	done := make(chan bool)
	go func() {
		r.Set("a", 1, locked)
		done <- true
	}()
	r.Sum()
	<-done
}

// TestMapRace: an unlocked write races with a locked range over the map.
func TestMapRace(t *testing.T)   { testRegistry(t, false) }
func TestMapLocked(t *testing.T) { testRegistry(t, true) }

// ExampleFetch would run outside RunTest: the translation renames it.
func ExampleFetch() {
	fmt.Println(Fetch(true, false))
	// Output: 42
}

func testLog(t *testing.T, locked bool) {
	var l Log
	var wg sync.WaitGroup
	for _, s := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.Add(s, locked)
		}()
	}
	wg.Wait()
}

// TestBufferRace: two goroutines write a bytes.Buffer without its lock.
func TestBufferRace(t *testing.T)   { testLog(t, false) }
func TestBufferLocked(t *testing.T) { testLog(t, true) }
