// Package addfiltered is a Docker-style image puller that adds the number
// of images to its WaitGroup up front, then skips the cached ones without
// calling Done; a prefetch running at the same time decides which are
// cached.
package addfiltered

import "sync"

// Puller pulls images, skipping cached ones.
type Puller struct {
	mu     sync.Mutex
	cached map[string]bool
	pulled []string
}

// NewPuller returns a puller with an empty cache.
func NewPuller() *Puller { return &Puller{cached: map[string]bool{}} }

// Prefetch marks an image cached.
func (p *Puller) Prefetch(img string) {
	p.mu.Lock()
	p.cached[img] = true
	p.mu.Unlock()
}

func (p *Puller) isCached(img string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cached[img]
}

func (p *Puller) pull(img string) {
	p.mu.Lock()
	p.pulled = append(p.pulled, img)
	p.mu.Unlock()
}

// PullAll is buggy: a skipped image was counted by Add but never Done.
func (p *Puller) PullAll(images []string) {
	var wg sync.WaitGroup
	wg.Add(len(images))
	for _, img := range images {
		if p.isCached(img) {
			continue
		}
		go func(img string) {
			defer wg.Done()
			p.pull(img)
		}(img)
	}
	wg.Wait()
}

// PullAllFixed adds one per started goroutine.
func (p *Puller) PullAllFixed(images []string) {
	var wg sync.WaitGroup
	for _, img := range images {
		if p.isCached(img) {
			continue
		}
		wg.Add(1)
		go func(img string) {
			defer wg.Done()
			p.pull(img)
		}(img)
	}
	wg.Wait()
}
