// Package appprefs reads the desktop app's preferences without Fyne, so
// that the command line can find what the app keeps there: the address and
// AccessKey ID of the app's local sandbox, whose secret is in the OS
// keychain (credentials.SandboxSecretItem). The app writes the file
// through Fyne (its preferences.json, a JSON object, under Fyne's
// configuration directory and the app's ID); this package only reads it.
package appprefs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// AppID is the application ID Fyne keys the app's preferences by, as in
// FyneApp.toml.
const AppID = "io.github.ossdrop"

// Preference keys both the app and the command line use. The app's other
// keys are its own (ui/prefs.go).
const (
	// SandboxAddr is the local sandbox's host:port, kept so that its links
	// work after a restart.
	SandboxAddr = "sandbox.addr"
	// SandboxKeyID is the AccessKey ID of the local sandbox's key pair.
	SandboxKeyID = "sandbox.keyID"
)

// Prefs are the app's preferences as the file holds them.
type Prefs map[string]any

// String is the value of key when it is a string, else "".
func (p Prefs) String(key string) string {
	s, _ := p[key].(string)
	return s
}

// Path is the app's preferences file: Fyne's configuration directory
// (configDir, per platform), the app's ID, preferences.json.
func Path() (string, error) {
	dir, err := configDir()
	if err != nil {
		return "", fmt.Errorf("the app's preferences: %w", err)
	}
	return filepath.Join(dir, "fyne", AppID, "preferences.json"), nil
}

// Read returns the preferences in the file at path; a file that does not
// exist (the app never ran, or never saved one) is no preferences, not an
// error.
func Read(path string) (Prefs, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Prefs{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the app's preferences: %w", err)
	}
	p := Prefs{}
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("read the app's preferences %s: %w", path, err)
	}
	return p, nil
}
