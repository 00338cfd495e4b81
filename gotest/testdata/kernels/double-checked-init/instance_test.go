package doublechecked

import (
	"sync"
	"testing"
)

func both(get func() *Client) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); get() }()
	go func() { defer wg.Done(); get() }()
	wg.Wait()
}

func TestBuggy(t *testing.T) { both(Get) }

func TestFixed(t *testing.T) { both(GetOnce) }
