// Package funcchan is a Syncthing-style serial executor: tasks are
// closures sent on a channel of funcs to one goroutine. After Stop the
// goroutine is gone, and the buggy Submit blocks for ever on its send.
package funcchan

// Executor runs tasks one at a time.
type Executor struct {
	tasks chan func()
	quit  chan struct{}
}

// New starts the executor's goroutine.
func New() *Executor {
	e := &Executor{tasks: make(chan func()), quit: make(chan struct{})}
	go e.loop()
	return e
}

func (e *Executor) loop() {
	for {
		select {
		case f := <-e.tasks:
			f()
		case <-e.quit:
			return
		}
	}
}

// Submit is buggy: it does not notice that the executor has stopped.
func (e *Executor) Submit(f func()) { e.tasks <- f }

// SubmitFixed drops the task once the executor has stopped; it reports
// whether the task was accepted.
func (e *Executor) SubmitFixed(f func()) bool {
	select {
	case e.tasks <- f:
		return true
	case <-e.quit:
		return false
	}
}

// Stop ends the executor.
func (e *Executor) Stop() { close(e.quit) }
