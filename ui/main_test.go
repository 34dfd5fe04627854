package ui

import (
	"os"
	"testing"
)

// uiQueue holds the UI work that goroutines hand over through toUI until the
// test's goroutine runs it (runUI), so that widgets are only ever touched by
// one goroutine, as in the real app.
var uiQueue = make(chan func(), 1<<14)

func TestMain(m *testing.M) {
	toUI = func(fn func()) { uiQueue <- fn }
	os.Exit(m.Run())
}

// runUI runs the UI work handed over so far, on the calling (test)
// goroutine, and what that work hands over in turn.
func runUI() {
	for {
		select {
		case fn := <-uiQueue:
			fn()
		default:
			return
		}
	}
}
