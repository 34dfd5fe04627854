package ui

import "fyne.io/fyne/v2"

// toUI hands fn to the UI goroutine: it is fyne.Do. Work done off that
// goroutine (network, keychain, disk, timers) reaches widgets only through
// it. Tests replace it with a queue that the test's own goroutine drains,
// as a real event loop would: Fyne's test driver runs fyne.Do at once on
// the calling goroutine, which would race with the test reading widgets.
var toUI = fyne.Do
