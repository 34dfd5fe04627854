//go:build !windows && !darwin

package appprefs

import "os"

// configDir is where Fyne keeps app preferences on Linux and the BSDs: the
// XDG configuration directory ($XDG_CONFIG_HOME, or ~/.config).
func configDir() (string, error) { return os.UserConfigDir() }
