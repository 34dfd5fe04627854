package appprefs

import (
	"os"
	"path/filepath"
)

// configDir is where Fyne keeps app preferences on Windows: AppData\Roaming
// under the user's home, as Fyne builds it (not %APPDATA%, which usually
// names the same folder).
func configDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "AppData", "Roaming"), nil
}
