package lazydone

import (
	"sync"
	"testing"
)

func waitTwice(o *Op) {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); <-o.Done() }()
	}
	o.Finish()
	wg.Wait()
}

func TestBuggy(t *testing.T) { waitTwice(&Op{}) }

func TestFixed(t *testing.T) { waitTwice(&Op{locked: true}) }
