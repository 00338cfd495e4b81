package unlockonerror

import (
	"sync"
	"testing"
)

func run(get func(bool) error) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); get(true) }()
	go func() { defer wg.Done(); get(false) }()
	wg.Wait()
}

func TestBuggy(t *testing.T) {
	c := &Cache{}
	run(c.Get)
}

func TestFixed(t *testing.T) {
	c := &Cache{}
	run(c.GetFixed)
}
