// Package sleeporder is a gRPC-style broker whose test starts a
// subscriber goroutine and trusts a time.Sleep to have it registered
// before publishing; when the publish comes first the message is dropped
// and the test waits for it forever.
package sleeporder

import "sync"

// Broker fans messages out to its subscribers, dropping them for
// subscribers that are not keeping up.
type Broker struct {
	mu   sync.Mutex
	subs []chan string
}

// Subscribe registers a new subscriber.
func (b *Broker) Subscribe() <-chan string {
	ch := make(chan string, 1)
	b.mu.Lock()
	b.subs = append(b.subs, ch)
	b.mu.Unlock()
	return ch
}

// Publish delivers m to the current subscribers.
func (b *Broker) Publish(m string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.subs {
		select {
		case s <- m:
		default:
		}
	}
}
