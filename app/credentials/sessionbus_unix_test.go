//go:build linux || freebsd || openbsd || netbsd || dragonfly

package credentials

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoSessionBusStartsNothing: without a session bus, adding a profile
// starts no dbus-daemon (the D-Bus library's dbus-launch) and so no
// gnome-keyring-daemon either; it fails with a sentence saying what is
// missing. It runs in a child process, which alone has go-keyring's real
// provider (MockInit replaces it for the whole process), with a dbus-launch
// on PATH that records being run.
func TestNoSessionBusStartsNothing(t *testing.T) {
	if os.Getenv("OSSDROP_NOBUS_CHILD") == "1" {
		noBusChild(t)
		return
	}
	bin, marker := t.TempDir(), filepath.Join(t.TempDir(), "launched")
	for _, name := range []string{"dbus-launch", "dbus-daemon", "gnome-keyring-daemon"} {
		script := "#!/bin/sh\necho " + name + " >> " + marker + "\nexit 1\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoSessionBusStartsNothing$", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "XDG_RUNTIME_DIR=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "OSSDROP_NOBUS_CHILD=1", "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"XDG_RUNTIME_DIR="+t.TempDir(), "OSSDROP_TEST_RUNTIME_ROOT="+t.TempDir(), "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("child: %v\n%s", err, out)
	}
	if launched, err := os.ReadFile(marker); err == nil {
		t.Errorf("a daemon was started: %s", launched)
	}
}

func noBusChild(t *testing.T) {
	runtimeDirRoot = os.Getenv("OSSDROP_TEST_RUNTIME_ROOT")
	s := NewStore(filepath.Join(t.TempDir(), "ossdrop"), SystemKeychain{})
	err := s.Add(permanent("work"), Secrets{AccessKeySecret: canarySecret})
	if !errors.Is(err, ErrKeychainUnavailable) || !errors.Is(err, ErrNoSessionBus) {
		t.Fatalf("Add without a session bus = %v, want ErrNoSessionBus", err)
	}
	msg := err.Error()
	for _, want := range []string{"DBUS_SESSION_BUS_ADDRESS is not set", "desktop session", "starts no D-Bus or keyring daemon", "OSS_ACCESS_KEY_ID"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, canarySecret) {
		t.Error("the error shows the secret")
	}
}

func TestSessionBus(t *testing.T) {
	files := map[string]bool{"/run/user/1000/bus": true, "/xdg/bus": true}
	exists := func(p string) bool { return files[p] }
	tests := []struct {
		name        string
		env         map[string]string
		userRuntime string
		addr        string
		set         bool
		err         bool
	}{
		{"named", map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"}, "/run/user/7", "unix:path=/x", false, false},
		{"systemd user dir", nil, "/run/user/1000", "", false, false},
		{"xdg runtime dir", map[string]string{"XDG_RUNTIME_DIR": "/xdg"}, "/run/user/7", "unix:path=/xdg/bus", true, false},
		{"autolaunch is not a bus", map[string]string{"DBUS_SESSION_BUS_ADDRESS": "autolaunch:", "XDG_RUNTIME_DIR": "/empty"}, "/run/user/7", "", false, true},
		{"nothing", nil, "/run/user/7", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, set, err := sessionBus(func(k string) string { return tt.env[k] }, exists, tt.userRuntime)
			if addr != tt.addr || set != tt.set || (err != nil) != tt.err || err != nil && !errors.Is(err, ErrNoSessionBus) {
				t.Errorf("sessionBus = %q, %v, %v", addr, set, err)
			}
		})
	}
}
