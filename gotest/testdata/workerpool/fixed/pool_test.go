package workerpool

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"
)

// job returns a job that works for d, then returns name.
func job(name string, d time.Duration) Job {
	return func(ctx context.Context) (string, error) {
		time.Sleep(d)
		return name, nil
	}
}

func TestRun(t *testing.T) {
	out, err := New(2).Run(context.Background(), []Job{
		job("a", time.Millisecond), job("b", time.Millisecond), job("c", time.Millisecond),
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	if got := strings.Join(out, ","); got != "a,b,c" {
		t.Fatalf("Run = %s, want a,b,c", got)
	}
}

// untilCancelled is a job that works until its context ends.
func untilCancelled(ctx context.Context) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

func TestRunTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err := New(2).Run(ctx, []Job{untilCancelled, untilCancelled})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v, want the deadline", err)
	}
}
