//go:build !(linux || freebsd || openbsd || netbsd || dragonfly) || wayland || ci

package ui

import "fyne.io/fyne/v2"

// watchDrags would tell enter and leave about files dragged over win; only
// the X11 build can see a drag before its drop (drag_x11.go).
func watchDrags(fyne.Window, func(accepted bool), func()) {}
