package ui

import (
	"time"
)

// ticker calls a function on the UI goroutine once a second, for the live
// countdowns, until it is stopped or restarted.
type ticker struct {
	stop chan struct{}
}

// start (re)starts the ticker with update; a previous update stops first.
func (t *ticker) start(update func()) {
	t.cancel()
	stop := make(chan struct{})
	t.stop = stop
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				toUI(func() {
					select {
					case <-stop: // stopped while this call was queued
					default:
						update()
					}
				})
			}
		}
	}()
}

// cancel stops the ticker; it is safe to call when it is not running.
func (t *ticker) cancel() {
	if t.stop != nil {
		close(t.stop)
		t.stop = nil
	}
}
