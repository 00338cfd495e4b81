package syncmapcheck

import (
	"sync"
	"sync/atomic"
	"testing"
)

func connectTwice(t *testing.T, addr string, get func(string) (*Conn, bool)) {
	t.Helper()
	t.Cleanup(func() { registry.Delete(addr) })
	var created atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, isNew := get(addr); isNew {
				created.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := created.Load(); n != 1 {
		t.Errorf("%d connections created for %s, want 1", n, addr)
	}
}

func TestBuggy(t *testing.T) { connectTwice(t, "db:5432", GetOrCreate) }

func TestFixed(t *testing.T) { connectTwice(t, "cache:6379", GetOrCreateFixed) }
