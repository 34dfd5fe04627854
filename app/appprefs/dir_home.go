//go:build windows || darwin

package appprefs

import (
	"os"
	"path/filepath"
)

// underHome is a folder under the user's home, as Fyne finds it on the
// systems where its configuration lives there.
func underHome(elem ...string) (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{home}, elem...)...), nil
}
