package rlockupgrade

import "testing"

func getWhileEvicting(get func(*Cache, string) int) {
	c := NewCache("pods", 4)
	done := make(chan struct{})
	go func() { defer close(done); c.Evict("pods") }()
	get(c, "pods")
	<-done
}

func TestBuggy(t *testing.T) { getWhileEvicting((*Cache).GetOrLoad) }

func TestFixed(t *testing.T) { getWhileEvicting((*Cache).GetOrLoadFixed) }
