package basic

import (
	"context"
	"testing"
	"time"
)

var testState = 3

func TestPool(t *testing.T) {
	p := NewPool(2)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	p.Run(ctx, 2)
	if Captured() != 1 {
		t.Fatal("bad")
	}
}

func init() { testState++ }
