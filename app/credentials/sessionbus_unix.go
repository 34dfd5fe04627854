//go:build linux || freebsd || openbsd || netbsd || dragonfly

package credentials

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// runtimeDirRoot is where systemd puts each user's runtime directory
// (/run/user/UID), which the D-Bus library also looks in; tests move it.
var runtimeDirRoot = "/run/user"

// checkSessionBus makes sure the Secret Service can be reached without
// starting anything: the session bus must be named, or exist where a
// desktop session puts it. A bus found in $XDG_RUNTIME_DIR is named in
// DBUS_SESSION_BUS_ADDRESS, as a desktop session would, so the D-Bus
// library uses it instead of launching its own.
func checkSessionBus() error {
	addr, set, err := sessionBus(os.Getenv, fileExists, filepath.Join(runtimeDirRoot, strconv.Itoa(os.Getuid())))
	if err != nil {
		return err
	}
	if set {
		return os.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	}
	return nil
}

// sessionBus finds the session bus: from DBUS_SESSION_BUS_ADDRESS (set is
// false: nothing to do), or a socket in $XDG_RUNTIME_DIR or userRuntime
// (set is true when the caller must name it). Without one it returns an
// error wrapping ErrNoSessionBus that says what is missing.
func sessionBus(getenv func(string) string, exists func(string) bool, userRuntime string) (addr string, set bool, err error) {
	if a := getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return a, false, nil
	}
	if exists(filepath.Join(userRuntime, "bus")) || exists(filepath.Join(userRuntime, "dbus-session")) {
		return "", false, nil // the D-Bus library finds these itself
	}
	xdg := getenv("XDG_RUNTIME_DIR")
	if xdg != "" && exists(filepath.Join(xdg, "bus")) {
		return "unix:path=" + filepath.Join(xdg, "bus"), true, nil
	}
	where := filepath.Join(userRuntime, "bus")
	if xdg != "" {
		where = filepath.Join(xdg, "bus") + " nor " + where
	}
	return "", false, fmt.Errorf("%w: DBUS_SESSION_BUS_ADDRESS is not set and there is no %s", ErrNoSessionBus, where)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
