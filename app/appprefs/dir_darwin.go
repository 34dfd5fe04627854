package appprefs

import (
	"os"
	"path/filepath"
)

// configDir is where Fyne keeps app preferences on macOS:
// ~/Library/Preferences (not os.UserConfigDir's Application Support).
func configDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "Library", "Preferences"), nil
}
