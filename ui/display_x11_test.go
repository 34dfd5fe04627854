//go:build (linux || freebsd || openbsd || netbsd || dragonfly) && !wayland

package ui

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// TestDisplayProblem: the app knows before GLFW starts (which would panic)
// whether its window can open.
func TestDisplayProblem(t *testing.T) {
	dir := t.TempDir()
	old := x11SocketDir
	x11SocketDir = dir
	t.Cleanup(func() { x11SocketDir = old })
	ln, err := net.Listen("unix", filepath.Join(dir, "X7"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	tests := []struct {
		env  map[string]string
		want string // "" when a window can open
	}{
		{map[string]string{"DISPLAY": ":7"}, ""},
		{map[string]string{"DISPLAY": ":7.0"}, ""},
		{map[string]string{"DISPLAY": "unix:7"}, ""},
		{nil, "there is no display (DISPLAY is not set)"},
		{map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, "DISPLAY is not set; this build needs X11 or XWayland"},
		{map[string]string{"DISPLAY": ":8"}, "the display :8 does not answer"},
		{map[string]string{"DISPLAY": "garbage"}, "the display garbage does not answer"},
	}
	for _, tt := range tests {
		err := displayProblem(func(k string) string { return tt.env[k] })
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%v: %v", tt.env, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%v: %v, want %q", tt.env, err, tt.want)
		}
	}
}
