// Package loopvar is a Kubernetes-style controller that starts one
// goroutine per pod from a loop whose variable is declared outside it, so
// every goroutine reads a variable the loop keeps writing (Go 1.22's
// per-iteration variables do not help a variable declared before the
// loop).
package loopvar

import (
	"sync"
	"testing"
)

type controller struct {
	mu     sync.Mutex
	synced map[string]bool
}

func (c *controller) syncPod(name string) {
	c.mu.Lock()
	c.synced[name] = true
	c.mu.Unlock()
}

func (c *controller) syncAll(pods []string) {
	var wg sync.WaitGroup
	var pod string
	for _, pod = range pods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.syncPod(pod) // bug: reads the shared loop variable
		}()
	}
	wg.Wait()
}

func (c *controller) syncAllFixed(pods []string) {
	var wg sync.WaitGroup
	for _, pod := range pods {
		wg.Add(1)
		go func(pod string) {
			defer wg.Done()
			c.syncPod(pod)
		}(pod)
	}
	wg.Wait()
}

func newController() *controller { return &controller{synced: map[string]bool{}} }

func TestBuggy(t *testing.T) { newController().syncAll([]string{"web-0", "web-1"}) }

func TestFixed(t *testing.T) {
	c := newController()
	c.syncAllFixed([]string{"web-0", "web-1"})
	if len(c.synced) != 2 {
		t.Errorf("synced %v", c.synced)
	}
}
