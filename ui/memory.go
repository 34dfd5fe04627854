package ui

import (
	"runtime/debug"
	"time"
)

// startupSettle is how long after start-up the window has laid out and
// drawn its first frames (it appears within about a second).
const startupSettle = 3 * time.Second

// releaseStartupMemory gives back to the system, once the window has
// settled, the memory that building it used and no longer needs. Fyne
// parses every font of each text style in full while laying out the first
// frame (measured with pprof: most of a 20 to 30 MB heap at that point),
// which leaves as much again in garbage; the Go runtime would keep that
// until the heap doubles, and an idle window never gets there. Measured
// with scripts/bench-window, this is about 20 MB of resident memory.
func releaseStartupMemory() {
	time.AfterFunc(startupSettle, debug.FreeOSMemory)
}
