// Package poolreuse is a Hugo-style renderer that takes buffers from a
// sync.Pool and puts a buffer back while the goroutine it handed the
// buffer to may still be writing it.
package poolreuse

import "sync"

var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// Render writes page through a background writer and returns its length.
func Render(page string) int {
	buf := bufPool.Get().(*[]byte)
	done := make(chan int, 1)
	go func() {
		*buf = append((*buf)[:0], page...)
		done <- len(*buf)
	}()
	bufPool.Put(buf) // bug: the writer may still be using buf
	return <-done
}

// RenderFixed puts the buffer back once the writer is done with it.
func RenderFixed(page string) int {
	buf := bufPool.Get().(*[]byte)
	done := make(chan int, 1)
	go func() {
		*buf = append((*buf)[:0], page...)
		done <- len(*buf)
	}()
	n := <-done
	bufPool.Put(buf)
	return n
}
