package ui

import (
	"fmt"
	"os"
)

// exitWithoutDisplay ends the process with one sentence when no window can
// open (display_x11.go, display_wayland.go, display_other.go), before Fyne
// and GLFW start: they would panic with a stack trace instead.
func exitWithoutDisplay() {
	if err := displayProblem(os.Getenv); err != nil {
		fmt.Fprintf(os.Stderr, "error: OSS Drop cannot open its window: %v; its command line needs no display: run 'ossdrop help' for the commands.\n", err)
		os.Exit(1)
	}
}
