// Package capturederr is an etcd-style client that writes two keys in
// parallel and collects errors in one captured err variable, written by
// both goroutines.
package capturederr

import (
	"errors"
	"sync"
	"testing"
)

var errEmptyKey = errors.New("empty key")

type client struct {
	mu   sync.Mutex
	kv   map[string]string
	puts int
}

func (c *client) put(k, v string) error {
	if k == "" {
		return errEmptyKey
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kv[k] = v
	c.puts++
	return nil
}

func (c *client) putBoth() error {
	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err = c.put("a", "1") // bug: both goroutines write err
	}()
	err = c.put("b", "2")
	wg.Wait()
	return err
}

func (c *client) putBothFixed() error {
	var errA error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		errA = c.put("a", "1")
	}()
	errB := c.put("b", "2")
	wg.Wait()
	return errors.Join(errA, errB)
}

func newClient() *client { return &client{kv: map[string]string{}} }

func TestBuggy(t *testing.T) {
	if err := newClient().putBoth(); err != nil {
		t.Fatal(err)
	}
}

func TestFixed(t *testing.T) {
	if err := newClient().putBothFixed(); err != nil {
		t.Fatal(err)
	}
}
