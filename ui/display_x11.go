//go:build (linux || freebsd || openbsd || netbsd || dragonfly) && !wayland

package ui

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// x11SocketDir is where X servers put their sockets; tests move it.
var x11SocketDir = "/tmp/.X11-unix"

// displayProblem says why the X11 window GLFW opens (this build's) cannot
// open: DISPLAY unset, or naming a server that does not answer.
func displayProblem(getenv func(string) string) error {
	display := getenv("DISPLAY")
	if display == "" {
		if getenv("WAYLAND_DISPLAY") != "" {
			return errors.New("there is no X display (DISPLAY is not set; this build needs X11 or XWayland)")
		}
		return errors.New("there is no display (DISPLAY is not set)")
	}
	if err := dialX11(display); err != nil {
		return fmt.Errorf("the display %s does not answer", display)
	}
	return nil
}

// dialX11 connects to the X server DISPLAY names ("[host]:N[.screen]").
func dialX11(display string) error {
	i := strings.LastIndex(display, ":")
	if i < 0 {
		return errors.New("not a display name")
	}
	host := display[:i]
	n, err := strconv.Atoi(strings.SplitN(display[i+1:], ".", 2)[0])
	if err != nil {
		return err
	}
	var conn net.Conn
	switch host {
	case "", "unix":
		path := filepath.Join(x11SocketDir, "X"+strconv.Itoa(n))
		if conn, err = net.DialTimeout("unix", path, 2*time.Second); err != nil {
			// Linux servers also listen in the abstract namespace.
			conn, err = net.DialTimeout("unix", "@"+path, 2*time.Second)
		}
	default:
		conn, err = net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(6000+n)), 2*time.Second)
	}
	if err != nil {
		return err
	}
	return conn.Close()
}
