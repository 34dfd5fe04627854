//go:build (linux || freebsd || openbsd || netbsd || dragonfly) && wayland

package ui

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"time"
)

// displayProblem says why the Wayland window GLFW opens (a build with the
// wayland tag) cannot open: WAYLAND_DISPLAY unset or not answering.
func displayProblem(getenv func(string) string) error {
	name := getenv("WAYLAND_DISPLAY")
	if name == "" {
		return errors.New("there is no display (WAYLAND_DISPLAY is not set)")
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(getenv("XDG_RUNTIME_DIR"), name)
	}
	conn, err := net.DialTimeout("unix", path, 2*time.Second)
	if err != nil {
		return fmt.Errorf("the display %s does not answer", name)
	}
	return conn.Close()
}
